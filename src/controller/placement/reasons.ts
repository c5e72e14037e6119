// Why a scope found no domain: the tightest resource in the best domain, or, when the totals suffice,
// how the free capacity is fragmented across nodes.
import type { ClusterModel } from './cluster.ts';
import type { Demand, FillContext } from './fill.ts';
import { shapeCapacity } from './fill.ts';
import { formatAmount } from './units.ts';

export function domainName(model: ClusterModel, domain: number): string {
  const id = model.domains[domain]?.id ?? '';
  return id === '' ? 'the cluster' : id;
}

function shapeText(model: ClusterModel, req: Float64Array): string {
  const parts: string[] = [];
  model.resources.forEach((r, k) => {
    const v = req[k] ?? 0;
    if (v > 0) parts.push(`${formatAmount(r, v)} ${r}`);
  });
  return parts.length === 0 ? 'no resources' : parts.join(', ');
}

/** One sentence for the scope at `label` over the candidate domains; undefined when capacity is not the cause. */
export function shortfall(ctx: FillContext, label: string, domains: readonly number[], demand: Demand): string | undefined {
  const { model } = ctx.ledger;
  let worst: { ratio: number; k: number; domain: number; free: number } | undefined;
  model.resources.forEach((_, k) => {
    const need = demand.total[k] ?? 0;
    if (need <= 0) return;
    let best = -1;
    let bestFree = -1;
    for (const d of domains) {
      const free = ctx.ledger.domainFreeOf(d, k);
      if (free > bestFree) {
        best = d;
        bestFree = free;
      }
    }
    const ratio = bestFree / need;
    if (best >= 0 && (worst === undefined || ratio < worst.ratio)) worst = { ratio, k, domain: best, free: bestFree };
  });
  if (worst === undefined) return undefined;
  if (worst.ratio < 1) {
    const r = model.resources[worst.k] ?? '';
    const need = demand.total[worst.k] ?? 0;
    return `${label}: best domain ${domainName(model, worst.domain)} has ${formatAmount(r, Math.max(0, worst.free))} of ${formatAmount(r, need)} ${r}`;
  }
  for (const d of domains) {
    if (!ctx.ledger.domainHas(d, demand.total)) continue;
    for (const s of demand.shapes) {
      const room = shapeCapacity(ctx, d, s.req, s.count);
      if (room < s.count) {
        return `${label}: ${domainName(model, d)} has enough in total but is fragmented: room for ${room} of ${s.count} pods of ${shapeText(model, s.req)}`;
      }
    }
  }
  return undefined;
}
