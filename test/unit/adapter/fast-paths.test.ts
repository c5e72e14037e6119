// The per-request shortcuts must answer exactly as the general code they stand in for.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { formatMilli } from '../../../src/api/quantity.ts';
import { serveSample } from '../../../src/adapter/documents.ts';
import { handleMetricsRequest, handleRequestTarget, planRequest, planTarget } from '../../../src/adapter/handler.ts';
import { formatMilliQuantity, toMilli } from '../../../src/adapter/quantity.ts';
import { accessAttributes, accessAttributesMemo } from '../../../src/adapter/auth/attributes.ts';
import { boundedMemo } from '../../../src/adapter/memo.ts';
import { parseRequestTarget, routeFor, targetInfoMemo } from '../../../src/adapter/routes.ts';
import { parseSelectorMemo } from '../../../src/adapter/selector-memo.ts';
import { tryParseSelector } from '../../../src/kube/selector.ts';
import { fixtureProvider, fixtureTables } from './support/fixture.ts';

/** The served text by the general rule: milli count (BigInt), then apimachinery's canonical form. */
function reference(value: number): string | undefined {
  const milli = toMilli(value);
  return milli === undefined ? undefined : formatMilli(milli);
}

describe('formatMilliQuantity without BigInt', () => {
  it('agrees with formatMilli(toMilli(x)) on every double (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.double({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 2 ** 40 }).map((n) => n / 1000)), (x) => {
        expect(formatMilliQuantity(x)).toBe(reference(x));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees at the edges: rounding to zero, round numbers, the 2^53 boundary and beyond', () => {
    const edges = [
      0, -0, 0.0004, 0.0005, 0.0015, 0.001, 0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e9, 1e12, 1e15, 123456.789, 999.9995,
      Number.MAX_SAFE_INTEGER / 1000, (Number.MAX_SAFE_INTEGER + 1) / 1000, 2 ** 53 / 1000 + 1, 9.2e15, 9.3e15, 1e300,
      Number.MIN_VALUE, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
    ];
    for (const x of edges) expect(formatMilliQuantity(x)).toBe(reference(x));
    expect(formatMilliQuantity(1e6)).toBe('1M');
    expect(formatMilliQuantity(0.12)).toBe('120m');
    expect(formatMilliQuantity(1234.5)).toBe('1234500m');
  });
});

describe('serveSample timestamps', () => {
  it('formats each sample with its own time, whatever came before', () => {
    const a = new Date('2026-11-21T05:00:00.125Z');
    const b = new Date('2026-11-21T05:00:01Z');
    const texts = [a, a, b, a, b, b].map((t) => serveSample({ value: 1, timestamp: t })?.timestamp);
    expect(texts).toEqual([
      '2026-11-21T05:00:00.125Z',
      '2026-11-21T05:00:00.125Z',
      '2026-11-21T05:00:01.000Z',
      '2026-11-21T05:00:00.125Z',
      '2026-11-21T05:00:01.000Z',
      '2026-11-21T05:00:01.000Z',
    ]);
    expect(serveSample({ value: 1, timestamp: new Date(Number.NaN) })).toBeUndefined();
  });
});

describe('parseSelectorMemo', () => {
  const text = fc.oneof(
    fc.constantFrom('', 'role=prefill', 'a in (x,y),!b', 'x notin ()', 'a>1', 'in in (in)', 'a=b,'),
    fc.array(fc.constantFrom('a', 'b', '=', '!=', '!', '(', ')', ',', ' ', 'in', 'notin', 'x/y', '<', '>', '1'), { maxLength: 10 }).map((p) => p.join('')),
    fc.string({ maxLength: 20 }),
  );

  it('answers as tryParseSelector does, the first time and when remembered (property)', () => {
    fc.assert(
      fc.property(text, (t) => {
        const expected = tryParseSelector(t);
        expect(parseSelectorMemo(t)).toEqual(expected);
        expect(parseSelectorMemo(t)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('shares one frozen result per text, so no reader can change another reader\'s selector', () => {
    const first = parseSelectorMemo('tier in (b,a),app=web');
    expect(parseSelectorMemo('tier in (b,a),app=web')).toBe(first);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(Object.isFrozen(first.selector)).toBe(true);
    expect(Object.isFrozen(first.selector.requirements)).toBe(true);
    for (const r of first.selector.requirements) {
      expect(Object.isFrozen(r)).toBe(true);
      expect(Object.isFrozen(r.values)).toBe(true);
    }
    expect(() => {
      (first.selector.requirements as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });
});

describe('one parse per request', () => {
  const urls = fc.oneof(
    fc.constantFrom(
      '/apis/custom.metrics.k8s.io/v1beta2',
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/serving/pods/%2A/ttft_p90_seconds?labelSelector=role%3Dprefill',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/serving/podcliques.grove.io/llm-0-prefill/queue_waiting?metricLabelSelector=model%3Dllama',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/serving/metrics/queue_waiting',
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/serving/request_rate_per_second?labelSelector=model%3Dllama',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/serving/pods/*/ttft_p90_seconds?labelSelector=%zz',
      '/apis/custom.metrics.k8s.io/v1beta2/%E0%A4',
    ),
    fc.string({ maxLength: 40 }).map((s) => `/apis/custom.metrics.k8s.io/v1beta2/${s}`),
  );
  const method = fc.constantFrom('GET', 'POST', 'HEAD');

  it('planTarget on a parsed target plans as planRequest on the raw one (property)', () => {
    const metrics = fixtureTables().metrics;
    fc.assert(
      fc.property(method, urls, (m, url) => {
        expect(planTarget(m, parseRequestTarget(url), metrics)).toEqual(planRequest({ method: m, url }, metrics));
      }),
      { numRuns: 500 },
    );
  });

  it('handleRequestTarget answers as handleMetricsRequest (property)', async () => {
    const provider = fixtureProvider();
    await fc.assert(
      fc.asyncProperty(method, urls, async (m, url) => {
        expect(await handleRequestTarget(m, parseRequestTarget(url), provider)).toEqual(await handleMetricsRequest({ method: m, url }, provider));
      }),
      { numRuns: 300 },
    );
  });
});

describe('boundedMemo', () => {
  it('computes once per key, tells keys apart, and starts over when full', () => {
    const calls: string[] = [];
    const upper = boundedMemo(
      2,
      (a: string, b: string) => `${a}|${b}`,
      (a: string, b: string) => {
        calls.push(`${a}|${b}`);
        return `${a}${b}`.toUpperCase();
      },
    );
    expect(upper('a', 'b')).toBe('AB');
    expect(upper('a', 'b')).toBe('AB');
    expect(upper('ab', '')).toBe('AB');
    expect(calls).toEqual(['a|b', 'ab|']);
    expect(upper('c', 'd')).toBe('CD');
    expect(upper('a', 'b')).toBe('AB');
    expect(calls).toEqual(['a|b', 'ab|', 'c|d', 'a|b']);
  });

  it('remembers undefined answers too', () => {
    let calls = 0;
    const nothing = boundedMemo(
      4,
      (k: string) => k,
      (): undefined => {
        calls++;
        return undefined;
      },
    );
    nothing('x');
    nothing('x');
    expect(calls).toBe(1);
  });
});

describe('targetInfoMemo', () => {
  const raw = fc.oneof(
    fc.constantFrom('/healthz', '/metrics?x=1', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/%2A/m?labelSelector=a%3Db', '/apis/%zz', 'https://h:1/apis/x?y#z', ''),
    fc.string({ maxLength: 40 }),
    fc.webUrl({ withQueryParameters: true }),
  );

  it('answers as parseRequestTarget and routeFor do (property)', () => {
    fc.assert(
      fc.property(raw, (url) => {
        for (const info of [targetInfoMemo(url), targetInfoMemo(url)]) {
          const parsed = parseRequestTarget(url);
          expect(info.parsed.ok).toBe(parsed.ok);
          if (info.parsed.ok && parsed.ok) {
            expect(info.parsed.target.path).toBe(parsed.target.path);
            expect(info.parsed.target.segments).toEqual(parsed.target.segments);
            expect(info.parsed.target.query.toString()).toBe(parsed.target.query.toString());
            expect(info.routeKind).toBe(routeFor(parsed.target.segments).kind);
          } else if (!info.parsed.ok && !parsed.ok) {
            expect(info.parsed.error).toBe(parsed.error);
          }
          expect(info.rawPath).toBe(url.split('?')[0]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('shares frozen segments', () => {
    const info = targetInfoMemo('/apis/custom.metrics.k8s.io/v1beta2');
    expect(targetInfoMemo('/apis/custom.metrics.k8s.io/v1beta2')).toBe(info);
    expect(info.parsed.ok && Object.isFrozen(info.parsed.target.segments)).toBe(true);
  });
});

describe('accessAttributesMemo', () => {
  it('answers as accessAttributes for every method and path, frozen and shared (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE', 'PUT'), fc.string({ maxLength: 40 }), (method, text) => {
        const parsed = parseRequestTarget(`/apis/custom.metrics.k8s.io/v1beta2/${text}`);
        if (!parsed.ok) return;
        const { path, segments } = parsed.target;
        const remembered = accessAttributesMemo(method, path, segments);
        expect(remembered).toEqual(accessAttributes(method, path, segments));
        expect(accessAttributesMemo(method, path, segments)).toBe(remembered);
        expect(Object.isFrozen(remembered)).toBe(true);
        expect(Object.isFrozen(remembered.attributes)).toBe(true);
      }),
      { numRuns: 500 },
    );
    const get = accessAttributesMemo('GET', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/x/m', ['apis', 'custom.metrics.k8s.io', 'v1beta2', 'namespaces', 'ns', 'pods', 'x', 'm']);
    const del = accessAttributesMemo('DELETE', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/x/m', ['apis', 'custom.metrics.k8s.io', 'v1beta2', 'namespaces', 'ns', 'pods', 'x', 'm']);
    expect(get.kind === 'resource' && get.attributes.verb).toBe('get');
    expect(del.kind === 'resource' && del.attributes.verb).toBe('delete');
  });
});

