// The ScalingPolicy CRD, generated from the same zod schema that validates policy files, with the helpers the
// Grove CRDs use (structural rewrite and the check for constructs apiextensions.k8s.io/v1 rejects).
import { crdSchemaProblems, structural, toJsonSchema, type JsonSchema } from './crd/schema.ts';
import {
  SCALING_POLICY_GROUP,
  SCALING_POLICY_KIND,
  SCALING_POLICY_PLURAL,
  SCALING_POLICY_SHORT_NAMES,
  SCALING_POLICY_SINGULAR,
  SCALING_POLICY_VERSION,
  scalingPolicySpecSchema,
  scalingPolicyStatusSchema,
} from './scaling-policy.ts';

export const SCALING_POLICY_CRD_FILE = `${SCALING_POLICY_GROUP}_${SCALING_POLICY_PLURAL}.yaml`;

export function scalingPolicyCustomResourceDefinition(): JsonSchema {
  const schema: JsonSchema = {
    description: 'ScalingPolicy (canopy.dev/v1alpha1): how Canopy scales the roles of one Grove PodCliqueSet.',
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: structural(toJsonSchema(scalingPolicySpecSchema)),
      status: structural(toJsonSchema(scalingPolicyStatusSchema)),
    },
    required: ['spec'],
  };
  const problems = crdSchemaProblems(schema);
  if (problems.length > 0) throw new Error(`ScalingPolicy: schema is not a valid CRD schema:\n${problems.join('\n')}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${SCALING_POLICY_PLURAL}.${SCALING_POLICY_GROUP}` },
    spec: {
      group: SCALING_POLICY_GROUP,
      names: {
        kind: SCALING_POLICY_KIND,
        listKind: `${SCALING_POLICY_KIND}List`,
        plural: SCALING_POLICY_PLURAL,
        singular: SCALING_POLICY_SINGULAR,
        shortNames: [...SCALING_POLICY_SHORT_NAMES],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: SCALING_POLICY_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Target', type: 'string', jsonPath: '.spec.targetRef.name' },
            { name: 'Actuation', type: 'string', jsonPath: '.spec.actuation' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
}
