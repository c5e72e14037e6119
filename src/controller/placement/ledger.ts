// Free capacity while a plan is being built, with checkpoints so that a gang (or one candidate domain
// for it) can be tried and undone. Internal to the planner: it mutates, the planner does not leak it.
import type { ClusterModel } from './cluster.ts';

export interface PodDemand {
  /** Index of the pod in the planner's pod table. */
  readonly id: number;
  /** Per resource index. */
  readonly req: Float64Array;
}

export interface Binding {
  readonly pod: number;
  readonly node: number;
}

export class Ledger {
  readonly model: ClusterModel;
  readonly width: number;
  readonly nodeFree: Float64Array;
  readonly domainFree: Float64Array;
  readonly bindings: Binding[] = [];
  // Domain indices a node contributes to: the cluster (0) and one per level.
  readonly #ancestry: readonly (readonly number[])[];

  constructor(model: ClusterModel) {
    this.model = model;
    const width = model.resources.length;
    this.width = width;
    this.nodeFree = new Float64Array(model.nodes.length * width);
    model.nodes.forEach((n, i) => {
      n.free.forEach((v, k) => (this.nodeFree[i * width + k] = v));
    });
    this.domainFree = new Float64Array(model.domains.length * width);
    model.domains.forEach((d, i) => {
      d.free.forEach((v, k) => (this.domainFree[i * width + k] = v));
    });
    this.#ancestry = model.nodes.map((n) => [0, ...n.domains]);
  }

  fits(node: number, req: Float64Array): boolean {
    const base = node * this.width;
    for (let k = 0; k < this.width; k++) {
      const r = req[k] ?? 0;
      if (r > 0 && (this.nodeFree[base + k] ?? 0) < r) return false;
    }
    return true;
  }

  /** How many pods of this shape the node can still take. */
  capacity(node: number, req: Float64Array): number {
    const base = node * this.width;
    let n = Number.POSITIVE_INFINITY;
    for (let k = 0; k < this.width; k++) {
      const r = req[k] ?? 0;
      if (r > 0) n = Math.min(n, Math.floor(Math.max(0, this.nodeFree[base + k] ?? 0) / r));
    }
    return n;
  }

  domainHas(domain: number, total: Float64Array): boolean {
    const base = domain * this.width;
    for (let k = 0; k < this.width; k++) {
      const r = total[k] ?? 0;
      if (r > 0 && (this.domainFree[base + k] ?? 0) < r) return false;
    }
    return true;
  }

  domainFreeOf(domain: number, resource: number): number {
    return this.domainFree[domain * this.width + resource] ?? 0;
  }

  nodeFreeOf(node: number, resource: number): number {
    return this.nodeFree[node * this.width + resource] ?? 0;
  }

  bind(pod: PodDemand, node: number): void {
    this.#apply(node, pod.req, -1);
    this.bindings.push({ pod: pod.id, node });
  }

  checkpoint(): number {
    return this.bindings.length;
  }

  rollback(checkpoint: number, demands: readonly PodDemand[]): void {
    while (this.bindings.length > checkpoint) {
      const b = this.bindings.pop();
      const pod = b === undefined ? undefined : demands[b.pod];
      if (b !== undefined && pod !== undefined) this.#apply(b.node, pod.req, 1);
    }
  }

  #apply(node: number, req: Float64Array, sign: 1 | -1): void {
    const w = this.width;
    for (let k = 0; k < w; k++) {
      const r = req[k] ?? 0;
      if (r === 0) continue;
      const ni = node * w + k;
      this.nodeFree[ni] = (this.nodeFree[ni] ?? 0) + sign * r;
      for (const d of this.#ancestry[node] ?? []) {
        const di = d * w + k;
        this.domainFree[di] = (this.domainFree[di] ?? 0) + sign * r;
      }
    }
  }
}
