// A pod's effective requests, the way kube-scheduler computes them: the larger of (regular containers +
// sidecars) and, for each init container in turn, that container plus the sidecars started before it;
// plus pod overhead.
import type { Container, PodSpec } from '../../api/types.ts';
import { resourceAmount } from './units.ts';

export type Amounts = Readonly<Record<string, number>>;

function containerRequests(c: Container): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, q] of Object.entries(c.resources?.requests ?? {})) out[name] = resourceAmount(name, q);
  return out;
}

function add(into: Record<string, number>, more: Amounts): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}

function maxInto(into: Record<string, number>, other: Amounts): void {
  for (const [k, v] of Object.entries(other)) into[k] = Math.max(into[k] ?? 0, v);
}

function isSidecar(c: Container): boolean {
  return (c as { restartPolicy?: unknown }).restartPolicy === 'Always';
}

/** Effective requests of a pod spec, in comparison units (see units.ts). Zero entries are dropped. */
export function podRequests(spec: PodSpec): Amounts {
  const total: Record<string, number> = {};
  for (const c of spec.containers) add(total, containerRequests(c));
  const sidecarsSoFar: Record<string, number> = {};
  const initPeak: Record<string, number> = {};
  for (const c of spec.initContainers ?? []) {
    const own = containerRequests(c);
    if (isSidecar(c)) {
      add(sidecarsSoFar, own);
      maxInto(initPeak, sidecarsSoFar);
    } else {
      const during = { ...sidecarsSoFar };
      add(during, own);
      maxInto(initPeak, during);
    }
  }
  add(total, sidecarsSoFar);
  maxInto(total, initPeak);
  const overhead = (spec as { overhead?: Record<string, string | number> }).overhead;
  if (overhead !== undefined) {
    for (const [k, q] of Object.entries(overhead)) total[k] = (total[k] ?? 0) + resourceAmount(k, q);
  }
  return Object.fromEntries(Object.entries(total).filter(([, v]) => v > 0));
}
