import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortFree, waitFor } from '../env/net.ts';
import { isAlive } from '../env/proc.ts';
import { promQuery, startPrometheus, type Prometheus } from '../env/prometheus.ts';
import { integrationSkipped } from '../env/skip.ts';

/** A tiny exporter: one gauge whose value the test controls. */
function serveMetrics(value: () => number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# HELP canopy_test_queue_depth Requests waiting, set by the test.',
        '# TYPE canopy_test_queue_depth gauge',
        `canopy_test_queue_depth{engine="fake"} ${value()}`,
        '',
      ].join('\n'),
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

describe.skipIf(integrationSkipped)('Prometheus started on demand', () => {
  let exporter: Server;
  let prometheus: Prometheus;
  let current = 7;

  beforeAll(async () => {
    exporter = await serveMetrics(() => current);
    const port = (exporter.address() as AddressInfo).port;
    prometheus = await startPrometheus({
      scrapeConfigs: [{ job_name: 'fake-engine', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
      scrapeIntervalSeconds: 1,
    });
  });

  afterAll(async () => {
    await prometheus.stop();
    await new Promise((resolve) => exporter.close(resolve));
  });

  it('is ready and listening on loopback', async () => {
    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(isAlive(prometheus.process.pid)).toBe(true);
    expect(await isPortFree(prometheus.port)).toBe(false);
  });

  it('scrapes the test target and answers PromQL about it', async () => {
    const samples = await waitFor(
      'the scraped gauge',
      async () => {
        const result = await promQuery(prometheus.url, 'canopy_test_queue_depth{job="fake-engine"}');
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(samples).toHaveLength(1);
    expect(samples[0]?.value).toBe(7);
    expect(samples[0]?.metric).toMatchObject({ engine: 'fake', job: 'fake-engine', __name__: 'canopy_test_queue_depth' });
  });

  it('follows a changed value on the next scrapes', async () => {
    current = 19;
    const value = await waitFor(
      'the new value',
      async () => {
        const [sample] = await promQuery(prometheus.url, 'canopy_test_queue_depth{job="fake-engine"}');
        return sample?.value === 19 ? sample.value : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(value).toBe(19);
    const up = await promQuery(prometheus.url, 'up{job="fake-engine"}');
    expect(up.map((s) => s.value)).toEqual([1]);
  });

  it('rejects a malformed PromQL query with its error', async () => {
    await expect(promQuery(prometheus.url, 'sum(')).rejects.toThrow(/PromQL sum\(/);
  });

  it('leaves no process, port or directory behind when stopped', async () => {
    const other = await startPrometheus({ scrapeConfigs: [] });
    const { pid } = other.process;
    expect(isAlive(pid)).toBe(true);
    await other.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await isPortFree(other.port)).toBe(true);
    expect(existsSync(other.dir)).toBe(false);
  });
});
