// Metrics adapter throughput and latency, against a bare node:https server answering the same bytes.
// Both servers use the same serving certificate and TLS options and are driven by the same client
// (keep-alive, front-proxy client certificate) in this process, so the ratio isolates what the adapter
// adds per request: routing, request-header authentication with chain verification, the cached
// SubjectAccessReview, the provider read and the JSON document. The static provider versions its
// snapshot, so repeated questions are answered from rendered bytes; a second adapter over the same
// table without `snapshotVersion` measures the path every request takes when answers cannot be reused.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSecureContext } from 'node:tls';
import { FakeKubeAuthClient } from '../src/adapter/auth/fake-kube-auth-client.ts';
import { devAuthenticationConfigMap, mintDevCertificates, type DevCertificates } from '../src/adapter/dev-certs.ts';
import { close, listen } from '../src/adapter/server.ts';
import { startAdapter } from '../src/adapter/start.ts';
import type { MetricsProvider } from '../src/adapter/provider.ts';
import { StaticMetricsProvider, type StaticObject, type StaticSeries } from '../src/adapter/static-provider.ts';
import type { BenchResult } from './types.ts';

const pods = 16;
const concurrency = 8;
const closedLoopRequests = 3000;
const warmupRequests = 500;
const rounds = 3;
const openLoopRate = 1000;
const openLoopSeconds = 3;
const path = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/serving/pods/%2A/ttft_p90_seconds?labelSelector=grove.io%2Fpodclique%3Dllm-0-decode';
const headers = { 'X-Remote-User': 'system:serviceaccount:kube-system:horizontal-pod-autoscaler', 'X-Remote-Group': 'system:serviceaccounts' };

function provider(): StaticMetricsProvider {
  const now = new Date();
  const objects: StaticObject[] = [];
  const series: StaticSeries[] = [];
  for (let i = 0; i < pods; i++) {
    const name = `llm-0-decode-${i}`;
    objects.push({ resource: 'pods', namespace: 'serving', name, labels: { 'grove.io/podclique': 'llm-0-decode' } });
    series.push({ resource: 'pods', namespace: 'serving', name, metric: 'ttft_p90_seconds', value: 0.1 + i / 100, timestamp: now, windowSeconds: 60 });
  }
  return new StaticMetricsProvider({ metrics: [{ kind: 'custom', name: 'ttft_p90_seconds', resources: ['pods'] }], objects, series });
}

/** The same reads, without `snapshotVersion`: nothing may be reused. */
function unversioned(p: MetricsProvider): MetricsProvider {
  return {
    listMetrics: () => p.listMetrics(),
    getObjectMetric: (q) => p.getObjectMetric(q),
    getMetricsBySelector: (q) => p.getMetricsBySelector(q),
    getExternalMetric: (q) => p.getExternalMetric(q),
  };
}

function once(port: number, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

interface LoadResult {
  readonly rps: number;
  /** Client and server CPU per request (both run in this process): robust when the machine is shared. */
  readonly cpuUsPerRequest: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

async function closedLoop(port: number, agent: Agent, total: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      const t = performance.now();
      const r = await once(port, agent);
      if (r.status !== 200) throw new Error(`unexpected status ${r.status}: ${r.body.slice(0, 200)}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return { rps: total / seconds, cpuUsPerRequest: (used.user + used.system) / total, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

/** Requests sent on a fixed schedule; latency counts from the scheduled time, so queueing is included. */
async function openLoop(port: number, agent: Agent): Promise<LoadResult> {
  const total = openLoopRate * openLoopSeconds;
  const interval = 1000 / openLoopRate;
  const latencies: number[] = [];
  const inflight: Promise<void>[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    for (; sent < due; sent++) {
      const scheduled = start + sent * interval;
      inflight.push(
        once(port, agent).then((r) => {
          if (r.status !== 200) throw new Error(`unexpected status ${r.status}`);
          latencies.push(performance.now() - scheduled);
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inflight);
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return { rps: total / ((performance.now() - start) / 1000), cpuUsPerRequest: (used.user + used.system) / total, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

function bareServer(certs: DevCertificates, payload: string): Server {
  return createServer(
    {
      key: certs.serving.key,
      cert: certs.serving.cert,
      ca: [certs.frontProxyCA.cert, certs.clientCA.cert],
      requestCert: true,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    },
    (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
      res.end(payload);
    },
  );
}

function best(results: readonly LoadResult[]): LoadResult {
  return results.reduce((a, b) => (b.rps > a.rps ? b : a));
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'canopy-adapter-bench-'));
  try {
    const certs = mintDevCertificates(dir);
    const client = new FakeKubeAuthClient({ configMap: devAuthenticationConfigMap(certs), policy: () => true });
    const table = provider();
    const adapter = await startAdapter({ provider: table, kubeAuthClient: client, tls: certs.serving, port: 0 });
    // Its own auth client, so `subject_access_reviews` still counts the reviews of the measured adapter only.
    const uncachedClient = new FakeKubeAuthClient({ configMap: devAuthenticationConfigMap(certs), policy: () => true });
    const uncachedAdapter = await startAdapter({ provider: unversioned(table), kubeAuthClient: uncachedClient, tls: certs.serving, port: 0 });
    // One TLS context for every connection (building one per connection costs milliseconds with OpenSSL 3),
    // and exactly `concurrency` keep-alive connections, all opened during warm-up.
    const secureContext = createSecureContext({ ca: certs.servingCA.cert, key: certs.frontProxyClient.key, cert: certs.frontProxyClient.cert });
    const agentOptions = { keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency, secureContext, noDelay: true };
    const adapterAgent = new Agent(agentOptions);
    const bareAgent = new Agent(agentOptions);
    const uncachedAgent = new Agent(agentOptions);
    const first = await once(adapter.address.port, adapterAgent);
    if (first.status !== 200) throw new Error(`adapter answered ${first.status}: ${first.body}`);
    const firstUncached = await once(uncachedAdapter.address.port, uncachedAgent);
    if (firstUncached.body !== first.body) throw new Error('the two adapters answered differently');
    const bare = bareServer(certs, first.body);
    const bareAddress = await listen(bare, 0, '127.0.0.1');
    try {
      await closedLoop(adapter.address.port, adapterAgent, warmupRequests);
      await closedLoop(bareAddress.port, bareAgent, warmupRequests);
      await closedLoop(uncachedAdapter.address.port, uncachedAgent, warmupRequests);
      const ours: LoadResult[] = [];
      const theirs: LoadResult[] = [];
      const uncached: LoadResult[] = [];
      for (let i = 0; i < rounds; i++) {
        theirs.push(await closedLoop(bareAddress.port, bareAgent, closedLoopRequests));
        ours.push(await closedLoop(adapter.address.port, adapterAgent, closedLoopRequests));
        uncached.push(await closedLoop(uncachedAdapter.address.port, uncachedAgent, closedLoopRequests));
      }
      const a = best(ours);
      const b = best(theirs);
      const u = best(uncached);
      const open = await openLoop(adapter.address.port, adapterAgent);
      const openBare = await openLoop(bareAddress.port, bareAgent);
      return {
        name: 'adapter pods metric (16 pods, front-proxy cert, SAR cached)',
        figure: `${Math.round(a.rps)} req/s at ${concurrency} concurrent (p50 ${a.p50Ms.toFixed(2)} ms, p99 ${a.p99Ms.toFixed(2)} ms); p99 ${open.p99Ms.toFixed(2)} ms at ${openLoopRate} req/s open loop`,
        ratio: a.rps / b.rps,
        baseline: `bare node:https answering the same ${first.body.length}-byte payload: ${Math.round(b.rps)} req/s (p50 ${b.p50Ms.toFixed(2)} ms, p99 ${b.p99Ms.toFixed(2)} ms); p99 ${openBare.p99Ms.toFixed(2)} ms open loop`,
        details: {
          adapter_rps: a.rps,
          adapter_p50_ms: a.p50Ms,
          adapter_p99_ms: a.p99Ms,
          adapter_cpu_us_per_request: a.cpuUsPerRequest,
          bare_rps: b.rps,
          bare_p50_ms: b.p50Ms,
          bare_p99_ms: b.p99Ms,
          bare_cpu_us_per_request: b.cpuUsPerRequest,
          // CPU per request is steadier than throughput on a shared machine: bare CPU / adapter CPU.
          cpu_ratio: b.cpuUsPerRequest / a.cpuUsPerRequest,
          uncached_adapter_rps: u.rps,
          uncached_adapter_p99_ms: u.p99Ms,
          uncached_adapter_cpu_us_per_request: u.cpuUsPerRequest,
          uncached_ratio: u.rps / b.rps,
          uncached_cpu_ratio: b.cpuUsPerRequest / u.cpuUsPerRequest,
          open_loop_rate_rps: openLoopRate,
          adapter_open_loop_p50_ms: open.p50Ms,
          adapter_open_loop_p99_ms: open.p99Ms,
          bare_open_loop_p99_ms: openBare.p99Ms,
          subject_access_reviews: client.accessReviews.length,
          requests_per_server: warmupRequests + rounds * closedLoopRequests + openLoopRate * openLoopSeconds,
        },
      };
    } finally {
      adapterAgent.destroy();
      bareAgent.destroy();
      uncachedAgent.destroy();
      await close(bare);
      await adapter.stop();
      await uncachedAdapter.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
