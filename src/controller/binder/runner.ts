// Runs a reconcile function one pass at a time: triggered by cache events (coalesced over a short
// debounce), and periodically anyway, so that work that failed or waits on nothing observable (a gang
// that did not fit) is retried.
export interface RunnerOptions {
  readonly debounceMs?: number | undefined;
  readonly resyncMs?: number | undefined;
  readonly onError?: ((err: unknown) => void) | undefined;
}

export class Runner {
  private readonly work: () => Promise<void>;
  private readonly debounceMs: number;
  private readonly resyncMs: number;
  private readonly onError: (err: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private resync: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private stopped = true;

  constructor(work: () => Promise<void>, options: RunnerOptions = {}) {
    this.work = work;
    this.debounceMs = options.debounceMs ?? 100;
    this.resyncMs = options.resyncMs ?? 15_000;
    this.onError = options.onError ?? (() => undefined);
  }

  start(): void {
    this.stopped = false;
    this.resync = setInterval(() => {
      this.trigger();
    }, this.resyncMs);
    this.trigger();
  }

  trigger(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.dirty = true;
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass();
    }, this.debounceMs);
  }

  private async pass(): Promise<void> {
    try {
      await this.work();
    } catch (err) {
      this.onError(err);
    }
    this.running = undefined;
    if (this.dirty) {
      this.dirty = false;
      this.trigger();
    }
  }

  /** Stops triggering and waits for a pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.resync);
    await this.running;
  }
}
