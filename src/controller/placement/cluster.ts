// The cluster as placement sees it: schedulable nodes grouped into a topology tree keyed by the
// ClusterTopologyBinding levels, with free capacity per node and per domain. A domain is identified by
// the full path of label values from the broadest level down ("zone=z1/rack=r3"), because values such as
// rack names repeat under different parents.
import type { NodeObject, PodObject } from './kube.ts';
import { isTerminal } from './kube.ts';
import { podRequests } from './requests.ts';
import { resourceAmount } from './units.ts';

export interface TopologyLevelRef {
  /** Grove's name for the level (zone, rack, host, ...). */
  readonly domain: string;
  /** The node label key that carries it. */
  readonly key: string;
}

export interface ClusterNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Per resource (index into ClusterModel.resources). */
  readonly allocatable: readonly number[];
  /** Allocatable minus the requests of pods already bound here. */
  readonly free: readonly number[];
  /** Domain index at each binding level, broadest first. */
  readonly domains: readonly number[];
}

export interface Domain {
  /** "" for the whole cluster, else "zone=z1/rack=r3". */
  readonly id: string;
  /** -1 for the whole cluster, else the index into ClusterModel.levels. */
  readonly level: number;
  readonly parent: number;
  readonly children: readonly number[];
  /** Every node under this domain, by node index, in name order. */
  readonly nodes: readonly number[];
  readonly allocatable: readonly number[];
  readonly free: readonly number[];
}

export interface ExcludedNode {
  readonly node: string;
  readonly reason: string;
}

export interface ClusterModel {
  readonly levels: readonly TopologyLevelRef[];
  readonly resources: readonly string[];
  readonly nodes: readonly ClusterNode[];
  /** Index 0 is the whole cluster. */
  readonly domains: readonly Domain[];
  /** Domain indices per level, in id order. */
  readonly domainsByLevel: readonly (readonly number[])[];
  readonly excluded: readonly ExcludedNode[];
  readonly warnings: readonly string[];
}

export interface ClusterInput {
  readonly nodes: readonly NodeObject[];
  /** Pods already bound (spec.nodeName set); their requests are taken off their node. Others are ignored. */
  readonly pods?: readonly PodObject[] | undefined;
  readonly levels: readonly TopologyLevelRef[];
  /** Resources the workload asks for, so that nodes without them count as having none. */
  readonly extraResources?: readonly string[] | undefined;
}

// Kubernetes' pod-count limit is not modelled; it would need every node to declare it.
const IGNORED_RESOURCES = new Set(['pods']);

function exclusionReason(node: NodeObject, levels: readonly TopologyLevelRef[]): string | undefined {
  if (node.spec?.unschedulable === true) return 'cordoned (spec.unschedulable)';
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  // Hand-written cluster files often omit conditions; only an explicit non-True Ready excludes a node.
  if (ready !== undefined && ready.status !== 'True') return `NotReady (Ready=${ready.status})`;
  for (const level of levels) {
    if (node.metadata.labels?.[level.key] === undefined) return `missing topology label ${level.key}`;
  }
  return undefined;
}

function nodeAllocatable(node: NodeObject): Readonly<Record<string, string | number>> {
  return node.status?.allocatable ?? node.status?.capacity ?? {};
}

interface MutableDomain {
  id: string;
  level: number;
  parent: number;
  children: number[];
  nodes: number[];
  allocatable: number[];
  free: number[];
}

/** Builds the topology tree. Pure: the same nodes, pods and levels give the same model. */
export function buildClusterModel(input: ClusterInput): ClusterModel {
  const { levels } = input;
  const warnings: string[] = [];
  const excluded: ExcludedNode[] = [];
  const usable: NodeObject[] = [];
  for (const node of [...input.nodes].sort((a, b) => compare(a.metadata.name, b.metadata.name))) {
    const reason = exclusionReason(node, levels);
    if (reason === undefined) usable.push(node);
    else excluded.push({ node: node.metadata.name, reason });
  }

  const resourceSet = new Set<string>(input.extraResources ?? []);
  for (const node of usable) for (const r of Object.keys(nodeAllocatable(node))) resourceSet.add(r);
  for (const r of IGNORED_RESOURCES) resourceSet.delete(r);
  const resources = [...resourceSet].sort(compare);

  const byName = new Map<string, number>();
  const allocs = usable.map((node, i) => {
    byName.set(node.metadata.name, i);
    const a = nodeAllocatable(node);
    return resources.map((r) => {
      const q = a[r];
      return q === undefined ? 0 : resourceAmount(r, q);
    });
  });
  const frees = allocs.map((a) => [...a]);

  const excludedNames = new Set(excluded.map((e) => e.node));
  for (const pod of input.pods ?? []) {
    const nodeName = pod.spec.nodeName;
    if (nodeName === undefined || nodeName === '' || isTerminal(pod)) continue;
    const i = byName.get(nodeName);
    if (i === undefined) {
      if (!excludedNames.has(nodeName)) warnings.push(`pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name} is bound to unknown node ${nodeName}`);
      continue;
    }
    const free = frees[i];
    if (free === undefined) continue;
    const req = podRequests(pod.spec);
    resources.forEach((r, k) => {
      free[k] = (free[k] ?? 0) - (req[r] ?? 0);
    });
  }

  const zero = (): number[] => resources.map(() => 0);
  const domains: MutableDomain[] = [{ id: '', level: -1, parent: -1, children: [], nodes: [], allocatable: zero(), free: zero() }];
  const index = new Map<string, number>([['', 0]]);
  const nodes: ClusterNode[] = usable.map((node, i) => {
    const labels = node.metadata.labels ?? {};
    const path: number[] = [];
    let parent = 0;
    let id = '';
    levels.forEach((level, l) => {
      id = `${id === '' ? '' : `${id}/`}${level.domain}=${labels[level.key] ?? ''}`;
      let d = index.get(id);
      if (d === undefined) {
        d = domains.length;
        domains.push({ id, level: l, parent, children: [], nodes: [], allocatable: zero(), free: zero() });
        index.set(id, d);
        domains[parent]?.children.push(d);
      }
      path.push(d);
      parent = d;
    });
    const allocatable = allocs[i] ?? zero();
    const free = frees[i] ?? zero();
    for (const d of [0, ...path]) {
      const dom = domains[d];
      if (dom === undefined) continue;
      dom.nodes.push(i);
      resources.forEach((_, k) => {
        dom.allocatable[k] = (dom.allocatable[k] ?? 0) + (allocatable[k] ?? 0);
        dom.free[k] = (dom.free[k] ?? 0) + Math.max(0, free[k] ?? 0);
      });
    }
    return { name: node.metadata.name, labels, allocatable, free, domains: path };
  });

  for (const d of domains) d.children.sort((a, b) => compare(domains[a]?.id ?? '', domains[b]?.id ?? ''));
  const domainsByLevel = levels.map((_, l) =>
    domains
      .map((d, i) => ({ d, i }))
      .filter(({ d }) => d.level === l)
      .sort((a, b) => compare(a.d.id, b.d.id))
      .map(({ i }) => i),
  );
  return { levels, resources, nodes, domains, domainsByLevel, excluded, warnings };
}

/** Code-point order, independent of locale, so plans are byte-for-byte reproducible. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
