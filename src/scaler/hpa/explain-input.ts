import { z } from 'zod';
import { milliValueBigInt } from '../../api/quantity.ts';
import { DEFAULT_HPA_OPTIONS, type HpaOptions, type HpaSnapshot, type ScaleEvent } from './snapshot.ts';
import { isDuration, parseTimestamp, tryParseDuration } from './time.ts';
import { HorizontalPodAutoscalerSchema, PodSchema, QuantitySchema, TimestampSchema } from './types.ts';

// The document `canopy hpa explain` reads: an HPA, the target's replica count, the pods and metric values
// the controller would fetch, and the controller's history. Everything but hpa and currentReplicas is
// optional and takes Kubernetes' defaults.

const DurationSchema = z.string().refine(isDuration, { message: 'not a Go duration (e.g. "5m", "30s")' });
const count = () => z.number().int().min(0).max(2_147_483_647);
const EventSchema = z.object({ replicaChange: z.number().int().min(1), timestamp: TimestampSchema });

export const ExplainInputSchema = z.object({
  now: TimestampSchema.optional(),
  hpa: HorizontalPodAutoscalerSchema,
  currentReplicas: count(),
  pods: z.array(PodSchema).default([]),
  podMetrics: z
    .array(
      z.object({
        pod: z.string().min(1),
        metric: z.string().min(1),
        container: z.string().optional(),
        value: QuantitySchema,
        timestamp: TimestampSchema.optional(),
        /** Seconds, or a Go duration; the metrics APIs default to 60 s. */
        window: z.union([z.number().min(0), DurationSchema]).optional(),
      }),
    )
    .default([]),
  objectMetrics: z.array(z.object({ metric: z.string().min(1), value: QuantitySchema })).default([]),
  externalMetrics: z.array(z.object({ metric: z.string().min(1), values: z.array(QuantitySchema) })).default([]),
  recommendations: z.array(z.object({ replicas: count(), timestamp: TimestampSchema })).default([]),
  scaleUpEvents: z.array(EventSchema).default([]),
  scaleDownEvents: z.array(EventSchema).default([]),
  tolerance: z.number().min(0).optional(),
  cpuInitializationPeriod: DurationSchema.optional(),
  initialReadinessDelay: DurationSchema.optional(),
  downscaleStabilizationWindow: DurationSchema.optional(),
});

export type ExplainInput = z.input<typeof ExplainInputSchema>;

export interface DecodedExplainInput {
  readonly snapshot: HpaSnapshot;
  readonly options: HpaOptions;
}

export type DecodeResult = { readonly ok: true; readonly value: DecodedExplainInput } | { readonly ok: false; readonly issues: readonly string[] };

const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`), '');

const seconds = (text: string | undefined, fallback: number): number => (text === undefined ? fallback : (tryParseDuration(text) ?? fallback));

/** Validates the document and turns it into a snapshot; issues read "field.path: message". */
export function decodeExplainInput(json: unknown, defaultNow: number): DecodeResult {
  const parsed = ExplainInputSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => `${pathText(i.path) || '(document)'}: ${i.message}`) };
  }
  const doc = parsed.data;
  const now = doc.now === undefined ? defaultNow : parseTimestamp(doc.now);
  const podMetrics = doc.podMetrics.map((m) => ({
    pod: m.pod,
    metric: m.metric,
    container: m.container,
    value: milliValueBigInt(m.value),
    timestamp: m.timestamp === undefined ? now : parseTimestamp(m.timestamp),
    windowSeconds: typeof m.window === 'number' ? m.window : seconds(m.window, 60),
  }));
  const objectMetrics = doc.objectMetrics.map((m) => ({ metric: m.metric, value: milliValueBigInt(m.value) }));
  const externalMetrics = doc.externalMetrics.map((m) => ({ metric: m.metric, values: m.values.map((v) => milliValueBigInt(v)) }));

  const events = (list: readonly { replicaChange: number; timestamp: string }[]): ScaleEvent[] =>
    list.map((e) => ({ replicaChange: e.replicaChange, timestamp: parseTimestamp(e.timestamp) }));
  const snapshot: HpaSnapshot = {
    now,
    hpa: doc.hpa,
    currentReplicas: doc.currentReplicas,
    pods: doc.pods,
    podMetrics,
    objectMetrics,
    externalMetrics,
    recommendations: doc.recommendations.map((r) => ({ replicas: r.replicas, timestamp: parseTimestamp(r.timestamp) })),
    scaleUpEvents: events(doc.scaleUpEvents),
    scaleDownEvents: events(doc.scaleDownEvents),
  };
  const options: HpaOptions = {
    ...DEFAULT_HPA_OPTIONS,
    tolerance: doc.tolerance ?? DEFAULT_HPA_OPTIONS.tolerance,
    cpuInitializationPeriodSeconds: seconds(doc.cpuInitializationPeriod, DEFAULT_HPA_OPTIONS.cpuInitializationPeriodSeconds),
    initialReadinessDelaySeconds: seconds(doc.initialReadinessDelay, DEFAULT_HPA_OPTIONS.initialReadinessDelaySeconds),
    downscaleStabilizationWindowSeconds: seconds(doc.downscaleStabilizationWindow, DEFAULT_HPA_OPTIONS.downscaleStabilizationWindowSeconds),
  };
  return { ok: true, value: { snapshot, options } };
}
