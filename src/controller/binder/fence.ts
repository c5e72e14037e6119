// Keeping part of a gang next to pods that are already bound: the nodes sharing the reference node's
// domain at a pack level. A domain is the path of label values from the broadest level down, because
// values such as rack names repeat under different parents.
import type { TopologyLevelRef } from '../placement/cluster.ts';
import type { NodeObject } from '../placement/kube.ts';

export type NodeFilter = (node: NodeObject) => boolean;

export function domainFence(reference: NodeObject, key: string, levels: readonly TopologyLevelRef[]): NodeFilter {
  const at = levels.findIndex((l) => l.key === key);
  const keys = at < 0 ? [key] : levels.slice(0, at + 1).map((l) => l.key);
  const want = keys.map((k) => reference.metadata.labels?.[k]);
  return (node) => keys.every((k, i) => want[i] !== undefined && node.metadata.labels?.[k] === want[i]);
}
