// Grove's translation of a TopologyConstraint (domain names) into a PodGang pack constraint (node label
// keys) through the ClusterTopologyBinding levels. A domain the binding lacks is dropped; when neither
// required nor preferred survives, there is no constraint at all. Without a binding (topology-aware
// scheduling off) every constraint is dropped.
import type { ClusterTopologyBinding, PodGangTopologyConstraint, TopologyConstraint } from '../../api/types.ts';

export interface Translation {
  readonly constraint: PodGangTopologyConstraint | undefined;
  /** Domains named by the constraint that the binding does not have. */
  readonly dropped: readonly string[];
}

export function translateConstraint(tc: TopologyConstraint | undefined, binding: ClusterTopologyBinding | undefined): Translation {
  if (tc === undefined || binding === undefined) return { constraint: undefined, dropped: [] };
  const dropped: string[] = [];
  const keyOf = (domain: string | undefined): string | undefined => {
    if (domain === undefined) return undefined;
    const level = binding.spec.levels.find((l) => l.domain === domain);
    if (level === undefined) dropped.push(domain);
    return level?.key;
  };
  // packDomain is the deprecated spelling of pack.required; Grove rejects it on create but old objects carry it.
  const required = keyOf(tc.pack?.required ?? tc.packDomain);
  const preferred = keyOf(tc.pack?.preferred);
  if (required === undefined && preferred === undefined) return { constraint: undefined, dropped };
  return {
    constraint: {
      packConstraint: {
        ...(required === undefined ? {} : { required }),
        ...(preferred === undefined ? {} : { preferred }),
      },
    },
    dropped,
  };
}
