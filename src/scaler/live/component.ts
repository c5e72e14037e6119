// The scaler as a `canopy serve` component: the live loop against the process's cluster, fed by its own
// pod-scrape signal cycle (the same machinery the metrics adapter uses). Leader-only: one writer of /scale.
import type { KubeConfig } from '@kubernetes/client-node';
import { clientNodePodLister, startSignalsLoop } from '../../adapter/wiring.ts';
import { EventRecorder } from '../../kube/events.ts';
import { createScaleClient } from '../../kube/scale.ts';
import { SignalsMetricsProvider, type SignalView } from '../../signals/provider.ts';
import type { SignalSnapshot } from '../../signals/index.ts';
import { createLogger } from '../../telemetry/log.ts';
import { createScalerKubeClient } from './kube.ts';
import { DEFAULT_SYNC_PERIOD_MS, ScalerLoop, type SignalSource } from './loop.ts';

/** What the component needs from serve's context (serve's ServeContext satisfies it). */
export interface ScalerComponentContext {
  readonly kc: KubeConfig;
  readonly options: { readonly namespace?: string | undefined };
  readonly log: (line: string) => void;
}

export interface ScalerComponentOptions {
  readonly syncPeriodMs?: number | undefined;
  readonly scrapeIntervalMs?: number | undefined;
  /** Use this source instead of scraping pods (e.g. a process that already runs a signal cycle). */
  readonly signals?: SignalSource | undefined;
}

export interface RunningScaler {
  readonly loop: ScalerLoop;
  stop(): Promise<void>;
}

/** A source that refuses a snapshot older than `maxAgeSeconds`: stale numbers are an outage, not data. */
export function freshSignals(latest: () => SignalSnapshot | undefined, maxAgeSeconds: number, nowSeconds: () => number = () => Date.now() / 1000): SignalSource {
  return () => {
    const s = latest();
    if (s === undefined) return undefined;
    const age = nowSeconds() - s.at;
    if (age > maxAgeSeconds) throw new Error(`signals are ${Math.round(age)} s old`);
    return s;
  };
}

/** Keeps the newest snapshot the signal cycle publishes. */
class CapturingProvider extends SignalsMetricsProvider {
  latest: SignalSnapshot | undefined;

  override update(view: SignalView): void {
    this.latest = view.snapshot;
    super.update(view);
  }
}

export function startScalerComponent(ctx: ScalerComponentContext, options: ScalerComponentOptions = {}): Promise<RunningScaler> {
  const log = (line: string): void => {
    ctx.log(`scaler: ${line}`);
  };
  const logger = createLogger({ write: log });
  let stopSignals = (): void => undefined;
  let signals = options.signals;
  if (signals === undefined) {
    const intervalMs = options.scrapeIntervalMs ?? 15_000;
    const provider = new CapturingProvider();
    const cycle = startSignalsLoop({
      provider,
      source: { kind: 'pods', ...(ctx.options.namespace !== undefined ? { namespace: ctx.options.namespace } : {}) },
      lister: clientNodePodLister(ctx.kc),
      intervalMs,
      log,
    });
    void cycle.cycle();
    stopSignals = () => {
      cycle.stop();
    };
    signals = freshSignals(() => provider.latest, Math.max(30, (5 * intervalMs) / 1000));
  }
  const loop = new ScalerLoop({
    kube: createScalerKubeClient(ctx.kc),
    scale: createScaleClient(ctx.kc, 'canopy-scaler'),
    events: new EventRecorder(ctx.kc, 'canopy-scaler'),
    signals,
    namespace: ctx.options.namespace,
    syncPeriodMs: options.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS,
    logger,
  });
  loop.start();
  return Promise.resolve({
    loop,
    stop: async () => {
      stopSignals();
      await loop.stop();
    },
  });
}

/** The entry for serve's SERVE_COMPONENTS. */
export const scalerServeComponent = {
  name: 'scaler',
  leaderOnly: true,
  start: (ctx: ScalerComponentContext): Promise<RunningScaler> => startScalerComponent(ctx),
} as const;
