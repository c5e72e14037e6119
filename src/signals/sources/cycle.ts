// The timer shell shared by every signals source: run one cycle every interval, never two at once, and
// log a cycle's problems only when they change (a dead engine must not print a line every interval).

/** Signals older than a few cycles mean the loop is stuck: answer 503 and hold the scaler. */
export function maxSignalAgeSeconds(intervalMs: number): number {
  return Math.max(30, (5 * intervalMs) / 1000);
}

export interface SignalsLoop {
  /** One cycle now (also what the timer runs). Never throws. */
  cycle(): Promise<void>;
  /** True once a cycle has handed the provider a snapshot. */
  ready(): boolean;
  stop(): void;
}

export interface CycleLoopOptions {
  /** One cycle; returns the lines worth logging (only changes are logged). */
  readonly once: () => Promise<readonly string[]>;
  readonly intervalMs: number;
  /** Called with the message when a cycle throws; the loop keeps going. */
  readonly onError?: (message: string) => void;
  readonly log: (line: string) => void;
}

export function startCycleLoop(options: CycleLoopOptions): SignalsLoop {
  let warm = false;
  let running: Promise<void> | undefined;
  let lastReport = '';

  const cycle = (): Promise<void> => {
    if (running !== undefined) return running;
    running = options
      .once()
      .then((lines) => {
        warm = true;
        const text = lines.join('\n');
        if (text !== lastReport && text !== '') options.log(text);
        lastReport = text;
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        options.onError?.(message);
        options.log(`signals cycle failed: ${message}`);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = setInterval(() => void cycle(), options.intervalMs);
  return {
    cycle,
    ready: () => warm,
    stop: () => {
      clearInterval(timer);
    },
  };
}
