// `canopy demo`, the imperative shell: the simulation runs in a worker thread paced to --speed × real time;
// this thread serves its live SignalSnapshot through the metrics adapter (src/adapter) on
// https://127.0.0.1:<port> with development certificates and a bearer token, prints the curl command,
// a live progress line, then the summary and where the report is.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FakeKubeAuthClient } from '../../adapter/auth/fake-kube-auth-client.ts';
import { devAuthenticationConfigMap, mintDevCertificates } from '../../adapter/dev-certs.ts';
import { close } from '../../adapter/server.ts';
import { startAdapter, type RunningAdapter } from '../../adapter/start.ts';
import { podCliqueScalingGroupName } from '../../api/naming.ts';
import { SignalsMetricsProvider, signalView } from '../../signals/provider.ts';
import { signalKey } from '../../signals/index.ts';
import { dataDirectory } from '../loop/traces.ts';
import type { DemoMessage, DemoWorkerInput } from './messages.ts';

export interface DemoOptions {
  readonly speed: number;
  readonly durationSeconds?: number | undefined;
  readonly serve: boolean;
  readonly outDir: string;
  readonly port?: number | undefined;
  readonly scale: number;
  readonly seed: number;
  readonly startupSeconds: number;
}

export interface DemoStreams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { readonly isTTY?: boolean | undefined; write(text: string): unknown };
}

const NAMESPACE = 'inference';
const PCS = 'llama-disagg';

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${String(m).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
}

function fmt(v: number | undefined, unit: string, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}${unit}`;
}

export async function runDemo(o: DemoOptions, io: DemoStreams): Promise<number> {
  const root = dirname(dataDirectory());
  const outDir = resolve(o.outDir);
  mkdirSync(outDir, { recursive: true });
  // Simulated seconds are served as wall-clock timestamps from the demo's start.
  const started = Date.now();
  const provider = new SignalsMetricsProvider({ toDate: (at) => new Date(started + at * 1000) });
  let adapter: RunningAdapter | undefined;
  if (o.serve) {
    const certDir = mkdtempSync(join(tmpdir(), 'canopy-demo-'));
    const certs = mintDevCertificates(certDir);
    const caFile = join(outDir, 'serving-ca.crt');
    writeFileSync(caFile, certs.servingCA.cert);
    const token = randomBytes(18).toString('base64url');
    const kubeAuthClient = new FakeKubeAuthClient({
      configMap: devAuthenticationConfigMap(certs),
      tokens: { [token]: { username: 'canopy-demo', groups: [], extra: {} } },
      policy: () => true,
    });
    adapter = await startAdapter({ provider, kubeAuthClient, tls: certs.serving, host: '127.0.0.1', port: o.port ?? 0 });
    const pcsg = podCliqueScalingGroupName(PCS, 0, 'pd');
    io.stdout.write(
      `Metrics API (custom.metrics.k8s.io, external.metrics.k8s.io) on https://127.0.0.1:${String(adapter.address.port)}\n` +
        `Read a live metric:\n  curl --cacert ${caFile} -H 'Authorization: Bearer ${token}' ` +
        `https://127.0.0.1:${String(adapter.address.port)}/apis/custom.metrics.k8s.io/v1beta2/namespaces/${NAMESPACE}/podcliquescalinggroups.grove.io/${pcsg}/ttft_p90_seconds\n\n`,
    );
  }
  const workerData: DemoWorkerInput = {
    policyFile: join(root, 'policies/disaggregated-single-node/policy.yaml'),
    pcsFile: join(root, 'policies/disaggregated-single-node/podcliqueset.yaml'),
    trace: 'azure-conv',
    scale: o.scale,
    seed: o.seed,
    speed: o.speed,
    durationSeconds: o.durationSeconds,
    startupSeconds: o.startupSeconds,
    outDir,
    pacing: new SharedArrayBuffer(4),
  };
  const entry = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
  const worker = new Worker(entry, { workerData });
  const tty = io.stderr.isTTY === true;
  let endTime = 0;
  let lastPlain = -Infinity;
  const code = await new Promise<number>((settle) => {
    worker.on('message', (m: DemoMessage) => {
      switch (m.kind) {
        case 'started':
          endTime = m.endTime;
          io.stdout.write(
            `Simulating ${String(m.requests)} requests of the Azure LLM 2023 conversation trace (×${String(o.scale)}) over ${clock(m.endTime)} min at ${String(o.speed)}× speed\n` +
              `on ${String(m.racks)} rack(s), ${String(m.nodes)} GPU nodes, ${String(m.gpus)} GPUs; PodCliqueSet ${PCS}, Canopy's scaler and gang placement.\n`,
          );
          break;
        case 'scrape': {
          if (adapter !== undefined) provider.update(signalView(m.snapshot, m.state));
          const group = m.snapshot.scalingGroups.get(signalKey(NAMESPACE, podCliqueScalingGroupName(PCS, 0, 'pd')));
          const line =
            `sim ${clock(m.now)}/${clock(endTime)}  pods ${String(group?.pods ?? 0)}  ` +
            `TTFT p90 ${fmt(group?.values.ttft_p90_seconds, ' s')}  ITL p90 ${fmt(group?.values.itl_p90_seconds, ' s')}  ` +
            fmt(group?.values.request_rate_per_second, ' req/s', 1);
          if (tty) io.stderr.write(`\r\x1b[2K${line}`);
          else if (m.now - lastPlain >= 300) {
            io.stderr.write(`${line}\n`);
            lastPlain = m.now;
          }
          break;
        }
        case 'phase':
          io.stderr.write(`${tty ? '\r\x1b[2K' : ''}${m.text}\n`);
          break;
        case 'done': {
          const s = m.summary;
          io.stdout.write(
            `\nCanopy: ${(s.windowAttainment * 100).toFixed(1)}% of 1-min windows met TTFT p90 ≤ 0.5 s and ITL p90 ≤ 50 ms ` +
              `(${(s.requestAttainment * 100).toFixed(1)}% of requests); ${s.gpuHours.toFixed(2)} GPU-hours = ` +
              `${fmt(s.ratioToOracle, '×', 2)} the achievable oracle (${m.oracleGpuHours.toFixed(2)}); ${String(s.actions)} scaling actions; ` +
              `peak ${Object.entries(s.peakUnits).map(([k, v]) => `${k}=${String(v)}`).join(' ')}.\n` +
              `Report: ${m.report}\nSummary: ${m.summaryFile}\n`,
          );
          settle(0);
          break;
        }
        case 'error':
          io.stderr.write(`\nerror: ${m.message}\n`);
          settle(1);
          break;
      }
    });
    worker.on('error', (e: Error) => {
      io.stderr.write(`\nerror: ${e.message}\n`);
      settle(1);
    });
  });
  await worker.terminate();
  if (adapter !== undefined) await close(adapter.server);
  return code;
}
