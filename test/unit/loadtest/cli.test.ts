import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatLoadTestSummary, parseLoadTestOptions, readTrace } from '../../../src/cli/commands/loadtest.ts';
import { summarizeLoadTest } from '../../../src/loadtest/summary.ts';
import type { LoadTestRecord } from '../../../src/loadtest/record.ts';
import { DEFAULT_SLO } from '../../../src/sim/score/slo.ts';

const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

function record(id: string, arrival: number, tokenTimes: number[], extra: Partial<LoadTestRecord> = {}): LoadTestRecord {
  return {
    id,
    scheduled: arrival,
    arrival,
    promptTokens: 10,
    requestedOutputTokens: tokenTimes.length,
    outputTokens: tokenTimes.length,
    reportedOutputTokens: tokenTimes.length,
    firstToken: tokenTimes[0],
    finish: tokenTimes.at(-1),
    tokenTimes,
    dropped: tokenTimes.length === 0,
    timedOut: false,
    httpStatus: 200,
    error: undefined,
    ...extra,
  };
}

describe('parseLoadTestOptions', () => {
  it('fills defaults and infers the trace format from the extension', () => {
    const { options, errors } = parseLoadTestOptions({ url: 'http://127.0.0.1:8000', trace: 'x/trace.jsonl' });
    expect(errors).toEqual([]);
    expect(options).toMatchObject({ format: 'mooncake', rateScale: 1, concurrency: 256, api: 'completions', seed: 1, maxRequests: undefined });
    expect(parseLoadTestOptions({ url: 'http://h', trace: 'a.csv', rateScale: '0.5', maxRequests: '30', duration: '60' }).options).toMatchObject({
      format: 'azure',
      rateScale: 0.5,
      maxRequests: 30,
      durationSeconds: 60,
    });
  });
  it('reports every usage error', () => {
    const { options, errors } = parseLoadTestOptions({ url: 'nope', trace: 't.csv', rateScale: '-1', maxRequests: '2.5', api: 'grpc', format: 'x', template: 'gpt-9' });
    expect(options).toBeUndefined();
    expect(errors.join('\n')).toMatch(/--url/);
    expect(errors.join('\n')).toMatch(/--rate-scale/);
    expect(errors.join('\n')).toMatch(/--max-requests/);
    expect(errors.join('\n')).toMatch(/--api/);
    expect(errors.join('\n')).toMatch(/--format/);
    expect(errors.join('\n')).toMatch(/--template/);
  });
});

describe('readTrace', () => {
  it('reads both trace formats', () => {
    const azure = readTrace('a.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109', 'azure');
    expect(azure.map((r) => [r.promptTokens, r.outputTokens])).toEqual([
      [374, 44],
      [396, 109],
    ]);
    expect(azure[1]?.arrival).toBeCloseTo(4.314579, 6);
    const mooncake = readTrace('m.jsonl', '{"timestamp":0,"input_length":5,"output_length":2}\n{"timestamp":1500,"input_length":7,"output_length":3}', 'mooncake');
    expect(mooncake.map((r) => r.arrival)).toEqual([0, 1.5]);
  });
});

describe('summary', () => {
  it('scores client records like the simulator and prints them', () => {
    const records = [record('a', 0, [0.1, 0.12, 0.14]), record('b', 1, [1.9, 1.95]), record('c', 2, [], { error: 'HTTP 500: boom', httpStatus: 500 })];
    const summary = summarizeLoadTest(records, DEFAULT_SLO);
    expect(summary).toMatchObject({ requests: 3, completed: 2, errors: 1, timeouts: 0, sampleErrors: ['HTTP 500: boom'] });
    expect(summary.requestAttainment).toBeCloseTo(1 / 3, 12);
    expect(summary.ttft.p50).toBeCloseTo(0.1, 12);
    expect(summary.ttft.p90).toBeCloseTo(0.9, 12);
    expect(summary.itl.count).toBe(3);
    // From the first send to the last thing seen: the failed request was sent at 2 s.
    expect(summary.wallSeconds).toBeCloseTo(2, 12);
    const text = formatLoadTestSummary(
      { plan: [], records, summary, fit: { profile: undefined, fit: undefined, prefillObservations: 0, decodeObservations: 0, notes: ['prefill: too few'] } },
      DEFAULT_SLO,
    );
    expect(text).toMatch(/3 sent, 2 completed, 1 errors, 0 timeouts/);
    expect(text).toMatch(/TTFT\s+p50 100 ms, p90 900 ms/);
    expect(text).toMatch(/profile: not fitted \(prefill: too few\)/);
    expect(text).toMatch(/error: HTTP 500: boom/);
  });
});

describe('canopy loadtest command line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [main, 'loadtest', ...args], { encoding: 'utf8', timeout: 30_000 });

  it('exits 2 on usage errors', () => {
    const missing = run('--url', 'http://127.0.0.1:9');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--trace/);
    const bad = run('--url', 'http://127.0.0.1:9', '--trace', 'x.csv', '--rate-scale', 'fast');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--rate-scale must be a positive number/);
  });
  it('exits 1 on a trace it cannot read', () => {
    const r = run('--url', 'http://127.0.0.1:9', '--trace', '/nonexistent/trace.csv', '--model', 'm');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nonexistent/);
  });
});
