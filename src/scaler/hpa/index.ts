// Public surface of the HPA-exact core.
export { computeHpaDecision } from './reconcile.ts';
export { DEFAULT_HPA_OPTIONS } from './snapshot.ts';
export type {
  ExternalMetricSample,
  HpaCondition,
  HpaDecision,
  HpaOptions,
  HpaSnapshot,
  MetricCurrent,
  MetricOutcome,
  ObjectMetricSample,
  PodMetricSample,
  ScaleEvent,
  TimestampedRecommendation,
} from './snapshot.ts';
export {
  HorizontalPodAutoscalerSchema,
  MetricSpecSchema,
  PodSchema,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerBehavior,
  type HPAScalingRules,
  type MetricSpec,
  type Pod,
} from './types.ts';
export { isWithin, tolerancesFor, type Tolerances } from './tolerance.ts';
export { formatTimestamp, parseTimestamp, tryParseDuration } from './time.ts';
