// Turning workloads into gangs the planner understands: PodCliqueSets (gangs derived as Grove would, pods
// synthesised from the clique templates) and PodGangs given with their pods.
import { DEFAULT_NAMESPACE } from '../../api/defaulting.ts';
import { LABEL_BASE_PODGANG } from '../../api/labels.ts';
import { podHostname } from '../../api/naming.ts';
import type { ClusterTopologyBinding, PodCliqueSet, PodGang } from '../../api/types.ts';
import type { Derivation } from '../podgang/derive.ts';
import type { GangPod, GangSpread, PackKeys, PlacementGang, SpreadPolicy } from './gang.ts';
import type { PodObject } from './kube.ts';
import { podRequests } from './requests.ts';

/** PodCliqueSet annotation: the binding domain (zone, rack, ...) across which set replicas are spread. */
export const ANNOTATION_SPREAD_DOMAIN = 'canopy.dev/spread-domain';
/** PodCliqueSet annotation: `required` (default) or `preferred`. */
export const ANNOTATION_SPREAD_POLICY = 'canopy.dev/spread-policy';

function packKeys(tc: { packConstraint?: { required?: string | undefined; preferred?: string | undefined } | undefined } | undefined): PackKeys | undefined {
  const p = tc?.packConstraint;
  if (p === undefined) return undefined;
  return { required: p.required, preferred: p.preferred };
}

function spreadOf(pcs: PodCliqueSet, binding: ClusterTopologyBinding | undefined, warnings: string[]): GangSpread | undefined {
  const domain = pcs.metadata.annotations?.[ANNOTATION_SPREAD_DOMAIN];
  if (domain === undefined || domain === '') return undefined;
  const name = pcs.metadata.name ?? '';
  const level = binding?.spec.levels.find((l) => l.domain === domain);
  if (level === undefined) {
    warnings.push(`PodCliqueSet ${name}: ${ANNOTATION_SPREAD_DOMAIN} ${domain} is not a level of the cluster topology; not spread`);
    return undefined;
  }
  const raw = pcs.metadata.annotations?.[ANNOTATION_SPREAD_POLICY] ?? 'required';
  let policy: SpreadPolicy = 'required';
  if (raw === 'preferred') policy = 'preferred';
  else if (raw !== 'required') warnings.push(`PodCliqueSet ${name}: ${ANNOTATION_SPREAD_POLICY} ${raw} is neither required nor preferred; using required`);
  return { group: `${pcs.metadata.namespace ?? DEFAULT_NAMESPACE}/${name}`, key: level.key, policy };
}

/**
 * Gangs of a derived PodCliqueSet with one synthesised pod per expected replica (named by its hostname,
 * `<pclqFQN>-<index>`). Base gangs carry the set's spread; scaled gangs follow their base gang.
 */
export function gangsFromDerivation(pcs: PodCliqueSet, derivation: Derivation, binding: ClusterTopologyBinding | undefined): { gangs: PlacementGang[]; warnings: string[] } {
  const warnings: string[] = [];
  const spread = spreadOf(pcs, binding, warnings);
  const gangs = derivation.gangs.map((d): PlacementGang => {
    const spec = d.podGang.spec;
    return {
      name: d.podGang.metadata.name ?? '',
      namespace: d.podGang.metadata.namespace ?? DEFAULT_NAMESPACE,
      pack: packKeys(spec.topologyConstraint),
      podGroups: d.podGroups.map((pg, i) => {
        const requests = podRequests(pg.clique.spec.podSpec);
        const pods: GangPod[] = Array.from({ length: pg.replicas }, (_, k) => ({ name: podHostname(pg.name, k), requests }));
        return { name: pg.name, minReplicas: pg.minReplicas, pods, pack: packKeys(spec.podgroups[i]?.topologyConstraint) };
      }),
      groupConfigs: (spec.topologyConstraintGroupConfigs ?? []).map((c) => ({ name: c.name, podGroupNames: c.podGroupNames, pack: packKeys(c.topologyConstraint) })),
      baseGang: d.baseGang,
      spread: d.baseGang === undefined ? spread : undefined,
    };
  });
  return { gangs, warnings };
}

/** A PodGang with its referenced pods. A scaled gang is recognised by its pods' grove.io/base-podgang label. */
export function gangFromPodGang(podGang: PodGang, pods: readonly PodObject[]): { gang: PlacementGang | undefined; errors: string[] } {
  const namespace = podGang.metadata.namespace ?? DEFAULT_NAMESPACE;
  const byName = new Map(pods.map((p) => [`${p.metadata.namespace ?? DEFAULT_NAMESPACE}/${p.metadata.name}`, p]));
  const errors: string[] = [];
  let baseGang: string | undefined;
  const podGroups = podGang.spec.podgroups.map((pg) => {
    const found: GangPod[] = [];
    for (const ref of pg.podReferences) {
      const pod = byName.get(`${ref.namespace}/${ref.name}`);
      if (pod === undefined) {
        errors.push(`PodGang ${podGang.metadata.name ?? ''}: podgroup ${pg.name} references pod ${ref.namespace}/${ref.name}, which is not in the workload files`);
        continue;
      }
      baseGang ??= pod.metadata.labels?.[LABEL_BASE_PODGANG];
      found.push({ name: pod.metadata.name, requests: podRequests(pod.spec) });
    }
    return { name: pg.name, minReplicas: pg.minReplicas, pods: found, pack: packKeys(pg.topologyConstraint) };
  });
  if (errors.length > 0) return { gang: undefined, errors };
  return {
    gang: {
      name: podGang.metadata.name ?? '',
      namespace,
      pack: packKeys(podGang.spec.topologyConstraint),
      podGroups,
      groupConfigs: (podGang.spec.topologyConstraintGroupConfigs ?? []).map((c) => ({ name: c.name, podGroupNames: c.podGroupNames, pack: packKeys(c.topologyConstraint) })),
      baseGang,
    },
    errors,
  };
}
