import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsUnavailableError } from '../../../src/adapter/provider.ts';
import type { PodLister } from '../../../src/adapter/wiring.ts';
import { everything } from '../../../src/kube/selector.ts';
import { readSignals } from '../../../src/scaler/live/loop.ts';
import { createServeContext, type StartSignals } from '../../../src/serve/context.ts';
import { parseServeArgs } from '../../../src/serve/flags.ts';
import type { ServeOptions } from '../../../src/serve/options.ts';
import { maxSignalAgeSeconds, startServeSignals, type ServeSignals } from '../../../src/serve/signals.ts';
import type { FetchText } from '../../../src/signals/sources/fetch.ts';

const NOW = 1_800_000_000;
const kc = new KubeConfig();
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const queueOf = (ns: string, pod: string) => ({ namespace: ns, resource: 'pods' as const, name: pod, metric: 'queue_waiting', metricSelector: everything });

/** A stand-in for Prometheus' /api/v1/query on loopback: answers whatever `answer` holds, records each query. */
async function fakePrometheus(): Promise<{ url: string; queries: URLSearchParams[]; answer: { status: number; body: unknown } }> {
  const queries: URLSearchParams[] = [];
  const state = { url: '', queries, answer: { status: 200, body: {} as unknown } };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v1/query') {
        res.writeHead(404).end();
        return;
      }
      queries.push(new URLSearchParams(body));
      res.writeHead(state.answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(state.answer.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      }),
  );
  state.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return state;
}

/** What a Prometheus with Canopy's relabel rules holds for one vLLM pod's waiting queue. */
function waitingMatrix(pod: string, points: readonly (readonly [number, number])[]): unknown {
  return {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'vllm:num_requests_waiting', job: 'engines', namespace: 'ns', pod, grove_io_podclique: 'pcs-0-decode', app_kubernetes_io_part_of: 'pcs' },
          values: points.map(([t, v]) => [t, String(v)]),
        },
      ],
    },
  };
}

describe('the shared signals loop, Prometheus source', () => {
  it('one query per cycle feeds the adapter provider and the scaler the same snapshot; an outage reaches both and clears', async () => {
    const prom = await fakePrometheus();
    prom.answer = { status: 200, body: waitingMatrix('decode-0', [[NOW - 10, 3], [NOW - 2, 5]]) };
    let now = NOW;
    const lines: string[] = [];
    const signals = await startServeSignals(kc, {
      choice: { source: 'prometheus', prometheusUrl: prom.url },
      windowSeconds: 60,
      intervalMs: 3_600_000,
      log: (l) => lines.push(l),
      clock: () => now,
    });
    cleanups.push(() => {
      signals.stop();
    });

    // The first cycle ran before startServeSignals returned: one query, at the loop's clock, over the window.
    expect(prom.queries).toHaveLength(1);
    expect(prom.queries[0]?.get('time')).toBe(`${String(NOW)}.000`);
    expect(prom.queries[0]?.get('query')).toContain('[60000ms]');
    expect(signals.loop.ready()).toBe(true);
    const served = await signals.hub.getObjectMetric(queueOf('ns', 'decode-0'));
    expect(served?.value).toBe(5);
    const read = await readSignals(signals.hub.scalerSource());
    if (!read.ok) throw new Error(read.error);
    expect(read.snapshot.pods.get('ns/decode-0')?.values.queue_waiting).toBe(5);
    expect(read.snapshot.podCliques.get('ns/pcs-0-decode')?.values.queue_waiting).toBe(5);

    // Prometheus down: the adapter answers 503 and the scaler sees an outage (it holds), logged once.
    prom.answer = { status: 503, body: { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' } };
    await signals.loop.cycle();
    await signals.loop.cycle();
    await expect(signals.hub.getObjectMetric(queueOf('ns', 'decode-0'))).rejects.toBeInstanceOf(MetricsUnavailableError);
    const down = await readSignals(signals.hub.scalerSource());
    expect(down).toEqual({ ok: false, error: expect.stringContaining('TSDB not ready') as unknown });
    expect(lines.filter((l) => l.includes('TSDB not ready'))).toHaveLength(1);
    expect(lines.every((l) => l.startsWith('signals: '))).toBe(true);

    // Back: both read the new numbers.
    now = NOW + 15;
    prom.answer = { status: 200, body: waitingMatrix('decode-0', [[NOW - 2, 5], [NOW + 13, 8]]) };
    await signals.loop.cycle();
    expect((await signals.hub.getObjectMetric(queueOf('ns', 'decode-0')))?.value).toBe(8);
    const back = await readSignals(signals.hub.scalerSource());
    expect(back.ok && back.snapshot.at).toBe(NOW + 15);
    expect(prom.queries).toHaveLength(4);
  });

  it('numbers older than the allowed age are an outage for both, not data', async () => {
    const prom = await fakePrometheus();
    prom.answer = { status: 200, body: waitingMatrix('decode-0', [[NOW - 10, 3], [NOW - 2, 5]]) };
    let now = NOW;
    const intervalMs = 3_600_000;
    const signals = await startServeSignals(kc, { choice: { source: 'prometheus', prometheusUrl: prom.url }, windowSeconds: 60, intervalMs, log: () => undefined, clock: () => now });
    cleanups.push(() => {
      signals.stop();
    });
    now = NOW + maxSignalAgeSeconds(intervalMs) + 1;
    await expect(signals.hub.getObjectMetric(queueOf('ns', 'decode-0'))).rejects.toThrow(/old/);
    const stale = await readSignals(signals.hub.scalerSource());
    expect(stale.ok).toBe(false);
  });

  it('the allowed age is five cycles, never under 30 s', () => {
    expect(maxSignalAgeSeconds(2_000)).toBe(30);
    expect(maxSignalAgeSeconds(15_000)).toBe(75);
  });
});

function enginePod(name: string, ip: string): V1Pod {
  return {
    metadata: {
      namespace: 'ns',
      name,
      labels: { 'grove.io/podclique': 'pcs-0-decode', 'app.kubernetes.io/part-of': 'pcs' },
      annotations: { 'prometheus.io/port': '8000' },
    },
    status: { phase: 'Running', podIP: ip },
  };
}

describe('the shared signals loop, direct scrape', () => {
  it('scrapes each engine pod once per cycle and serves both consumers from that scrape', async () => {
    const fetched: string[] = [];
    const waiting: Readonly<Record<string, number>> = { 'http://10.0.0.1:8000/metrics': 2, 'http://10.0.0.2:8000/metrics': 7 };
    const fetch: FetchText = (url) => {
      fetched.push(url);
      const w = waiting[url];
      return Promise.resolve(w === undefined ? { ok: false, error: 'no such engine' } : { ok: true, status: 200, text: `vllm:num_requests_waiting{model_name="m"} ${String(w)}\n` });
    };
    const listed: (string | undefined)[] = [];
    const lister: PodLister = {
      list: (namespace) => {
        listed.push(namespace);
        return Promise.resolve([enginePod('decode-0', '10.0.0.1'), enginePod('decode-1', '10.0.0.2')]);
      },
    };
    const signals = await startServeSignals(kc, { choice: { source: 'scrape' }, windowSeconds: 60, intervalMs: 3_600_000, namespace: 'ns', lister, fetch, log: () => undefined, clock: () => NOW });
    cleanups.push(() => {
      signals.stop();
    });
    expect(listed).toEqual(['ns']);
    expect(fetched.sort()).toEqual(['http://10.0.0.1:8000/metrics', 'http://10.0.0.2:8000/metrics']);
    expect((await signals.hub.getObjectMetric(queueOf('ns', 'decode-1')))?.value).toBe(7);
    const read = await readSignals(signals.hub.scalerSource());
    if (!read.ok) throw new Error(read.error);
    expect(read.snapshot.podCliques.get('ns/pcs-0-decode')?.values.queue_waiting).toBe(9);
  });
});

describe('one signals loop per process', () => {
  function options(args: readonly string[]): ServeOptions {
    const o = parseServeArgs(args, {});
    if (typeof o === 'string') throw new Error(o);
    return o;
  }

  it('every component asking gets the same loop, started once with the process flags, and stopped once', async () => {
    const calls: Parameters<StartSignals>[1][] = [];
    let stopped = 0;
    const fake = {
      hub: {},
      loop: {},
      stop: () => {
        stopped++;
      },
    } as unknown as ServeSignals;
    const start: StartSignals = (_kc, o) => {
      calls.push(o);
      return Promise.resolve(fake);
    };
    const ctx = createServeContext(kc, options(['--signals-source=prometheus', '--prometheus-url=http://p:9090', '--window=2m', '--scrape-interval=5s', '--namespace=team-a']), () => undefined, start);
    const [a, b] = await Promise.all([ctx.signals(), ctx.signals()]);
    const c = await ctx.signals();
    expect(a).toBe(fake);
    expect(b).toBe(fake);
    expect(c).toBe(fake);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ choice: { source: 'prometheus', prometheusUrl: 'http://p:9090' }, windowSeconds: 120, intervalMs: 5_000, namespace: 'team-a' });
    await ctx.stopSignals();
    expect(stopped).toBe(1);
  });

  it('a process whose components never ask starts no loop', async () => {
    let started = 0;
    const ctx = createServeContext(kc, options(['--components=controller']), () => undefined, () => {
      started++;
      return Promise.reject(new Error('unused'));
    });
    await ctx.stopSignals();
    expect(started).toBe(0);
  });
});
