import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchText, type FetchResult, type FetchText } from '../../../../src/signals/sources/fetch.ts';
import { mapBounded } from '../../../../src/signals/sources/pool.ts';
import { applyScrapes, EMPTY_SCRAPE_STATE, fetchTargets, scrapeOnce, type ScrapeState } from '../../../../src/signals/sources/scrape.ts';
import type { ScrapeTarget } from '../../../../src/signals/sources/targets.ts';
import { createEngineSimulation } from '../../../../src/sim/engine-server/load.ts';

const target = (pod: string, extra: Partial<ScrapeTarget> = {}): ScrapeTarget => ({
  namespace: 'ns',
  pod,
  labels: { 'grove.io/podclique': 'pcs-0-worker', 'app.kubernetes.io/part-of': 'pcs' },
  url: `http://${pod}.test/metrics`,
  ...extra,
});

interface Deferred {
  readonly url: string;
  resolve(r: FetchResult): void;
}

/** A fetch whose answers the test releases by hand, counting requests in flight. */
function manualFetch(): { fetch: FetchText; pending: Deferred[]; maxInFlight: () => number } {
  const pending: Deferred[] = [];
  let inFlight = 0;
  let max = 0;
  const fetch: FetchText = (url) =>
    new Promise<FetchResult>((resolve) => {
      inFlight++;
      max = Math.max(max, inFlight);
      pending.push({
        url,
        resolve: (r) => {
          inFlight--;
          resolve(r);
        },
      });
    });
  return { fetch, pending, maxInFlight: () => max };
}

async function drain(pending: Deferred[], answer: (url: string) => FetchResult, done: () => boolean): Promise<void> {
  // Each release lets a worker start the next request on a later microtask; bounded by the target count.
  for (let guard = 0; guard < 10_000 && !done(); guard++) {
    const next = pending.shift();
    if (next !== undefined) next.resolve(answer(next.url));
    await Promise.resolve();
  }
}

describe('bounded concurrency', () => {
  it('never has more than `concurrency` requests in flight, and reaches the bound', async () => {
    const targets = Array.from({ length: 50 }, (_, i) => target(`p-${String(i)}`));
    const m = manualFetch();
    let finished = false;
    const run = fetchTargets(targets, { fetch: m.fetch, clock: () => 5 }, { concurrency: 7 }).then((r) => {
      finished = true;
      return r;
    });
    await drain(m.pending, () => ({ ok: true, status: 200, text: '' }), () => finished);
    const results = await run;
    expect(m.maxInFlight()).toBe(7);
    expect(results.map((r) => r.target.pod)).toEqual(targets.map((t) => t.pod));
    expect(results.every((r) => r.at === 5 && r.result.ok)).toBe(true);
  });

  it('mapBounded keeps input order and rejects a non-positive limit', async () => {
    const out = await mapBounded([3, 1, 2], 2, (x) => new Promise<number>((r) => setImmediate(() => { r(x * 10); })));
    expect(out).toEqual([30, 10, 20]);
    await expect(mapBounded([1], 0, (x) => Promise.resolve(x))).rejects.toThrow(RangeError);
  });

  it('turns a fetch that throws into a failure of that target only', async () => {
    const fetch: FetchText = (url) => (url.includes('bad') ? Promise.reject(new Error('boom')) : Promise.resolve({ ok: true, status: 200, text: '' }));
    const cycle = await scrapeOnce(EMPTY_SCRAPE_STATE, [target('good'), target('bad')], { fetch, clock: () => 1 });
    expect(cycle.failures).toEqual([{ namespace: 'ns', pod: 'bad', url: 'http://bad.test/metrics', error: 'boom' }]);
  });
});

/** Pages of a simulated vLLM engine, one per second of its clock. */
function pages(seed: number, seconds: number): string[] {
  const sim = createEngineSimulation({
    dialect: 'vllm',
    model: 'm',
    seed,
    load: { rps: 4, ttftSeconds: { kind: 'constant', value: 0.07 }, itlSeconds: { kind: 'constant', value: 0.03 }, waiting: 3, running: 5, kv: 0.5 },
  });
  const out = [sim.render()];
  for (let i = 0; i < seconds; i++) {
    sim.advance(1);
    out.push(sim.render());
  }
  return out;
}

describe('applyScrapes: failures and staleness', () => {
  const a = target('a');
  const b = target('b');
  const pageA = pages(1, 40);
  const pageB = pages(2, 40);
  const ok = (text: string): FetchResult => ({ ok: true, status: 200, text });
  const down: FetchResult = { ok: false, error: 'timeout after 2000 ms' };

  it('keeps a failing target in the window until its last good scrape is older than the limit, and reports it', () => {
    let state: ScrapeState = EMPTY_SCRAPE_STATE;
    const opts = { staleAfterSeconds: 10, windowSeconds: 60 };
    for (let t = 0; t <= 5; t++) {
      state = applyScrapes(state, [a, b], [{ target: a, at: t, result: ok(pageA[t] ?? '') }, { target: b, at: t, result: ok(pageB[t] ?? '') }], t, opts).state;
    }
    // b stops answering at t = 6; its last good scrape was at 5.
    let cycle = applyScrapes(state, [a, b], [{ target: a, at: 15, result: ok(pageA[15] ?? '') }, { target: b, at: 15, result: down }], 15, opts);
    expect(cycle.failures).toEqual([{ namespace: 'ns', pod: 'b', url: b.url, error: 'timeout after 2000 ms' }]);
    expect(cycle.dropped).toEqual([]);
    expect([...cycle.snapshot.pods.keys()].sort()).toEqual(['ns/a', 'ns/b']);
    expect(cycle.snapshot.podCliques.get('ns/pcs-0-worker')?.pods).toBe(2);

    cycle = applyScrapes(cycle.state, [a, b], [{ target: a, at: 16, result: ok(pageA[16] ?? '') }, { target: b, at: 16, result: down }], 16, opts);
    expect(cycle.dropped).toEqual([{ namespace: 'ns', pod: 'b', reason: 'stale', lastGoodAt: 5 }]);
    expect([...cycle.snapshot.pods.keys()]).toEqual(['ns/a']);
    expect(cycle.snapshot.podCliques.get('ns/pcs-0-worker')?.pods).toBe(1);

    // Back again: one reading so far, so gauges but no rates yet.
    cycle = applyScrapes(cycle.state, [a, b], [{ target: a, at: 17, result: ok(pageA[17] ?? '') }, { target: b, at: 17, result: ok(pageB[17] ?? '') }], 17, opts);
    expect(cycle.dropped).toEqual([]);
    expect(cycle.snapshot.pods.get('ns/b')?.values.queue_waiting).toBe(3);
    expect(cycle.snapshot.pods.get('ns/b')?.values.request_rate_per_second).toBeUndefined();
  });

  it('drops a target that is no longer in the list at once', () => {
    let state: ScrapeState = EMPTY_SCRAPE_STATE;
    state = applyScrapes(state, [a, b], [{ target: a, at: 0, result: ok(pageA[0] ?? '') }, { target: b, at: 0, result: ok(pageB[0] ?? '') }], 0).state;
    const cycle = applyScrapes(state, [a], [{ target: a, at: 1, result: ok(pageA[1] ?? '') }], 1);
    expect(cycle.dropped).toEqual([{ namespace: 'ns', pod: 'b', reason: 'gone', lastGoodAt: 0 }]);
    expect([...cycle.snapshot.pods.keys()]).toEqual(['ns/a']);
    expect(cycle.state.lastGood.has('ns/b')).toBe(false);
  });

  it('computes rates and latencies from the pages it fetched (4 requests/s of 64 tokens, TTFT 70 ms)', () => {
    let state: ScrapeState = EMPTY_SCRAPE_STATE;
    let cycle;
    for (let t = 0; t <= 30; t++) {
      cycle = applyScrapes(state, [a], [{ target: a, at: t, result: ok(pageA[t] ?? '') }], t);
      state = cycle.state;
    }
    const v = cycle?.snapshot.pods.get('ns/a')?.values;
    expect(v?.request_rate_per_second).toBeCloseTo(4, 9);
    expect(v?.generation_tokens_per_second).toBeCloseTo(256, 9);
    expect(v?.prompt_tokens_per_second).toBeCloseTo(1024, 9);
    // 0.07 s lies in vLLM's (0.06, 0.08] bucket: every quantile interpolates inside it.
    expect(v?.ttft_p50_seconds).toBeGreaterThan(0.06);
    expect(v?.ttft_p99_seconds).toBeLessThanOrEqual(0.08);
    expect(v?.kv_cache_utilization).toBe(0.5);
  });

  it('reports a malformed page as a problem and still reads its good lines', () => {
    const bad = `${pageA[3] ?? ''}\nvllm:num_requests_waiting{model_name="m" 7\n`;
    const cycle = applyScrapes(EMPTY_SCRAPE_STATE, [a], [{ target: a, at: 3, result: ok(bad) }], 3);
    expect(cycle.problems).toHaveLength(1);
    expect(cycle.problems[0]?.issues.length).toBeGreaterThan(0);
    expect(cycle.snapshot.pods.get('ns/a')?.values.requests_running).toBe(5);
  });

  it('passes the target match through (only the matching model counts)', () => {
    const other = (pageA[2] ?? '').replaceAll('model_name="m"', 'model_name="other"');
    const cycle = applyScrapes(EMPTY_SCRAPE_STATE, [target('a', { match: { model_name: 'x' } })], [{ target: target('a', { match: { model_name: 'x' } }), at: 2, result: ok(other) }], 2);
    expect(cycle.snapshot.pods.get('ns/a')?.values.queue_waiting).toBeUndefined();
  });
});

describe('fetchText (the default GET)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (s !== undefined) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const s = createServer(handler);
    server = s;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${String((s.address() as AddressInfo).port)}/metrics`;
  }

  it('returns the body of a 200', async () => {
    const url = await serve((_req, res) => res.end('x 1\n'));
    expect(await fetchText(url, { timeoutMs: 2000, maxBytes: 100 })).toEqual({ ok: true, status: 200, text: 'x 1\n' });
  });

  it('gives up on a target that does not answer in time', async () => {
    const url = await serve(() => {
      /* never answers */
    });
    expect(await fetchText(url, { timeoutMs: 150, maxBytes: 100 })).toEqual({ ok: false, error: 'timeout after 150 ms' });
  });

  it('abandons a body larger than the cap', async () => {
    const url = await serve((_req, res) => res.end('#'.repeat(10_000)));
    expect(await fetchText(url, { timeoutMs: 2000, maxBytes: 1000 })).toEqual({ ok: false, error: 'body larger than 1000 bytes' });
  });

  it('treats a non-2xx status as a failure', async () => {
    const url = await serve((_req, res) => res.writeHead(503).end('busy'));
    expect(await fetchText(url, { timeoutMs: 2000, maxBytes: 100 })).toEqual({ ok: false, error: 'HTTP 503' });
  });

  it('reports a refused connection without throwing', async () => {
    const url = await serve((_req, res) => res.end());
    const s = server;
    server = undefined;
    await new Promise((r) => s?.close(r));
    const r = await fetchText(url, { timeoutMs: 2000, maxBytes: 100 });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(/ECONNREFUSED|fetch failed/);
  });
});
