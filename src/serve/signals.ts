// ONE signals loop per `canopy serve` process. Its cycles land in a SignalsHub, which is at once the
// adapter's MetricsProvider and the scaler's SignalSource, so both act on the same readings and the
// engines (or Prometheus) are asked once per interval, not once per consumer.
import type { KubeConfig } from '@kubernetes/client-node';
import { clientNodePodLister, startSignalsLoop, type PodLister, type SignalsLoop } from '../adapter/wiring.ts';
import type { SignalSource } from '../scaler/live/loop.ts';
import { signalView, SignalsMetricsProvider } from '../signals/provider.ts';
import { queryPrometheusSignals, type PrometheusQueryResult } from '../signals/sources/prometheus.ts';
import type { ScrapeDeps } from '../signals/sources/scrape.ts';
import type { SignalsChoice } from './options.ts';
import { maxSignalAgeSeconds, startCycleLoop } from '../signals/sources/cycle.ts';

export { maxSignalAgeSeconds } from '../signals/sources/cycle.ts';

/** The newest view for the adapter, and the same snapshot (or the outage) for the scaler. */
export class SignalsHub extends SignalsMetricsProvider {
  /** For the scaler: the snapshot, or a throw while the source is down or its numbers are stale (an outage). */
  scalerSource(): SignalSource {
    return () => this.latestSnapshot();
  }
}


export interface PrometheusLoopOptions {
  readonly hub: SignalsHub;
  /** One query at `now` (seconds); queryPrometheusSignals in production. */
  readonly query: (now: number) => Promise<PrometheusQueryResult>;
  readonly intervalMs: number;
  /** Seconds. */
  readonly clock: () => number;
  readonly log?: (line: string) => void;
}

/** Prometheus' answer as log lines; only changes are logged by the loop. Pure. */
export function prometheusReport(result: PrometheusQueryResult): string[] {
  if (!result.ok) return [result.error];
  const unattributed = result.unattributed.length === 0 ? [] : [`${String(result.unattributed.length)} series without a pod (check the relabel rules): first ${JSON.stringify(result.unattributed[0]?.metric)}`];
  return [
    ...result.warnings.map((w) => `prometheus warning: ${w}`),
    ...unattributed,
    ...result.stale.map((s) => `stale ${s.namespace}/${s.pod}: newest sample at ${new Date(s.lastSampleAt * 1000).toISOString()}`),
  ];
}

/** Query, publish and repeat every `intervalMs`; cycles never overlap. A failed query marks the hub down. */
export function startPrometheusLoop(options: PrometheusLoopOptions): SignalsLoop {
  const once = async (): Promise<string[]> => {
    const result = await options.query(options.clock());
    if (result.ok) options.hub.update(signalView(result.snapshot, result.state));
    else options.hub.setUnavailable(result.error);
    return prometheusReport(result);
  };
  return startCycleLoop({
    once,
    intervalMs: options.intervalMs,
    onError: (message) => {
      options.hub.setUnavailable(`prometheus: ${message}`);
    },
    log: options.log ?? ((): void => undefined),
  });
}

export interface ServeSignals {
  readonly hub: SignalsHub;
  readonly loop: SignalsLoop;
  stop(): void;
}

export interface ServeSignalsOptions {
  readonly choice: SignalsChoice;
  readonly windowSeconds: number;
  readonly intervalMs: number;
  /** Only this namespace's engine pods (scrape). */
  readonly namespace?: string | undefined;
  readonly log: (line: string) => void;
  /** Default: pods through client-node with `kc`. */
  readonly lister?: PodLister;
  /** Default: queryPrometheusSignals (tests inject one). */
  readonly query?: PrometheusLoopOptions['query'];
  /** Default: Node's fetch (tests inject one). */
  readonly fetch?: ScrapeDeps['fetch'];
  /** Seconds; default the wall clock. */
  readonly clock?: () => number;
}

/**
 * Starts the process's signals loop and runs its first cycle before returning, so neither the adapter
 * nor the scaler starts cold.
 */
export async function startServeSignals(kc: KubeConfig, options: ServeSignalsOptions): Promise<ServeSignals> {
  const clock = options.clock ?? ((): number => Date.now() / 1000);
  const hub = new SignalsHub({ maxAgeSeconds: maxSignalAgeSeconds(options.intervalMs), clock });
  const log = (line: string): void => {
    options.log(`signals: ${line}`);
  };
  // A read may take most of a cycle but never longer than the aggregator waits for an answer.
  const timeoutMs = Math.max(500, Math.min(options.intervalMs, 5_000));
  let loop: SignalsLoop;
  if (options.choice.source === 'prometheus') {
    const url = options.choice.prometheusUrl;
    const query = options.query ?? ((now: number) => queryPrometheusSignals({ url, windowSeconds: options.windowSeconds, timeoutMs }, now));
    loop = startPrometheusLoop({ hub, query, intervalMs: options.intervalMs, clock, log });
  } else {
    loop = startSignalsLoop({
      provider: hub,
      source: { kind: 'pods', ...(options.namespace === undefined ? {} : { namespace: options.namespace }) },
      lister: options.lister ?? clientNodePodLister(kc),
      intervalMs: options.intervalMs,
      // A pod leaves the window after three missed scrapes, not sooner than the scraper's own 30 s.
      scrape: { windowSeconds: options.windowSeconds, timeoutMs, staleAfterSeconds: Math.max(30, (3 * options.intervalMs) / 1000) },
      deps: { clock, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) },
      log,
    });
  }
  await loop.cycle();
  return {
    hub,
    loop,
    stop: () => {
      loop.stop();
    },
  };
}
