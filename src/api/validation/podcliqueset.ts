import { defaultPodCliqueSet } from '../defaulting.ts';
import type { PodCliqueSet } from '../schema/podcliqueset.ts';
import { DEFAULT_VALIDATION_CONTEXT, type ValidationContext } from './context.ts';
import type { FieldError } from './field-error.ts';
import { validatePodCliqueSetSpec, validatePodSpecOnCreate } from './podcliqueset-spec.ts';
import { validateCliquesUpdate, validateScalingGroupsUpdate, validateTemplateUpdate } from './podcliqueset-update.ts';
import { validateTopologyOnCreate, validateTopologyOnUpdate } from './topology.ts';

// Grove's admission chain for a PodCliqueSet: defaulting, then validation. Inputs are not modified.

export function validatePodCliqueSetCreate(
  input: PodCliqueSet,
  ctx: ValidationContext = DEFAULT_VALIDATION_CONTEXT,
): FieldError[] {
  const pcs = defaultPodCliqueSet(input).object;
  return [
    ...validatePodCliqueSetSpec(pcs, ctx),
    ...pcs.spec.template.cliques.flatMap((c, i) => validatePodSpecOnCreate(c, i)),
    ...validateTopologyOnCreate(pcs, ctx),
  ];
}

export function validatePodCliqueSetUpdate(
  input: PodCliqueSet,
  oldInput: PodCliqueSet,
  ctx: ValidationContext = DEFAULT_VALIDATION_CONTEXT,
): FieldError[] {
  const pcs = defaultPodCliqueSet(input).object;
  const old = defaultPodCliqueSet(oldInput).object;
  return [
    ...validatePodCliqueSetSpec(pcs, ctx),
    ...validateCliquesUpdate(pcs, old),
    ...validateScalingGroupsUpdate(pcs, old),
    ...validateTemplateUpdate(pcs, old),
    ...validateTopologyOnUpdate(pcs, old),
  ];
}
