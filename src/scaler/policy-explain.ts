// `canopy policy explain`: what a policy will do, in plain words, with every default spelled out.
import type { PodCliqueSet } from '../api/index.ts';
import { rolePhase, roleSignals, roleTargetKind, roleTargetName, type HpaBehavior, type PolicyMetricSpec, type ScalingPolicy, type ScalingPolicyRole } from '../api/scaling-policy.ts';
import { fmt, pct } from './format.ts';
import { decodeCapacity, prefillCapacity } from './slo/capacity.ts';
import { resolveTarget } from './targets.ts';

const EXAMPLE_PROMPT = 3000;
const EXAMPLE_OUTPUT = 150;

function metricText(m: PolicyMetricSpec): string {
  const source = m.pods ?? m.object ?? m.external;
  const name = source?.metric.name ?? m.resource?.name ?? m.containerResource?.name ?? '?';
  const t = (source ?? m.resource ?? m.containerResource)?.target;
  const target =
    t === undefined ? '' : t.type === 'Utilization' ? `${t.averageUtilization ?? '?'} % of requests` : t.type === 'Value' ? `value ${String(t.value)}` : `average ${String(t.averageValue)}`;
  return `${m.type} metric ${name} at ${target}`;
}

function behaviorText(b: HpaBehavior | undefined): string[] {
  const up = b?.scaleUp;
  const down = b?.scaleDown;
  const rules = (r: NonNullable<HpaBehavior['scaleUp']> | undefined, dir: 'up' | 'down'): string => {
    const window = r?.stabilizationWindowSeconds ?? (dir === 'up' ? 0 : 300);
    const select = r?.selectPolicy ?? 'Max';
    const policies = r?.policies ?? (dir === 'up' ? [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] : [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
    const list = policies.map((p) => (p.type === 'Pods' ? `${p.value} replica(s)` : `${p.value} %`) + ` per ${p.periodSeconds} s`).join(' or ');
    const defaults = r === undefined ? ' (HPA defaults)' : '';
    if (select === 'Disabled') return `Scale-${dir} is disabled${defaults}.`;
    return `Scale-${dir}: stabilization window ${window} s; at most ${list}, taking the ${select === 'Max' ? 'larger' : 'smaller'} change${defaults}.`;
  };
  return [rules(up, 'up'), rules(down, 'down')];
}

function roleText(policy: ScalingPolicy, role: ScalingPolicyRole, pcs: PodCliqueSet | undefined): string[] {
  const out: string[] = [];
  const kind = roleTargetKind(role);
  const unit = kind === 'PodClique' ? 'pods' : 'whole instances';
  const resolved = pcs === undefined ? undefined : resolveTarget(pcs, role);
  const floor = resolved?.ok === true ? resolved.target.minAvailable : undefined;
  const min = role.minReplicas ?? (floor !== undefined ? floor : 'minAvailable');
  out.push(
    `Role ${role.name} scales ${kind} "${roleTargetName(role)}" in ${unit}, between ${min} and ${role.maxReplicas} per set replica` +
      (floor !== undefined ? `, never below minAvailable ${floor}.` : ', never below its minAvailable.'),
  );
  if (resolved?.ok === true && resolved.target.gpusPerReplica > 0) out.push(`  Each replica holds ${fmt(resolved.target.gpusPerReplica)} GPU(s).`);
  if (role.mode === 'hpa') {
    const metrics = role.metrics ?? [];
    out.push(
      metrics.length === 0
        ? '  It scales exactly like a Kubernetes HPA on CPU at 80 % of requests (the HPA default).'
        : `  It scales exactly like a Kubernetes HPA on ${metrics.map(metricText).join('; ')}; the largest proposal wins.`,
    );
    for (const line of behaviorText(role.behavior ?? policy.spec.behavior)) out.push(`  ${line}`);
    return out;
  }
  const phase = rolePhase(role);
  const targets = [role.slo?.ttft && `TTFT p${role.slo.ttft.percentile} ≤ ${fmt(role.slo.ttft.targetSeconds)} s`, role.slo?.itl && `ITL p${role.slo.itl.percentile} ≤ ${fmt(role.slo.itl.targetSeconds)} s`].filter(
    (x): x is string => typeof x === 'string',
  );
  out.push(`  It serves ${phase === 'aggregated' ? 'both prefill and decode' : phase} and keeps ${targets.join(' and ')}.`);
  const split = role.slo?.phaseCliques;
  if (split !== undefined) {
    out.push(
      `  Arrivals and prompt tokens are read from its prefill cliques (${split.prefill.join(', ')}), output tokens from its decode cliques (${split.decode.join(', ')}), so a request both phases serve counts once.`,
    );
  }
  const p = role.profile;
  if (p?.prefill !== undefined && role.slo?.ttft !== undefined) {
    const c = prefillCapacity(p.prefill, role.slo.ttft.targetSeconds, EXAMPLE_PROMPT);
    out.push(
      `  Prefill profile: ${fmt(p.prefill.baseSeconds * 1000)} ms + ${fmt(p.prefill.secondsPerToken * 1e6)} µs/token; at ${EXAMPLE_PROMPT}-token prompts one replica carries ${fmt(c.perReplica)} prompt tokens/s within the target` +
        (c.reachable ? '.' : ', but the target is out of reach at that prompt length.'),
    );
  } else if (p?.promptTokensPerSecond !== undefined) out.push(`  One replica carries ${fmt(p.promptTokensPerSecond)} prompt tokens/s within the TTFT target (measured).`);
  if (p?.decode !== undefined && role.slo?.itl !== undefined) {
    const c = decodeCapacity(p.decode, role.slo.itl.targetSeconds, EXAMPLE_PROMPT + EXAMPLE_OUTPUT / 2);
    out.push(
      `  Decode profile: ${fmt(p.decode.baseSeconds * 1000)} ms + ${fmt(p.decode.secondsPerSequence * 1000)} ms/sequence + ${fmt(p.decode.secondsPerKvToken * 1e6)} µs/KV token; ` +
        `at ${EXAMPLE_PROMPT}/${EXAMPLE_OUTPUT}-token requests one replica runs ${fmt(c.sequences ?? 0)} sequences, ${fmt(c.perReplica)} output tokens/s (limited by ${c.limitedBy === 'slo' ? 'the ITL target' : c.limitedBy}).`,
    );
  } else if (p?.outputTokensPerSecond !== undefined) out.push(`  One replica carries ${fmt(p.outputTokensPerSecond)} output tokens/s within the ITL target (measured).`);
  if (p === undefined || (p.prefill === undefined && p.decode === undefined && p.promptTokensPerSecond === undefined && p.outputTokensPerSecond === undefined)) {
    out.push(`  No profile: capacity is fitted online from observed (load, latency) points once ${policy.spec.scaleIn.minObservations} are in; until then it reacts to the observed percentiles.`);
  }
  out.push(`  Signals read: ${[...roleSignals(role)].join(', ')}.`);
  const t = role.thresholds;
  out.push(`  It adds one replica when a percentile misses its target, more than ${fmt(t?.queuePerReplica ?? 5)} requests wait per replica, or the KV cache is over ${pct(t?.kvCacheUsage ?? 0.8)} full.`);
  for (const line of behaviorText(role.behavior ?? policy.spec.behavior)) out.push(`  ${line}`);
  return out;
}

export function explainPolicy(policy: ScalingPolicy, pcs?: PodCliqueSet): string[] {
  const s = policy.spec;
  const out: string[] = [];
  out.push(
    `ScalingPolicy ${policy.metadata.name} drives PodCliqueSet ${s.targetRef.name} every ${s.intervalSeconds} s and ` +
      (s.actuation === 'scale' ? 'writes the decisions to /scale.' : 'only recommends (advisory): decisions are reported, nothing is written.'),
  );
  for (const role of s.roles) out.push(...roleText(policy, role, pcs));
  const pred = s.prediction;
  out.push(
    `Demand (request rate, prompt and output lengths) is forecast with the ${pred.predictor} predictor` +
      (pred.predictor === 'holt' ? ` (α ${fmt(pred.alpha)}, β ${fmt(pred.beta)})` : '') +
      ` over the last ${fmt(pred.historySeconds)} s, read ${fmt(pred.startupSeconds)} s (start-up) + ${fmt(pred.horizonSeconds)} s (horizon) ahead, so replicas are ordered before the load arrives.`,
  );
  out.push(`A role scales in only if the load spread over fewer replicas stays within ${pct(s.scaleIn.headroom)} of every limit (so it does not bounce back).`);
  const set = s.set;
  out.push(
    set.scaleWhen === 'Never' || set.maxReplicas === undefined
      ? `The PodCliqueSet keeps its replicas (at least ${set.minReplicas}${set.maxReplicas !== undefined ? `, at most ${set.maxReplicas}` : ''}).`
      : `The PodCliqueSet grows between ${set.minReplicas} and ${set.maxReplicas} replicas when ${set.scaleWhen === 'AnyRoleAtMaximum' ? 'any role' : 'every role'} needs more than its per-replica maximum.`,
  );
  if (s.ratio !== undefined) {
    out.push(`Prefill (${s.ratio.prefillRole}) : decode (${s.ratio.decodeRole}) is kept between ${fmt(s.ratio.min)} and ${fmt(s.ratio.max)} at every decision, without reversing either pool.`);
  }
  if (s.gpuBudget !== undefined) out.push(`All roles together stay within ${fmt(s.gpuBudget.maxGpus)} GPUs; growth is shrunk in proportion when they would not.`);
  return out;
}
