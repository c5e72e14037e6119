import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../../src/sim/report/render.ts';
import { gpusInUse } from '../../../../src/sim/report/charts.ts';
import type { ReportInput } from '../../../../src/sim/report/types.ts';
import { simulatedReport } from './fixtures.ts';

function minimal(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    header: { traceName: 'trace', slo: { ttftSeconds: 0.5, itlSeconds: 0.05, quantile: 0.9 }, durationSeconds: 600 },
    load: { windowSeconds: 60, requestsPerSecond: [], promptTokensPerSecond: [] },
    runs: [],
    summary: [],
    ...overrides,
  };
}

/** The markup of the figure with this id. */
function figure(html: string, id: string): string {
  const start = html.indexOf(`<figure class="chart" id="${id}">`);
  expect(start, `figure ${id}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</figure>', start));
}

function pathDs(markup: string): string[] {
  return [...markup.matchAll(/<path [^>]*\bd="([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe('renderReport structure', () => {
  const input = simulatedReport(300);
  const html = renderReport(input);

  it('is one self-contained page: no script, no external reference', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain('<style>');
    expect(html).toContain('prefers-color-scheme: dark');
  });

  it('has a header with trace, seed, SLO and duration', () => {
    expect(html).toContain('Azure LLM 2023 code, first 300 s');
    expect(html).toMatch(/<dt>Seed<\/dt><dd>1<\/dd>/);
    expect(html).toContain('TTFT p90 ≤ 500 ms, ITL p90 ≤ 50 ms');
    expect(html).toMatch(/<dt>Duration<\/dt><dd>5 min<\/dd>/);
  });

  it('draws the load, replica, TTFT, ITL and GPU-hours charts with data', () => {
    for (const id of ['chart-load-requests', 'chart-load-tokens']) {
      const ds = pathDs(figure(html, id));
      expect(ds).toHaveLength(1);
      // 30 windows of 10 s as steps: at least one command per window.
      expect((ds[0]?.match(/[MHV]/g) ?? []).length).toBeGreaterThanOrEqual(30);
    }
    for (const run of ['static-1', 'static-2', 'hindsight-per-minute']) {
      expect(pathDs(figure(html, `chart-replicas-${run}`)).length).toBeGreaterThanOrEqual(1);
      for (const metric of ['ttft', 'itl']) {
        const f = figure(html, `chart-${metric}-${run}`);
        // p50, p90, p99 lines, one point per minute with requests.
        expect(pathDs(f)).toHaveLength(3);
        expect(f).toContain('class="threshold"');
        expect(f).toMatch(/SLO: (TTFT|ITL) p90 ≤ (500|50) ms/);
      }
    }
    const bars = figure(html, 'chart-gpu-hours');
    expect((bars.match(/<rect class="bar /g) ?? []).length).toBe(4);
    expect(bars).toContain('oracle (lower-bound)');
  });

  it('has axis ticks with units and legends', () => {
    const ttft = figure(html, 'chart-ttft-static-1');
    expect(ttft).toMatch(/>\d+(\.\d+)? min</);
    expect(ttft).toMatch(/>\d+(\.\d+)? (ms|s)</);
    expect(ttft).toContain('<ul class="legend">');
    expect(ttft).toContain('p99</li>');
    expect(figure(html, 'chart-load-tokens')).toMatch(/>\d+(\.\d+)?k? tok\/s</);
    expect(figure(html, 'chart-replicas-static-1')).toContain('GPU budget: 4 GPUs');
  });

  it('has one summary row per policy with every column', () => {
    const table = html.slice(html.indexOf('<table class="summary">'), html.indexOf('</table>'));
    expect((table.match(/<tr>/g) ?? []).length).toBe(1 + input.summary.length);
    for (const col of ['Window attainment', 'Request attainment', 'Goodput', 'GPU-hours', 'Ratio to oracle', 'Scaling actions', 'Flaps', 'Outside ratio band']) {
      expect(table).toContain(col);
    }
    // The hindsight fleet is the oracle here: its ratio is exactly 1.
    expect(table).toMatch(/hindsight per minute<\/th>(<td[^>]*>[^<]*<\/td>){4}<td class="num">1×<\/td>/);
  });

  it('is deterministic', () => {
    expect(renderReport(simulatedReport(300))).toBe(html);
  });
});

describe('renderReport edge cases', () => {
  it('says so when a chart has no data', () => {
    const html = renderReport(
      minimal({
        runs: [{ policy: 'idle', roles: [], latencyWindowSeconds: 60, latency: [] }],
        summary: [{ policy: 'idle', windowAttainment: Number.NaN, requestAttainment: Number.NaN, goodput: 0, gpuHours: Number.NaN, scalingActions: 0, flaps: 0 }],
      }),
    );
    for (const id of ['chart-load-requests', 'chart-load-tokens', 'chart-replicas-idle', 'chart-ttft-idle', 'chart-itl-idle', 'chart-gpu-hours']) {
      const f = figure(html, id);
      expect(f).toContain('class="no-data"');
      expect(f).toContain('No data');
      expect(pathDs(f)).toHaveLength(0);
    }
    expect(html).toContain('<td class="num">—</td>');
  });

  it('notes the absence of runs and rows', () => {
    const html = renderReport(minimal());
    expect(html).toContain('No policies were scored.');
    expect(html).toContain('No policy runs to chart.');
    expect(html).toMatch(/<dt>Seed<\/dt><dd>none<\/dd>/);
  });

  it('escapes every piece of text it is given', () => {
    const evil = '<script>alert("x")</script>&';
    const html = renderReport(
      minimal({
        header: { title: evil, traceName: evil, traceChecksum: evil, slo: { ttftSeconds: 0.5, itlSeconds: 0.05, quantile: 0.9 }, durationSeconds: 60, notes: [evil], generatedAt: evil },
        runs: [{ policy: evil, roles: [{ role: evil, gpusPerReplica: 1, replicas: [{ time: 0, value: 1 }] }], latencyWindowSeconds: 60, latency: [] }],
        summary: [{ policy: evil, windowAttainment: 1, requestAttainment: 1, goodput: 1, gpuHours: 1, scalingActions: 0, flaps: 0 }],
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('"x")');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
    // Ids are derived from names but reduced to safe characters.
    expect(html).toContain('id="chart-replicas-script-alert-x-script"');
  });

  it('breaks a latency line at an infinite percentile instead of drawing it', () => {
    const windows = [0, 60, 120].map((start, i) => ({
      start,
      requests: 10,
      ttft: { p50: 0.1, p90: 0.2, p99: i === 1 ? Infinity : 0.3 },
      itl: { p50: 0.01, p90: 0.02, p99: 0.03 },
    }));
    const html = renderReport(minimal({ runs: [{ policy: 'p', roles: [], latencyWindowSeconds: 60, latency: windows }] }));
    const p99 = /data-series="p99" d="([^"]*)"/.exec(figure(html, 'chart-ttft-p'))?.[1] ?? '';
    expect(p99.match(/M/g)).toHaveLength(2);
    expect(p99).not.toContain('L');
    expect(p99).not.toMatch(/NaN|Infinity/);
  });

  it('adds up GPUs in use over roles as steps', () => {
    expect(
      gpusInUse([
        { role: 'prefill', gpusPerReplica: 2, replicas: [{ time: 0, value: 1 }, { time: 30, value: 3 }] },
        { role: 'decode', gpusPerReplica: 1, replicas: [{ time: 10, value: 4 }] },
      ]),
    ).toEqual([
      { time: 0, value: 2 },
      { time: 10, value: 6 },
      { time: 30, value: 10 },
    ]);
  });
});
