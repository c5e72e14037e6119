// What the binder has written but its caches may not show yet (kube-scheduler's "assume"): bindings and
// PodGang objects returned by our own writes, laid over the snapshot until the watch catches up, so the
// next decision does not bind a pod twice or re-plan a gang whose plan it just persisted.
import type { PodGang } from '../../api/types.ts';
import { gangKey } from './gang-state.ts';
import type { BinderPod } from './types.ts';
import { isBound, namespaceOf, podKey } from './types.ts';

export class Assumptions {
  private readonly binds = new Map<string, string>();
  private readonly gangs = new Map<string, { stale: Set<string>; object: PodGang }>();

  recordBind(namespace: string, pod: string, node: string): void {
    this.binds.set(podKey(namespace, pod), node);
  }

  /** `seen` is the resourceVersion the cache had when we wrote; while the cache still has it, ours wins. */
  recordGang(seen: string, object: PodGang): void {
    const key = gangKey(object);
    const prior = this.gangs.get(key);
    const stale = prior?.stale ?? new Set<string>();
    stale.add(seen);
    this.gangs.set(key, { stale, object });
  }

  pods(pods: readonly BinderPod[]): BinderPod[] {
    const present = new Set<string>();
    const out = pods.map((p) => {
      const key = podKey(namespaceOf(p), p.metadata.name);
      present.add(key);
      const node = this.binds.get(key);
      if (node === undefined) return p;
      if (isBound(p)) {
        this.binds.delete(key);
        return p;
      }
      return { ...p, spec: { ...p.spec, nodeName: node } };
    });
    for (const key of [...this.binds.keys()]) if (!present.has(key)) this.binds.delete(key);
    return out;
  }

  podGangs(gangs: readonly PodGang[]): PodGang[] {
    const present = new Set<string>();
    const out = gangs.map((g) => {
      const key = gangKey(g);
      present.add(key);
      const mine = this.gangs.get(key);
      if (mine === undefined) return g;
      if (mine.stale.has(g.metadata.resourceVersion ?? '')) return mine.object;
      this.gangs.delete(key);
      return g;
    });
    for (const key of [...this.gangs.keys()]) if (!present.has(key)) this.gangs.delete(key);
    return out;
  }
}
