import type { TimestampedRecommendation } from '../hpa/snapshot.ts';

export interface StabilizedWithBehavior {
  readonly recommendation: number;
  /** ScaleUpStabilized when desired ≥ current, else ScaleDownStabilized. */
  readonly reason: 'ScaleUpStabilized' | 'ScaleDownStabilized';
  readonly message: string;
  readonly upLimit: number;
  readonly downLimit: number;
  readonly recommendations: readonly TimestampedRecommendation[];
}

/**
 * stabilizeRecommendationWithBehaviors: the lowest recommendation of the scale-up window and the highest of
 * the scale-down window (both including desired) bound the move from current. Desired is recorded,
 * overwriting the last record older than both windows.
 */
export function stabilizeWithBehavior(
  recommendations: readonly TimestampedRecommendation[],
  now: number,
  current: number,
  desired: number,
  upWindowSeconds: number,
  downWindowSeconds: number,
): StabilizedWithBehavior {
  const upCutoff = now - upWindowSeconds * 1000;
  const downCutoff = now - downWindowSeconds * 1000;
  let upLimit = desired;
  let downLimit = desired;
  let obsolete = -1;
  for (let i = 0; i < recommendations.length; i++) {
    const rec = recommendations[i];
    if (rec === undefined) continue;
    if (rec.timestamp > upCutoff) upLimit = Math.min(rec.replicas, upLimit);
    if (rec.timestamp > downCutoff) downLimit = Math.max(rec.replicas, downLimit);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) obsolete = i;
  }

  let recommendation = current;
  if (recommendation < upLimit) recommendation = upLimit;
  if (recommendation > downLimit) recommendation = downLimit;

  const next = recommendations.slice();
  const record = { replicas: desired, timestamp: now };
  if (obsolete >= 0) next[obsolete] = record;
  else next.push(record);

  const up = desired >= current;
  return {
    recommendation,
    reason: up ? 'ScaleUpStabilized' : 'ScaleDownStabilized',
    message: up
      ? 'recent recommendations were lower than current one, applying the lowest recent recommendation'
      : 'recent recommendations were higher than current one, applying the highest recent recommendation',
    upLimit,
    downLimit,
    recommendations: next,
  };
}

/**
 * The recommendations an SLO role keeps between decisions: the newest per replica count. Stabilization reads
 * only "is there a recommendation of n within the window", which the newest record of n answers for every
 * window, and records older than both windows are never read again; so decisions are the same as with the
 * full list, which would otherwise hold one record per decision period for the whole window (20 at the
 * default 300 s and 15 s). Oldest first.
 */
export function newestPerReplicas(recommendations: readonly TimestampedRecommendation[]): readonly TimestampedRecommendation[] {
  const newest: TimestampedRecommendation[] = [];
  for (const rec of recommendations) {
    const k = newest.findIndex((r) => r.replicas === rec.replicas);
    if (k < 0) newest.push(rec);
    else if ((newest[k]?.timestamp ?? -Infinity) < rec.timestamp) newest[k] = rec;
  }
  if (newest.length === recommendations.length) return recommendations;
  return newest.sort((a, b) => a.timestamp - b.timestamp);
}
