// The context every component of one `canopy serve` process shares. Its signals loop is started by the
// first component that asks (the adapter on every replica, else the scaler once leading) and shared by
// all later ones: one scrape of each engine (or one Prometheus query) per interval per process.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ServeLog } from './log.ts';
import type { ServeOptions } from './options.ts';
import { startServeSignals, type ServeSignals } from './signals.ts';
import type { ServeContext } from './types.ts';

export type StartSignals = (kc: KubeConfig, options: Parameters<typeof startServeSignals>[1]) => Promise<ServeSignals>;

export interface ServeProcessContext extends ServeContext {
  /** Stops the signals loop if one was started (after the components that read it). */
  stopSignals(): Promise<void>;
}

export function createServeContext(kc: KubeConfig, options: ServeOptions, log: ServeLog, start: StartSignals = startServeSignals): ServeProcessContext {
  let signals: Promise<ServeSignals> | undefined;
  return {
    kc,
    options,
    log,
    signals: () =>
      (signals ??= start(kc, {
        choice: options.signals,
        windowSeconds: options.windowSeconds,
        intervalMs: options.scrapeIntervalMs,
        namespace: options.namespace,
        log,
      })),
    stopSignals: async () => {
      if (signals === undefined) return;
      (await signals.catch(() => undefined))?.stop();
    },
  };
}
