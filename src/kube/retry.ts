/** Which API failures are worth retrying: conflicts, throttling, and the server being briefly unavailable. */
export function isRetryableStatus(code: number | undefined): boolean {
  return code === 409 || code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
}

/** The HTTP status of an ApiException-like error, if it has one. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number') return err.code;
  return undefined;
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0,1); injected so tests are deterministic. */
  random?: () => number;
}

/** Exponential backoff with full jitter, as client-go's wait.Backoff does for conflicts. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, base * 2 ** attempt);
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

export async function withRetry<T>(op: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (attempt + 1 >= attempts || !isRetryableStatus(statusOf(err))) throw err;
      await sleep(backoffDelay(attempt, base, max, random));
    }
  }
}
