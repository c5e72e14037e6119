import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median } from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestReportInput } from '../../src/loadtest/report.ts';
import { runLoadTest, type LoadTestResult } from '../../src/loadtest/run.ts';
import { expandItlRuns } from '../../src/sim/engine/events.ts';
import { decodeStepSeconds, isolatedPrefillSeconds } from '../../src/sim/engine/profile.ts';
import { builtinProfile } from '../../src/sim/engine/profiles.ts';
import { renderReport } from '../../src/sim/report/render.ts';
import { DEFAULT_SLO } from '../../src/sim/score/slo.ts';
import { simulateStatic } from '../../src/sim/static.ts';
import type { SimRequest } from '../../src/sim/workload/request.ts';
import { integrationSkipped } from '../env/skip.ts';

const serverMain = fileURLToPath(new URL('../../src/sim/openai-server/main.ts', import.meta.url));
const outDir = fileURLToPath(new URL('../../test-output/', import.meta.url));

/**
 * Llama-2-70B TP8 on H100 (fitted from Splitwise): decode steps of ~30 ms and prefills of 60–340 ms for
 * 500–4000 tokens, long enough that a millisecond of loopback and timer overhead stays well inside 10 %.
 */
const profile = builtinProfile('llama2-70b-tp8-h100');

/** Low load: one request every 0.6 s, each done in under 0.7 s, prompts 500–3980 tokens. */
const requests: SimRequest[] = Array.from({ length: 30 }, (_, i) => ({
  id: `r${String(i)}`,
  arrival: i * 0.6,
  promptTokens: 500 + ((i * 7) % 30) * 120,
  outputTokens: 6 + (i % 5),
}));

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  // Its own process, so that the client's event loop does not delay the server's token timers.
  const child = spawn(process.execPath, [serverMain, profile.name], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new Error(`the simulated server did not start: ${out}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulated server exited with ${String(code)}: ${out}`));
    });
  });
}

/** Share of `ratios` within ±10 % of 1, and their median. */
function accuracy(ratios: readonly number[]): { within: number; median: number } {
  return { within: ratios.filter((r) => Math.abs(r - 1) <= 0.1).length / ratios.length, median: median([...ratios]) };
}

describe.skipIf(integrationSkipped)('load test against the simulated OpenAI server', () => {
  let server: { child: ChildProcess; url: string };
  let result: LoadTestResult;

  beforeAll(async () => {
    server = await startServer();
    result = await runLoadTest({ url: server.url, requests, rateScale: 1, concurrencyLimit: 8, timeoutSeconds: 20, model: profile.name, fitTemplate: profile });
  }, 120_000);

  afterAll(() => {
    server.child.kill('SIGTERM');
  });

  it('completes every request with the requested number of token chunks', () => {
    expect(result.records).toHaveLength(30);
    for (const r of result.records) {
      expect(r.error).toBeUndefined();
      expect(r.dropped).toBe(false);
      expect(r.outputTokens).toBe(r.requestedOutputTokens);
      expect(r.reportedOutputTokens).toBe(r.requestedOutputTokens);
      // The schedule was kept: nothing waited for a concurrency slot.
      expect(r.arrival - r.scheduled).toBeLessThan(0.05);
    }
  });

  it('measures TTFT and ITL within 10 % of what the engine model predicts', () => {
    // The model's prediction for the requests as they were actually sent (at low load: isolated prefills).
    const sent = result.records.map((r) => ({ id: r.id, arrival: r.arrival, promptTokens: r.promptTokens, outputTokens: r.requestedOutputTokens }));
    const predicted = simulateStatic({ requests: sent, profile, replicas: 1, router: 'round-robin' });
    const ttft: number[] = [];
    const itl: number[] = [];
    result.records.forEach((r, i) => {
      const p = predicted[i];
      if (p?.firstToken === undefined || r.firstToken === undefined) throw new Error(`no first token for ${r.id}`);
      ttft.push((r.firstToken - r.arrival) / (p.firstToken - p.arrival));
      const gaps = r.tokenTimes.slice(1).map((t, k) => t - (r.tokenTimes[k] ?? t));
      itl.push(median(gaps) / median([...expandItlRuns(p.itlRuns)]));
    });
    // Low load indeed: most predictions are the isolated prefill and a batch-1 decode step.
    const isolated = result.records.filter((r, i) => Math.abs((predicted[i]?.firstToken ?? 0) - (predicted[i]?.arrival ?? 0) - isolatedPrefillSeconds(profile, r.promptTokens)) < 1e-9);
    expect(isolated.length).toBeGreaterThanOrEqual(27);
    const t = accuracy(ttft);
    const d = accuracy(itl);
    // The median request is within 10 %; on a busy shared machine an odd request can be delayed by a
    // descheduled process, so the per-request bar is 80 % of requests rather than all of them.
    expect(Math.abs(t.median - 1)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(d.median - 1)).toBeLessThanOrEqual(0.1);
    expect(t.within).toBeGreaterThanOrEqual(0.8);
    expect(d.within).toBeGreaterThanOrEqual(0.8);
  });

  it('fits a profile whose coefficients are close to the model', () => {
    const fitted = result.fit.profile;
    expect(fitted, result.fit.notes.join('; ')).toBeDefined();
    if (fitted === undefined) return;
    // The base absorbs the client's fixed overhead (connection, parsing, timers): a few ms.
    expect(Math.abs(fitted.prefill.baseSeconds - profile.prefill.baseSeconds)).toBeLessThan(0.008);
    expect(Math.abs(fitted.prefill.perTokenSeconds / profile.prefill.perTokenSeconds - 1)).toBeLessThan(0.1);
    expect(Math.abs(fitted.prefill.quadraticSeconds / profile.prefill.quadraticSeconds - 1)).toBeLessThan(0.25);
    for (const n of [500, 2000, 4000]) {
      expect(Math.abs(isolatedPrefillSeconds(fitted, n) / isolatedPrefillSeconds(profile, n) - 1)).toBeLessThan(0.1);
    }
    // At batch 1 only a_d + b_d (+ c_d·K) is observable: compare the step time, not a_d and b_d apart.
    for (const kv of [1000, 4000]) {
      expect(Math.abs(decodeStepSeconds(fitted, 1, kv) / decodeStepSeconds(profile, 1, kv) - 1)).toBeLessThan(0.1);
    }
    expect(fitted.maxNumSeqs).toBe(profile.maxNumSeqs);
    expect(fitted.gpusPerReplica).toBe(profile.gpusPerReplica);
  });

  it('exposes vLLM metrics and health, and renders the load test report', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const count = /^vllm:time_to_first_token_seconds_count\{[^}]*\} (\d+)/m.exec(metrics);
    // 30 requests and the load test's warm-up request.
    expect(Number(count?.[1])).toBe(31);
    const html = renderReport(loadTestReportInput(result, { traceName: 'synthetic low load', url: server.url, model: profile.name, rateScale: 1, seed: 1, slo: DEFAULT_SLO }));
    mkdirSync(outDir, { recursive: true });
    writeFileSync(`${outDir}loadtest-report.html`, html);
    expect(html).toContain('id="chart-ttft-endpoint"');
    expect((/data-series="p90" d="([^"]*)"/.exec(html)?.[1] ?? '').length).toBeGreaterThan(10);
  });
});
