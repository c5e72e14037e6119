// The scaler as a `canopy serve` component: the live loop against the process's cluster, fed by its own
// pod-scrape signal cycle (the same machinery the metrics adapter uses). Leader-only: one writer of /scale.
import type { KubeConfig } from '@kubernetes/client-node';
import { clientNodePodLister, startSignalsLoop } from '../../adapter/wiring.ts';
import { EventRecorder } from '../../kube/events.ts';
import { createScaleClient } from '../../kube/scale.ts';
import { SignalsMetricsProvider } from '../../signals/provider.ts';
import { maxSignalAgeSeconds } from '../../signals/sources/cycle.ts';
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

export function startScalerComponent(ctx: ScalerComponentContext, options: ScalerComponentOptions = {}): Promise<RunningScaler> {
  const log = (line: string): void => {
    ctx.log(`scaler: ${line}`);
  };
  const logger = createLogger({ write: log });
  let stopSignals = (): void => undefined;
  let signals = options.signals;
  if (signals === undefined) {
    const intervalMs = options.scrapeIntervalMs ?? 15_000;
    const provider = new SignalsMetricsProvider({ maxAgeSeconds: maxSignalAgeSeconds(intervalMs), clock: () => Date.now() / 1000 });
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
    signals = () => provider.latestSnapshot();
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
