// The imperative edge of actuation: /scale writes, Events, a log line and a span per change.
import { SpanStatusCode } from '@opentelemetry/api';
import { GROVE_API_VERSION } from '../../api/kinds.ts';
import type { EventRecord } from '../../kube/events.ts';
import type { RetryOptions } from '../../kube/retry.ts';
import { setReplicas, type ScaleClient } from '../../kube/scale.ts';
import type { Logger } from '../../telemetry/log.ts';
import { tracer } from '../../telemetry/tracing.ts';
import type { PlannedChange } from './plan.ts';
import type { ChangeOutcome } from './settle.ts';

/** What EventRecorder offers; tests pass an array sink. */
export interface EventSink {
  record(e: EventRecord): Promise<void>;
}

export interface ActuatorDeps {
  readonly scale: ScaleClient;
  readonly events: EventSink;
  readonly logger: Logger;
  readonly retry?: RetryOptions | undefined;
}

export interface ActuationContext {
  /** `<namespace>/<name>` of the ScalingPolicy. */
  readonly policy: string;
  /** UIDs of the target objects, when known, so Events attach to the exact object. */
  readonly uids?: ReadonlyMap<string, string> | undefined;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

async function recordEvent(deps: ActuatorDeps, ctx: ActuationContext, c: PlannedChange, e: NonNullable<PlannedChange['event']>): Promise<void> {
  const uid = ctx.uids?.get(`${c.target.kind}/${c.target.name}`);
  try {
    await deps.events.record({
      target: { apiVersion: GROVE_API_VERSION, kind: c.target.kind, namespace: c.target.namespace, name: c.target.name, ...(uid !== undefined ? { uid } : {}) },
      type: e.type,
      reason: e.reason,
      message: e.message,
    });
  } catch (err) {
    // An Event is a courtesy; the write it reports stands.
    deps.logger.warn('event not recorded', { policy: ctx.policy, target: c.target.name, reason: e.reason, error: errorText(err) });
  }
}

async function applyOne(deps: ActuatorDeps, ctx: ActuationContext, c: PlannedChange): Promise<ChangeOutcome> {
  // The decision's sentences go with every line about a change: the log is where an operator asks "why".
  const fields = { policy: ctx.policy, role: c.role ?? '', kind: c.target.kind, target: c.target.name, from: c.from, to: c.to, reason: c.reason, action: c.action, explanation: c.explanation.text };
  return tracer().startActiveSpan('canopy.scaler.rescale', async (span) => {
    span.setAttributes({
      'canopy.policy': ctx.policy,
      'canopy.role': c.role ?? '',
      'canopy.target.kind': c.target.kind,
      'canopy.target.name': c.target.name,
      'canopy.target.namespace': c.target.namespace,
      'canopy.replicas.from': c.from,
      'canopy.replicas.to': c.to,
      'canopy.reason': c.reason,
      'canopy.action': c.action,
    });
    try {
      if (c.action !== 'scale') {
        if (c.event !== undefined) await recordEvent(deps, ctx, c, c.event);
        if (c.action === 'advisory') deps.logger.info('advisory rescale', { ...fields, why: c.why });
        else deps.logger.warn(`rescale ${c.action}`, { ...fields, why: c.why });
        return { change: c, written: false };
      }
      try {
        const r = await setReplicas(deps.scale, c.target, c.to, deps.retry);
        if (c.event !== undefined && r.changed) await recordEvent(deps, ctx, c, c.event);
        deps.logger.info('rescaled', { ...fields, observedFrom: r.from, changed: r.changed, why: c.why });
        return { change: c, written: true };
      } catch (err) {
        const error = errorText(err);
        span.recordException(err instanceof Error ? err : new Error(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error });
        await recordEvent(deps, ctx, c, { type: 'Warning', reason: 'FailedRescale', message: `New size: ${c.to}; reason: ${c.why}; error: ${error}` });
        deps.logger.error('rescale failed', { ...fields, error });
        return { change: c, written: false, error };
      }
    } finally {
      span.end();
    }
  });
}

/** Applies the plan in order (roles' objects, then the PodCliqueSet); a failed write does not stop the rest. */
export async function applyPlan(deps: ActuatorDeps, ctx: ActuationContext, plan: readonly PlannedChange[]): Promise<ChangeOutcome[]> {
  const out: ChangeOutcome[] = [];
  for (const c of plan) out.push(await applyOne(deps, ctx, c));
  return out;
}
