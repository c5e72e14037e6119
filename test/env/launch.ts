import { tail, withLogs, type ManagedProcess } from './proc.ts';
import { waitFor } from './net.ts';

export interface LaunchOptions<P> {
  readonly name: string;
  /** Picks fresh ports (or whatever else must change between attempts). */
  readonly prepare: () => Promise<P>;
  readonly spawn: (prepared: P) => ManagedProcess;
  /** Resolves to true once the server answers as ready. */
  readonly ready: (prepared: P) => Promise<boolean>;
  readonly timeoutMs: number;
  readonly attempts?: number;
}

export interface Launched<P> {
  readonly process: ManagedProcess;
  readonly prepared: P;
}

/**
 * Starts a server and waits until it is ready. A port picked as free can be taken by someone else
 * before the server binds it; when the server dies saying so, try again with fresh ports. Any other
 * failure ends the attempt with the tail of the server's log.
 */
export async function launch<P>(options: LaunchOptions<P>): Promise<Launched<P>> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const prepared = await options.prepare();
    const child = options.spawn(prepared);
    try {
      await waitFor(`${options.name} to be ready`, async () => ((await options.ready(prepared)) ? true : undefined), {
        timeoutMs: options.timeoutMs,
        intervalMs: 300,
        abort: () => (child.hasExited() ? new Error(`${options.name} exited during start-up`) : undefined),
      });
      return { process: child, prepared };
    } catch (error) {
      await child.stop(2_000);
      const portTaken = /address already in use/i.test(tail(child.logFile, 200));
      if (portTaken && attempt < attempts) continue;
      throw withLogs(`${options.name}: ${error instanceof Error ? error.message : String(error)}`, [child]);
    }
  }
}
