// The API calls the live scaler makes, behind one small interface so the loop can be driven by a fake.
// Custom objects go through CustomObjectsApi (client-node's typed models do not cover them).
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { SCALING_POLICY_GROUP, SCALING_POLICY_PLURAL, SCALING_POLICY_VERSION } from '../../api/scaling-policy.ts';
import { scalablePlurals } from '../../kube/scale.ts';
import { statusOf } from '../../kube/retry.ts';
import type { Pod } from '../hpa/types.ts';
import { podFromV1 } from './objects.ts';

export type GroveObjectKind = 'PodCliqueSet' | 'PodClique' | 'PodCliqueScalingGroup';

export interface ScalerKubeClient {
  /** Raw ScalingPolicy objects; every namespace when `namespace` is undefined. */
  listPolicies(namespace: string | undefined): Promise<unknown[]>;
  /** A raw Grove object, or undefined when it does not exist. */
  getGroveObject(kind: GroveObjectKind, namespace: string, name: string): Promise<unknown>;
  listPods(namespace: string, selector: string): Promise<Pod[]>;
  patchPolicyStatus(namespace: string, name: string, patch: object): Promise<void>;
}

const POLICY = { group: SCALING_POLICY_GROUP, version: SCALING_POLICY_VERSION, plural: SCALING_POLICY_PLURAL } as const;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function items(list: unknown): unknown[] {
  if (typeof list === 'object' && list !== null && 'items' in list && Array.isArray(list.items)) return list.items as unknown[];
  return [];
}

export function createScalerKubeClient(kc: KubeConfig, fieldManager = 'canopy-scaler'): ScalerKubeClient {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async listPolicies(namespace) {
      const list: unknown =
        namespace === undefined
          ? await custom.listClusterCustomObject({ ...POLICY })
          : await custom.listNamespacedCustomObject({ ...POLICY, namespace });
      return items(list);
    },
    async getGroveObject(kind, namespace, name) {
      try {
        const obj: unknown = await custom.getNamespacedCustomObject({ group: 'grove.io', version: 'v1alpha1', plural: scalablePlurals[kind], namespace, name });
        return obj;
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async listPods(namespace, selector) {
      const list = await core.listNamespacedPod({ namespace, labelSelector: selector });
      return list.items.flatMap((p) => {
        const pod = podFromV1(p);
        return pod !== undefined ? [pod] : [];
      });
    },
    async patchPolicyStatus(namespace, name, patch) {
      await custom.patchNamespacedCustomObjectStatus({ ...POLICY, namespace, name, body: patch, fieldManager }, mergePatch);
    },
  };
}
