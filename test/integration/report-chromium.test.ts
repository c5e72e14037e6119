import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { renderReport } from '../../src/sim/report/render.ts';
import { integrationSkipped } from '../env/skip.ts';
import { CHROMIUM_PATH, chromiumInstalled, launchChromium, type Chromium } from '../support/chromium.ts';
import { simulatedReport } from '../unit/sim/report/fixtures.ts';

const outDir = fileURLToPath(new URL('../../test-output/', import.meta.url));

/** Commands of a path's `d`: each one adds a vertex. */
function vertices(d: string): number {
  return (d.match(/[MLHV]/g) ?? []).length;
}

describe.skipIf(integrationSkipped)('the simulation report in a real Chromium', () => {
  let chromium: Chromium;
  let page: Page;
  const problems: string[] = [];
  const input = simulatedReport(600);

  beforeAll(async () => {
    // The global setup ran test/env/install.sh, which installs Debian's chromium when it is missing.
    expect(chromiumInstalled(), `${CHROMIUM_PATH} is missing: run test/env/install.sh as root or apt-get install chromium`).toBe(true);
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    await page.setViewportSize({ width: 1200, height: 900 });
    mkdirSync(outDir, { recursive: true });
    const file = `${outDir}report.html`;
    writeFileSync(file, renderReport(input));
    await page.goto(`file://${file}`, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await chromium.close();
  });

  it('lays out every chart with visible data', async () => {
    const figures = page.locator('figure.chart');
    // 2 load charts, 3 per policy run, 1 GPU-hours chart.
    expect(await figures.count()).toBe(2 + 3 * input.runs.length + 1);
    expect(await page.locator('svg.plot.empty').count()).toBe(0);

    for (const id of ['chart-load-requests', 'chart-load-tokens']) {
      const path = page.locator(`#${id} path.series`);
      expect(await path.count()).toBe(1);
      // 600 s in 10 s windows: one step per window.
      expect(vertices((await path.getAttribute('d')) ?? '')).toBeGreaterThanOrEqual(60);
      const box = await path.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(20);
    }
    for (const run of ['static-1', 'static-2', 'hindsight-per-minute']) {
      for (const metric of ['ttft', 'itl']) {
        const paths = page.locator(`#chart-${metric}-${run} path.series`);
        expect(await paths.count()).toBe(3);
        for (let i = 0; i < 3; i++) {
          // One vertex per 1-min window with requests.
          expect(vertices((await paths.nth(i).getAttribute('d')) ?? '')).toBeGreaterThanOrEqual(8);
          expect((await paths.nth(i).boundingBox())?.width).toBeGreaterThan(300);
        }
        expect((await page.locator(`#chart-${metric}-${run} line.threshold`).boundingBox())?.width).toBeGreaterThan(300);
      }
      const replicas = page.locator(`#chart-replicas-${run} path.series`);
      expect(await replicas.count()).toBeGreaterThanOrEqual(1);
      expect((await replicas.first().boundingBox())?.width).toBeGreaterThan(300);
    }
    // The hindsight fleet changes size: its step line has height as well as width.
    const changing = page.locator('#chart-replicas-hindsight-per-minute path.series').first();
    expect(vertices((await changing.getAttribute('d')) ?? '')).toBeGreaterThanOrEqual(10);
    expect((await changing.boundingBox())?.height).toBeGreaterThan(20);

    const bars = page.locator('#chart-gpu-hours rect.bar');
    expect(await bars.count()).toBe(input.summary.length + 1);
    for (let i = 0; i < (await bars.count()); i++) expect((await bars.nth(i).boundingBox())?.width).toBeGreaterThan(1);
  });

  it('shows the summary table and header', async () => {
    expect(await page.locator('table.summary tbody tr').count()).toBe(input.summary.length);
    expect(await page.locator('table.summary thead th').count()).toBe(9);
    expect(await page.locator('h1').textContent()).toBe('Canopy simulation report');
    expect(await page.locator('dl.meta').textContent()).toContain('TTFT p90 ≤ 500 ms');
  });

  it('reads in dark mode with a dark background', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(20, 22, 26)');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(255, 255, 255)');
  });

  it('saves a full-page screenshot and logs no errors', async () => {
    const png = `${outDir}report.png`;
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(50_000);
    expect(problems).toEqual([]);
  });
});
