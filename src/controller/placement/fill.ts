// Putting a set of pods into one domain without further constraints, keeping them as close together as
// the domain allows. Pods that fit on one node together go to the node they fit most tightly, ties to the
// node whose rack (then block, zone, ...) has the least free capacity, so partly used nodes fill first and
// empty racks stay empty. Otherwise, if one child domain can take them all, the best-fitting such child is
// used (least free capacity left, so big holes stay whole); else they are split over children, most free
// first, so the fewest children are used; at the last level each pod goes to the node it fits most
// tightly. Every binding is checked against the node's free capacity, so no node is ever overcommitted.
import type { Ledger, PodDemand } from './ledger.ts';

export interface Demand {
  readonly pods: readonly PodDemand[];
  readonly total: Float64Array;
  /** Distinct request vectors and how many pods have each. */
  readonly shapes: readonly { readonly req: Float64Array; readonly count: number }[];
  /** Resource index this demand is measured by (largest share of the cluster). */
  readonly dominant: number;
}

export interface FillContext {
  readonly ledger: Ledger;
  readonly demands: readonly PodDemand[];
  /** 1 / cluster allocatable per resource (0 where the cluster has none). */
  readonly scale: Float64Array;
  /** How many candidate child domains to try before splitting. */
  readonly maxTries: number;
}

export function makeDemand(ctx: FillContext, pods: readonly PodDemand[]): Demand {
  const width = ctx.ledger.width;
  const total = new Float64Array(width);
  const byShape = new Map<string, { req: Float64Array; count: number }>();
  for (const p of pods) {
    for (let k = 0; k < width; k++) total[k] = (total[k] ?? 0) + (p.req[k] ?? 0);
    const key = p.req.join(',');
    const s = byShape.get(key);
    if (s === undefined) byShape.set(key, { req: p.req, count: 1 });
    else s.count++;
  }
  let dominant = 0;
  let best = -1;
  for (let k = 0; k < width; k++) {
    const share = (total[k] ?? 0) * (ctx.scale[k] ?? 0);
    if (share > best) {
      best = share;
      dominant = k;
    }
  }
  return { pods, total, shapes: [...byShape.values()], dominant };
}

/** How many pods of each shape the domain could take, each shape counted alone. */
export function shapeCapacity(ctx: FillContext, domain: number, req: Float64Array, enough: number): number {
  const nodes = ctx.ledger.model.domains[domain]?.nodes ?? [];
  let n = 0;
  for (const node of nodes) {
    n += ctx.ledger.capacity(node, req);
    if (n >= enough) return n;
  }
  return n;
}

/** A necessary condition for the demand to fit the domain (sufficient when all pods have one shape). */
export function canHold(ctx: FillContext, domain: number, demand: Demand): boolean {
  if (!ctx.ledger.domainHas(domain, demand.total)) return false;
  return demand.shapes.every((s) => shapeCapacity(ctx, domain, s.req, s.count) >= s.count);
}

function slack(ctx: FillContext, domain: number, demand: Demand): number {
  return ctx.ledger.domainFreeOf(domain, demand.dominant) - (demand.total[demand.dominant] ?? 0);
}

/** Up to `limit` domains that may hold the demand, tightest fit first (ties by the given order). */
export function bestFitOrder(ctx: FillContext, domains: readonly number[], demand: Demand, limit: number): number[] {
  const sorted = domains
    .filter((d) => ctx.ledger.domainHas(d, demand.total))
    .map((d, order) => ({ d, order, slack: slack(ctx, d, demand) }))
    .sort((a, b) => a.slack - b.slack || a.order - b.order);
  const out: number[] = [];
  for (const { d } of sorted) {
    if (out.length >= limit) break;
    if (canHold(ctx, d, demand)) out.push(d);
  }
  return out;
}

function biggestFirst(pods: readonly PodDemand[], dominant: number): PodDemand[] {
  return [...pods].sort((a, b) => (b.req[dominant] ?? 0) - (a.req[dominant] ?? 0) || a.id - b.id);
}

function bindToNodes(ctx: FillContext, nodes: readonly number[], pods: readonly PodDemand[], dominant: number): PodDemand[] {
  const left: PodDemand[] = [];
  for (const pod of biggestFirst(pods, dominant)) {
    let best = -1;
    let bestFree = Number.POSITIVE_INFINITY;
    for (const node of nodes) {
      if (!ctx.ledger.fits(node, pod.req)) continue;
      const free = ctx.ledger.nodeFreeOf(node, dominant);
      if (free < bestFree) {
        best = node;
        bestFree = free;
      }
    }
    if (best < 0) left.push(pod);
    else ctx.ledger.bind(pod, best);
  }
  return left;
}

function fitsWhole(ctx: FillContext, node: number, total: Float64Array): boolean {
  return ctx.ledger.fits(node, total);
}

/** The node where the whole demand fits most tightly, or -1. */
function tightestNode(ctx: FillContext, nodes: readonly number[], demand: Demand): number {
  const { ledger } = ctx;
  const k = demand.dominant;
  let best = -1;
  let bestLeft = Number.POSITIVE_INFINITY;
  for (const node of nodes) {
    if (!fitsWhole(ctx, node, demand.total)) continue;
    const left = ledger.nodeFreeOf(node, k) - (demand.total[k] ?? 0);
    if (left < bestLeft || (left === bestLeft && best >= 0 && fullerSurroundings(ctx, node, best, k))) {
      best = node;
      bestLeft = left;
    }
  }
  return best;
}

// Whether node a sits in fuller domains than node b, comparing the narrowest level first.
function fullerSurroundings(ctx: FillContext, a: number, b: number, k: number): boolean {
  const da = ctx.ledger.model.nodes[a]?.domains ?? [];
  const db = ctx.ledger.model.nodes[b]?.domains ?? [];
  for (let l = da.length - 1; l >= 0; l--) {
    const fa = ctx.ledger.domainFreeOf(da[l] ?? 0, k);
    const fb = ctx.ledger.domainFreeOf(db[l] ?? 0, k);
    if (fa !== fb) return fa < fb;
  }
  return false;
}

/**
 * Binds as many of the pods as fit inside the domain and returns the rest (in no particular order).
 * Partial results stay bound; callers that need all-or-nothing roll back to their checkpoint.
 */
export function pack(ctx: FillContext, domain: number, pods: readonly PodDemand[]): PodDemand[] {
  if (pods.length === 0) return [];
  const d = ctx.ledger.model.domains[domain];
  if (d === undefined) return [...pods];
  const demand = makeDemand(ctx, pods);
  const single = tightestNode(ctx, d.nodes, demand);
  if (single >= 0) {
    for (const pod of pods) ctx.ledger.bind(pod, single);
    return [];
  }
  if (d.children.length === 0) return bindToNodes(ctx, d.nodes, pods, demand.dominant);

  const candidates = bestFitOrder(ctx, d.children, demand, ctx.maxTries);
  for (const child of candidates) {
    const cp = ctx.ledger.checkpoint();
    if (pack(ctx, child, pods).length === 0) return [];
    ctx.ledger.rollback(cp, ctx.demands);
  }

  // Split over hosts: each pod to the node it fits most tightly, so whole nodes stay whole.
  if (d.children.every((c) => (ctx.ledger.model.domains[c]?.children.length ?? 0) === 0)) return bindToNodes(ctx, d.nodes, pods, demand.dominant);

  const roomiest = [...d.children]
    .map((c, order) => ({ c, order, free: ctx.ledger.domainFreeOf(c, demand.dominant) }))
    .sort((a, b) => b.free - a.free || a.order - b.order);
  let left: PodDemand[] = [...pods];
  for (const { c } of roomiest) {
    if (left.length === 0) break;
    left = pack(ctx, c, left);
  }
  return left;
}
