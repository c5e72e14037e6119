import { describe, expect, it } from 'vitest';
import { decodeQueryResponse, formatPromTime, instantQuery, type PostForm } from '../../../../src/signals/sources/prometheus-api.ts';

describe('decodeQueryResponse', () => {
  it('decodes a vector, turning NaN and ±Inf strings into numbers', () => {
    const body = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { __name__: 'x', pod: 'a' }, value: [1700000000.5, '0.25'] },
          { metric: { pod: 'b' }, value: [1700000000.5, 'NaN'] },
          { metric: { pod: 'c' }, value: [1700000000.5, '+Inf'] },
          { metric: { pod: 'd' }, value: [1700000000.5, '-Inf'] },
        ],
      },
    });
    const d = decodeQueryResponse(200, body);
    expect(d.ok).toBe(true);
    if (!d.ok || d.result.resultType !== 'vector') throw new Error('expected a vector');
    expect(d.result.series.map((s) => s.points[0]?.[1])).toEqual([0.25, NaN, Infinity, -Infinity]);
    expect(d.result.series[0]?.metric).toEqual({ __name__: 'x', pod: 'a' });
    expect(d.result.series[0]?.points[0]?.[0]).toBe(1700000000.5);
  });

  it('decodes a matrix with its points in order, and passes warnings on', () => {
    const body = JSON.stringify({
      status: 'success',
      warnings: ['something odd'],
      data: { resultType: 'matrix', result: [{ metric: { le: '+Inf' }, values: [[10, '1'], [11, '3']] }] },
    });
    const d = decodeQueryResponse(200, body);
    if (!d.ok || d.result.resultType !== 'matrix') throw new Error('expected a matrix');
    expect(d.result.series[0]?.points).toEqual([[10, 1], [11, 3]]);
    expect(d.warnings).toEqual(['something odd']);
  });

  it("reports Prometheus' own error type and message", () => {
    const body = JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected end of input' });
    expect(decodeQueryResponse(400, body)).toEqual({ ok: false, error: 'HTTP 400: bad_data: 1:5: parse error: unexpected end of input' });
  });

  it('reports a body that is not the API (a proxy page, a 502) with its status', () => {
    const d = decodeQueryResponse(502, '<html>Bad Gateway</html>');
    expect(d).toEqual({ ok: false, error: 'HTTP 502: not a Prometheus API response: <html>Bad Gateway</html>' });
  });

  it('rejects malformed results instead of guessing', () => {
    const bad = (result: unknown, resultType = 'vector'): string => JSON.stringify({ status: 'success', data: { resultType, result } });
    expect(decodeQueryResponse(200, bad([{ metric: {}, value: [1, 'abc'] }]))).toMatchObject({ ok: false, error: expect.stringContaining('not a float') as unknown });
    expect(decodeQueryResponse(200, bad([{ metric: {}, value: [1, 2] }]))).toMatchObject({ ok: false, error: expect.stringContaining('not a string') as unknown });
    expect(decodeQueryResponse(200, bad([{ metric: { a: 1 }, value: [1, '2'] }]))).toMatchObject({ ok: false });
    expect(decodeQueryResponse(200, bad({}, 'matrix'))).toMatchObject({ ok: false });
    expect(decodeQueryResponse(200, bad([], 'histogramish'))).toMatchObject({ ok: false, error: expect.stringContaining('unknown resultType') as unknown });
  });

  it('decodes scalars', () => {
    const d = decodeQueryResponse(200, JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [5, '2'] } }));
    expect(d).toEqual({ ok: true, result: { resultType: 'scalar', series: [], value: [5, '2'] }, warnings: [] });
  });
});

describe('instantQuery', () => {
  it('POSTs the query and the evaluation time as a form to /api/v1/query', async () => {
    const calls: { url: string; form: Readonly<Record<string, string>> }[] = [];
    const post: PostForm = (url, form) => {
      calls.push({ url, form });
      return Promise.resolve({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }) });
    };
    const d = await instantQuery('http://prom:9090/', 'up{job="x"}', 1700000000.1234, { post, timeoutMs: 4000 });
    expect(d).toEqual({ ok: true, result: { resultType: 'vector', series: [] }, warnings: [] });
    expect(calls).toEqual([{ url: 'http://prom:9090/api/v1/query', form: { query: 'up{job="x"}', time: '1700000000.123', timeout: '4s' } }]);
  });

  it('turns a transport failure into an error result', async () => {
    const post: PostForm = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9'));
    expect(await instantQuery('http://127.0.0.1:9', 'up', 1, { post })).toEqual({ ok: false, error: 'POST http://127.0.0.1:9/api/v1/query: connect ECONNREFUSED 127.0.0.1:9' });
  });

  it('formats times with millisecond precision', () => {
    expect(formatPromTime(12.3456)).toBe('12.346');
    expect(formatPromTime(1700000000)).toBe('1700000000.000');
  });
});
