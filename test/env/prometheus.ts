import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { launch } from './launch.ts';
import { freePort, httpGet } from './net.ts';
import { registerCleanup, startProcess, type ManagedProcess } from './proc.ts';

/** One Prometheus `scrape_configs` entry; fields are Prometheus' own (snake_case), extra ones pass through. */
export interface ScrapeConfig {
  readonly job_name: string;
  readonly static_configs: readonly { readonly targets: readonly string[]; readonly labels?: Record<string, string> }[];
  readonly metrics_path?: string;
  readonly scheme?: 'http' | 'https';
  readonly scrape_interval?: string;
  readonly [extra: string]: unknown;
}

export interface PrometheusOptions {
  readonly scrapeConfigs: readonly ScrapeConfig[];
  /** Global scrape and evaluation interval (default 1 s, so tests see samples quickly). */
  readonly scrapeIntervalSeconds?: number;
  /** Parent for the data directory (default: a fresh temp dir, deleted on stop). */
  readonly dir?: string;
}

export interface Prometheus {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly process: ManagedProcess;
  /** Rewrites the configuration and asks Prometheus to reload it (scrape targets started later). */
  reload(scrapeConfigs: readonly ScrapeConfig[]): Promise<void>;
  stop(): Promise<void>;
}

export function prometheusConfig(scrapeConfigs: readonly ScrapeConfig[], intervalSeconds: number): string {
  const interval = `${intervalSeconds}s`;
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: scrapeConfigs,
  });
}

export function prometheusArgs(configFile: string, dataDir: string, port: number): string[] {
  return [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--storage.tsdb.retention.time=1h',
    '--log.level=warn',
  ];
}

/** Starts a Prometheus that scrapes `scrapeConfigs`; returns once /-/ready answers 200. */
export async function startPrometheus(options: PrometheusOptions): Promise<Prometheus> {
  const interval = options.scrapeIntervalSeconds ?? 1;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'canopy-prometheus-')));
  await mkdir(dir, { recursive: true });
  const configFile = join(dir, 'prometheus.yml');
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'prometheus.log');
  await writeFile(configFile, prometheusConfig(options.scrapeConfigs, interval));

  const unregister = registerCleanup({
    async: () => Promise.resolve(),
    sync: () => {
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  });
  let child: ManagedProcess;
  let port: number;
  try {
    const launched = await launch({
      name: 'prometheus',
      prepare: freePort,
      spawn: (p) =>
        startProcess({ name: 'prometheus', command: 'prometheus', args: prometheusArgs(configFile, dataDir, p), logFile }),
      ready: async (p) => (await httpGet(`http://127.0.0.1:${p}/-/ready`)).status === 200,
      timeoutMs: 60_000,
    });
    child = launched.process;
    port = launched.prepared;
  } catch (error) {
    unregister();
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dir,
    process: child,
    reload: async (scrapeConfigs) => {
      await writeFile(configFile, prometheusConfig(scrapeConfigs, interval));
      const res = await httpGet(`${url}/-/reload`, {}, 'POST');
      if (res.status !== 200) throw new Error(`prometheus reload: HTTP ${res.status}: ${res.body}`);
    },
    stop: async () => {
      await child.stop();
      unregister();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
  readonly timestamp: number;
}

/** An instant PromQL query; the vector result as numbers. Throws on a query error. */
export async function promQuery(url: string, expr: string): Promise<PromSample[]> {
  const res = await httpGet(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = JSON.parse(res.body) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(`PromQL ${expr}: ${body.error ?? `HTTP ${res.status}`}`);
  }
  if (body.data.resultType !== 'vector') throw new Error(`PromQL ${expr}: expected a vector, got ${body.data.resultType}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]), timestamp: r.value[0] }));
}
