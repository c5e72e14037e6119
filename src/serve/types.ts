// What a `canopy serve` component is and what it is given.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ServeLog } from './log.ts';
import type { ServeOptions } from './options.ts';
import type { ServeSignals } from './signals.ts';

export interface ServeContext {
  readonly kc: KubeConfig;
  readonly options: ServeOptions;
  readonly log: ServeLog;
  /** The process's one signals loop, started (first cycle done) on the first call and shared after. */
  signals(): Promise<ServeSignals>;
}

export interface RunningComponent {
  stop(): Promise<void>;
}

export interface ServeComponent {
  readonly name: string;
  /** Leader-only components act on the cluster and must have a single active instance. */
  readonly leaderOnly: boolean;
  start(ctx: ServeContext): Promise<RunningComponent>;
}
