// Resource amounts as plain numbers in the units kube-scheduler compares: milli-units for cpu (so 250m
// stays an integer), whole units (rounded up) for everything else (bytes of memory, GPU counts).
import { milliValueBigInt } from '../../api/quantity.ts';

/** Whether a resource is compared in milli-units (only cpu, as in kube-scheduler). */
export function isMilliResource(resource: string): boolean {
  return resource === 'cpu';
}

/** A quantity in the resource's comparison units, rounded up (a request of 0.5 GPU still needs one). */
export function resourceAmount(resource: string, q: string | number): number {
  const milli = milliValueBigInt(q);
  if (isMilliResource(resource)) return Number(milli);
  const whole = milli / 1000n;
  return Number(milli > whole * 1000n ? whole + 1n : whole);
}

/** Human form of an amount, for reasons: "8 nvidia.com/gpu", "2500m cpu", "16Gi memory". */
export function formatAmount(resource: string, amount: number): string {
  if (isMilliResource(resource)) return amount % 1000 === 0 ? `${amount / 1000}` : `${amount}m`;
  if (resource === 'memory' || resource.startsWith('hugepages-') || resource === 'ephemeral-storage') {
    for (const [suffix, f] of [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
      if (amount >= f && amount % f === 0) return `${amount / f}${suffix}`;
    }
  }
  return `${amount}`;
}
