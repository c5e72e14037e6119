// `canopy policy diff`: which behaviour changes between two policies. Both are compared after defaults are
// applied, so spelling out a default is not a change; roles are matched by name, not position.
import type { ScalingPolicy } from '../api/scaling-policy.ts';

type Flat = Map<string, string>;

function flatten(value: unknown, prefix: string, out: Flat): void {
  if (Array.isArray(value)) {
    // Lists of named things (roles) are keyed by name; other lists compare whole.
    if (value.every((v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string')) {
      for (const v of value as { name: string }[]) flatten(v, `${prefix}[${v.name}]`, out);
    } else {
      out.set(prefix, JSON.stringify(value));
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'name' && /\]$/.test(prefix)) continue;
      flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
    }
    return;
  }
  if (value !== undefined) out.set(prefix, JSON.stringify(value));
}

/** What a larger value of a field means for behaviour. */
const MEANING: readonly [RegExp, string, string][] = [
  [/\.maxReplicas$/, 'can grow further', 'is capped lower'],
  [/\.minReplicas$/, 'keeps more replicas at the least', 'may shrink further'],
  [/\.targetSeconds$/, 'tolerates slower responses (fewer replicas)', 'demands faster responses (more replicas)'],
  [/\.percentile$/, 'targets a further tail (more replicas)', 'targets a nearer percentile (fewer replicas)'],
  [/stabilizationWindowSeconds$/, 'reacts more slowly', 'reacts faster'],
  [/^spec\.scaleIn\.headroom$/, 'scales in more readily', 'scales in more cautiously'],
  [/^spec\.prediction\.startupSeconds$/, 'orders replicas earlier', 'orders replicas later'],
  [/^spec\.prediction\.horizonSeconds$/, 'plans further ahead', 'plans less far ahead'],
  [/^spec\.gpuBudget\.maxGpus$/, 'allows more GPUs', 'allows fewer GPUs'],
  [/^spec\.ratio\.min$/, 'needs relatively more prefill', 'allows relatively less prefill'],
  [/^spec\.ratio\.max$/, 'allows relatively more prefill', 'caps prefill relative to decode sooner'],
  [/queuePerReplica$/, 'tolerates longer queues', 'scales out on shorter queues'],
  [/kvCacheUsage$/, 'tolerates a fuller KV cache', 'scales out at a lower KV-cache use'],
  [/secondsPerToken$|baseSeconds$|secondsPerSequence$|secondsPerKvToken$/, 'assumes slower engines (more replicas)', 'assumes faster engines (fewer replicas)'],
  [/TokensPerSecond$/, 'assumes more capacity per replica (fewer replicas)', 'assumes less capacity per replica (more replicas)'],
];

function meaning(path: string, before: string, after: string): string {
  const a = Number(before);
  const b = Number(after);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return '';
  for (const [re, up, down] of MEANING) if (re.test(path)) return ` — ${b > a ? up : down}`;
  return '';
}

export function diffPolicies(before: ScalingPolicy, after: ScalingPolicy): string[] {
  const a: Flat = new Map();
  const b: Flat = new Map();
  flatten(before.spec, 'spec', a);
  flatten(after.spec, 'spec', b);
  const rolesBefore = new Set(before.spec.roles.map((r) => r.name));
  const rolesAfter = new Set(after.spec.roles.map((r) => r.name));
  const out: string[] = [];
  for (const r of rolesAfter) if (!rolesBefore.has(r)) out.push(`Role ${r} is added.`);
  for (const r of rolesBefore) if (!rolesAfter.has(r)) out.push(`Role ${r} is removed: nothing scales its target any more.`);
  const inRemovedOrAdded = (path: string): boolean => {
    const m = /^spec\.roles\[([^\]]+)\]/.exec(path);
    return m !== null && (!rolesBefore.has(m[1] ?? '') || !rolesAfter.has(m[1] ?? ''));
  };
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const key of keys) {
    if (inRemovedOrAdded(key)) continue;
    const x = a.get(key);
    const y = b.get(key);
    if (x === y) continue;
    if (x === undefined) out.push(`${key} is set to ${y ?? ''}.`);
    else if (y === undefined) out.push(`${key} (${x}) is removed.`);
    else out.push(`${key}: ${x} → ${y}${meaning(key, x, y)}.`);
  }
  if (before.spec.actuation !== after.spec.actuation) {
    out.push(after.spec.actuation === 'scale' ? 'The policy now writes to /scale (was advisory).' : 'The policy becomes advisory: it stops writing to /scale.');
  }
  return out;
}
