// Engine events → the engine's own /metrics recorders, the way vLLM observes them: TTFT and e2e from the
// time the request reached this engine, one ITL observation per token gap, tokens counted as they appear.
import type { EngineEvent } from '../engine/events.ts';
import type { EngineReplica } from '../engine/replica.ts';
import type { EngineMetrics } from '../exposition/engine-metrics.ts';

export interface FeedContext {
  /** When the request with this id reached the engine, and its prompt length. */
  readonly enqueuedAt: (id: string) => number | undefined;
  readonly promptTokens: (id: string) => number;
}

export function feedEngineEvent(metrics: EngineMetrics, event: EngineEvent, isDecodeEngine: boolean, ctx: FeedContext): void {
  switch (event.kind) {
    case 'tokens':
      for (let j = 0; j < event.iterations; j++) metrics.observeItl(event.firstGap + j * event.gapStep, event.sequences);
      metrics.addGenerationTokens(event.sequences * event.iterations);
      return;
    case 'first-token': {
      // A decode engine's first local token is counted by the iteration's `tokens` event and its TTFT is
      // the prefill engine's to report; it does count the prompt it received (vLLM counts prompt tokens of
      // every request it schedules, KV transferred or computed).
      if (isDecodeEngine) {
        metrics.addPromptTokens(ctx.promptTokens(event.id));
        return;
      }
      const at = ctx.enqueuedAt(event.id);
      if (at !== undefined) metrics.observeTtft(event.time - at);
      metrics.addPromptTokens(ctx.promptTokens(event.id));
      metrics.addGenerationTokens(1);
      return;
    }
    case 'finished': {
      const at = ctx.enqueuedAt(event.id);
      if (at !== undefined) metrics.observeE2e(event.time - at);
      metrics.countFinishedRequest();
      return;
    }
    case 'rejected':
      return;
  }
}

/** Gauges as a scrape at the engine's current time reads them. */
export function setEngineGauges(metrics: EngineMetrics, engine: EngineReplica): void {
  const g = engine.gauges();
  metrics.setWaiting(g.waiting);
  metrics.setRunning(g.running);
  metrics.setKvCacheUsage(g.kvUsage);
}
