/** The outcome of one GET: the body, or why there is none. Never thrown. */
export type FetchResult =
  | { readonly ok: true; readonly status: number; readonly text: string }
  | { readonly ok: false; readonly error: string };

export interface FetchOptions {
  readonly timeoutMs: number;
  /** Bodies larger than this are abandoned (a runaway exporter must not exhaust the scraper). */
  readonly maxBytes: number;
}

/** An HTTP GET, injected so that scheduling can be tested without sockets. */
export type FetchText = (url: string, options: FetchOptions) => Promise<FetchResult>;

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timeout after ${String(timeoutMs)} ms`;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * The default GET (Node's fetch). The timeout covers the whole exchange, body included; the body is
 * read incrementally and abandoned as soon as it passes the cap. Non-2xx answers are failures.
 */
export const fetchText: FetchText = async (url, { timeoutMs, maxBytes }) => {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' },
      redirect: 'error',
    });
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel();
      return { ok: false, error: `HTTP ${String(res.status)}` };
    }
    const reader = res.body?.getReader();
    if (reader === undefined) return { ok: true, status: res.status, text: '' };
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const step = (await reader.read()) as { done: boolean; value?: unknown };
      if (step.done) break;
      const value = step.value;
      if (!(value instanceof Uint8Array)) continue;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return { ok: false, error: `body larger than ${String(maxBytes)} bytes` };
      }
      chunks.push(value);
    }
    return { ok: true, status: res.status, text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return { ok: false, error: describe(error, timeoutMs) };
  }
};
