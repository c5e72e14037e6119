// The PodGangs Grove's PodCliqueSet controller expects for a PodCliqueSet (podcliqueset/components/podgang),
// as a pure function of the PCS, the live replica counts, an optional ClusterTopologyBinding and the pods.
//
// Per PCS replica i: the base gang `<pcs>-<i>` holds every standalone clique (template order), then, per
// scaling group (config order), the cliques of its replicas 0..minAvailable−1; each scaling group replica r
// from minAvailable to its live replicas − 1 becomes a scaled gang `<pcsgFQN>-<r − minAvailable>`.
import { defaultPodCliqueSet, DEFAULT_NAMESPACE, DEFAULT_SCHEDULER_NAME } from '../../api/defaulting.ts';
import { LABEL_PCS_REPLICA_INDEX, LABEL_PODCLIQUE, LABEL_PODGANG, podGangAnnotations, podGangLabels } from '../../api/labels.ts';
import {
  basePodGangName,
  pcsgMemberPodCliqueName,
  podCliqueName,
  podCliqueScalingGroupName,
  scaledPodGangName,
  topologyConstraintGroupConfigName,
} from '../../api/naming.ts';
import type {
  ClusterTopologyBinding,
  NamespacedName,
  PodCliqueSet,
  PodCliqueTemplateSpec,
  PodGang,
  PodGangTopologyConstraint,
  PodGroup,
  TopologyConstraintGroupConfig,
} from '../../api/types.ts';
import type { PodObject } from '../placement/kube.ts';
import { translateConstraint } from './topology.ts';

export interface DeriveInput {
  readonly pcs: PodCliqueSet;
  /** Live `spec.replicas` of PodCliques and PodCliqueScalingGroups by full name; absent means the template's. */
  readonly replicas?: Readonly<Record<string, number>> | undefined;
  /** With a binding, topology-aware scheduling is on; without, every constraint is dropped (as in Grove). */
  readonly topology?: ClusterTopologyBinding | undefined;
  /** Pods to reference: non-terminating pods labelled with the gang, matched to their PodClique. */
  readonly pods?: readonly PodObject[] | undefined;
}

/** One podgroup, with what placement needs to synthesise its pods. */
export interface DerivedPodGroup {
  readonly name: string;
  readonly clique: PodCliqueTemplateSpec;
  /** Pods the PodClique should have (its live or template replicas). */
  readonly replicas: number;
  readonly minReplicas: number;
}

export interface DerivedPodGang {
  readonly podGang: PodGang;
  readonly pcsReplicaIndex: number;
  /** Set on scaled gangs: the base gang of the same PCS replica. */
  readonly baseGang?: string | undefined;
  readonly podGroups: readonly DerivedPodGroup[];
}

export interface Derivation {
  /** Base gangs in replica order, then each replica's scaled gangs (scaling groups in config order). */
  readonly gangs: readonly DerivedPodGang[];
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
}

interface MemberSpec {
  readonly fqn: string;
  readonly clique: PodCliqueTemplateSpec;
}

function schedulerName(pcs: PodCliqueSet): string {
  for (const c of pcs.spec.template.cliques) {
    const name = c.spec.podSpec.schedulerName;
    if (name !== undefined && name !== '') return name;
  }
  return DEFAULT_SCHEDULER_NAME;
}

// FindExplicitTopologyNameForPodCliqueSet: the first explicit topologyName (set, then scaling groups, then
// cliques). Grove does not fall back to the binding: without one, the PodGang gets no topology-name annotation.
function topologyName(pcs: PodCliqueSet): string | undefined {
  const t = pcs.spec.template;
  return [t.topologyConstraint, ...(t.podCliqueScalingGroups ?? []).map((g) => g.topologyConstraint), ...t.cliques.map((c) => c.topologyConstraint)]
    .map((tc) => tc?.topologyName)
    .find((n) => n !== undefined && n !== '');
}

function podOwner(pod: PodObject): string | undefined {
  const owners = (pod.metadata as { ownerReferences?: readonly { name: string }[] }).ownerReferences;
  return owners?.[0]?.name ?? pod.metadata.labels?.[LABEL_PODCLIQUE];
}

export function derivePodGangs(input: DeriveInput): Derivation {
  const pcs = defaultPodCliqueSet(input.pcs).object;
  const name = pcs.metadata.name ?? '';
  const namespace = pcs.metadata.namespace ?? DEFAULT_NAMESPACE;
  const template = pcs.spec.template;
  const binding = input.topology;
  const live = input.replicas ?? {};
  const warnings: string[] = [];
  const errors: string[] = [];
  const translate = (where: string, tc: Parameters<typeof translateConstraint>[0]): PodGangTopologyConstraint | undefined => {
    const t = translateConstraint(tc, binding);
    for (const d of t.dropped) warnings.push(`${where}: topology domain ${d} is not in ClusterTopologyBinding ${binding?.metadata.name ?? ''}; dropped`);
    return t.constraint;
  };
  if (binding !== undefined) {
    const wanted = topologyName(pcs);
    if (wanted !== undefined && binding.metadata.name !== undefined && wanted !== binding.metadata.name) {
      warnings.push(`PodCliqueSet ${name} names topology ${wanted} but the binding given is ${binding.metadata.name ?? ''}`);
    }
  }

  const cliqueByName = new Map(template.cliques.map((c) => [c.name, c]));
  const groups = template.podCliqueScalingGroups ?? [];
  const inGroup = new Set(groups.flatMap((g) => g.cliqueNames));
  for (const g of groups) {
    for (const c of g.cliqueNames) if (!cliqueByName.has(c)) errors.push(`PodCliqueScalingGroup ${g.name} references PodClique ${c}, which the PodCliqueSet does not define`);
  }

  const referencesFor = (gang: string, pclq: string): NamespacedName[] =>
    (input.pods ?? [])
      .filter((p) => (p.metadata.namespace ?? DEFAULT_NAMESPACE) === namespace)
      .filter((p) => p.metadata.deletionTimestamp === undefined || p.metadata.deletionTimestamp === null)
      .filter((p) => p.metadata.labels?.[LABEL_PODGANG] === gang && podOwner(p) === pclq)
      .map((p) => ({ namespace, name: p.metadata.name }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const podGroupsFor = (gang: string, members: readonly MemberSpec[]): { groups: PodGroup[]; derived: DerivedPodGroup[] } => {
    const groups: PodGroup[] = [];
    const derived: DerivedPodGroup[] = [];
    for (const m of members) {
      const minReplicas = m.clique.spec.minAvailable ?? m.clique.spec.replicas ?? 1;
      const tc = translate(`PodClique ${m.fqn}`, m.clique.topologyConstraint);
      groups.push({ name: m.fqn, podReferences: referencesFor(gang, m.fqn), minReplicas, ...(tc === undefined ? {} : { topologyConstraint: tc }) });
      derived.push({ name: m.fqn, clique: m.clique, replicas: live[m.fqn] ?? m.clique.spec.replicas ?? 1, minReplicas });
    }
    return { groups, derived };
  };

  const translated = (tc: PodGangTopologyConstraint | undefined, configs: readonly TopologyConstraintGroupConfig[], groups: readonly PodGroup[]): boolean =>
    tc !== undefined || configs.some((c) => c.topologyConstraint !== undefined) || groups.some((g) => g.topologyConstraint !== undefined);

  const sched = schedulerName(pcs);
  const makePodGang = (gangName: string, replica: number, groups: PodGroup[], tc: PodGangTopologyConstraint | undefined, configs: TopologyConstraintGroupConfig[]): PodGang => {
    const labels = { ...podGangLabels({ pcsName: name, podGangName: gangName, schedulerName: sched, pcsLabels: pcs.metadata.labels }), [LABEL_PCS_REPLICA_INDEX]: String(replica) };
    const topology = binding !== undefined && translated(tc, configs, groups) ? topologyName(pcs) : undefined;
    const annotations = podGangAnnotations(pcs.metadata.annotations, topology);
    const uid = pcs.metadata.uid;
    const ownerReferences = uid === undefined ? undefined : [{ apiVersion: pcs.apiVersion, kind: pcs.kind, name, uid, controller: true, blockOwnerDeletion: true }];
    const priorityClassName = template.priorityClassName;
    return {
      apiVersion: 'scheduler.grove.io/v1alpha1',
      kind: 'PodGang',
      metadata: {
        name: gangName,
        namespace,
        labels,
        ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
        ...(ownerReferences === undefined ? {} : { ownerReferences }),
      },
      spec: {
        podgroups: groups,
        ...(tc === undefined ? {} : { topologyConstraint: tc }),
        ...(configs.length === 0 ? {} : { topologyConstraintGroupConfigs: configs }),
        ...(priorityClassName === undefined || priorityClassName === '' ? {} : { priorityClassName }),
      },
    };
  };

  const replicas = pcs.spec.replicas ?? 0;
  const bases: DerivedPodGang[] = [];
  const scaled: DerivedPodGang[] = [];
  for (let i = 0; i < replicas; i++) {
    const baseName = basePodGangName(name, i);
    const members: MemberSpec[] = template.cliques.filter((c) => !inGroup.has(c.name)).map((c) => ({ fqn: podCliqueName(name, i, c.name), clique: c }));
    const configs: TopologyConstraintGroupConfig[] = [];
    for (const g of groups) {
      const pcsgFQN = podCliqueScalingGroupName(name, i, g.name);
      const minAvailable = g.minAvailable ?? 1;
      for (let r = 0; r < minAvailable; r++) {
        const replicaMembers = g.cliqueNames.flatMap((c) => {
          const clique = cliqueByName.get(c);
          return clique === undefined ? [] : [{ fqn: pcsgMemberPodCliqueName(name, i, g.name, r, c), clique }];
        });
        members.push(...replicaMembers);
        if (binding !== undefined && g.topologyConstraint !== undefined) {
          const tc = translate(`PodCliqueScalingGroup ${pcsgFQN}`, g.topologyConstraint);
          configs.push({ name: topologyConstraintGroupConfigName(pcsgFQN, r), podGroupNames: replicaMembers.map((m) => m.fqn), ...(tc === undefined ? {} : { topologyConstraint: tc }) });
        }
      }
      const groupReplicas = live[pcsgFQN] ?? g.replicas ?? 1;
      for (let r = minAvailable; r < groupReplicas; r++) {
        const gangName = scaledPodGangName(pcsgFQN, r, minAvailable);
        const scaledMembers = g.cliqueNames.flatMap((c) => {
          const clique = cliqueByName.get(c);
          return clique === undefined ? [] : [{ fqn: pcsgMemberPodCliqueName(name, i, g.name, r, c), clique }];
        });
        const { groups: pgs, derived } = podGroupsFor(gangName, scaledMembers);
        // A scaled gang takes its scaling group's constraint, else the PodCliqueSet's.
        const tc = g.topologyConstraint !== undefined ? translate(`PodCliqueScalingGroup ${pcsgFQN}`, g.topologyConstraint) : translate(`PodCliqueSet ${name}`, template.topologyConstraint);
        scaled.push({ podGang: makePodGang(gangName, i, pgs, tc, []), pcsReplicaIndex: i, baseGang: baseName, podGroups: derived });
      }
    }
    const { groups: pgs, derived } = podGroupsFor(baseName, members);
    const tc = translate(`PodCliqueSet ${name}`, template.topologyConstraint);
    bases.push({ podGang: makePodGang(baseName, i, pgs, tc, configs), pcsReplicaIndex: i, podGroups: derived });
  }
  return { gangs: [...bases, ...scaled], warnings: [...new Set(warnings)], errors };
}
