// `canopy adapter`: the custom/external metrics adapter as a process (HTTPS only), serving signals
// scraped directly from the engines — at their pod IPs (--scrape-pods) or at the endpoints a static
// targets file names (--scrape-targets). Authentication and authorization are delegated to the
// kube-apiserver named by the kubeconfig.
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { parseGoDuration } from '../../api/duration.ts';
import { parseTargetsFile, runAdapterProcess, type SignalsSource } from '../../adapter/wiring.ts';

export interface AdapterFlags {
  readonly kubeconfig?: string | undefined;
  readonly securePort: string;
  readonly bindAddress: string;
  readonly tlsCertFile?: string | undefined;
  readonly tlsPrivateKeyFile?: string | undefined;
  readonly scrapeTargets?: string | undefined;
  readonly scrapePods?: boolean | undefined;
  readonly namespace?: string | undefined;
  readonly podSelector?: string | undefined;
  readonly metricsPort?: string | undefined;
  readonly resolvePods: boolean;
  readonly window: string;
  readonly interval: string;
  readonly resync: string;
}

export type SourceChoice =
  | { readonly kind: 'targets'; readonly file: string; readonly resolvePods: boolean }
  | { readonly kind: 'pods'; readonly namespace?: string; readonly labelSelector?: string; readonly port?: number };

export interface AdapterConfig {
  readonly kubeconfig: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly source: SourceChoice;
  readonly windowSeconds: number;
  readonly intervalMs: number;
  readonly resyncMs: number;
}

function port(text: string, flag: string): number | string {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) return `${flag} must be a port number (0-65535), got ${JSON.stringify(text)}`;
  return Number(text);
}

function duration(text: string, flag: string, minMs: number): number | string {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms < minMs) return `${flag} must be a duration of at least ${String(minMs)}ms (e.g. 2s, 60s, 1m), got ${JSON.stringify(text)}`;
  return ms;
}

/** Flags → configuration, or the usage error. Pure. */
export function adapterConfig(flags: AdapterFlags): { ok: true; config: AdapterConfig } | { ok: false; error: string } {
  const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
  const p = port(flags.securePort, '--secure-port');
  if (typeof p === 'string') return fail(p);
  if (flags.tlsCertFile === undefined || flags.tlsPrivateKeyFile === undefined) return fail('--tls-cert-file and --tls-private-key-file are required (the adapter serves HTTPS only)');
  const hasTargets = flags.scrapeTargets !== undefined;
  if (hasTargets === (flags.scrapePods === true)) return fail('give exactly one of --scrape-targets FILE or --scrape-pods');
  const window = duration(flags.window, '--window', 1_000);
  if (typeof window === 'string') return fail(window);
  const interval = duration(flags.interval, '--interval', 100);
  if (typeof interval === 'string') return fail(interval);
  const resync = duration(flags.resync, '--resync', 0);
  if (typeof resync === 'string') return fail(resync);
  if (interval >= window) return fail(`--interval (${flags.interval}) must be shorter than --window (${flags.window}): a window needs two scrapes`);
  let source: SourceChoice;
  if (flags.scrapeTargets !== undefined) {
    if (flags.namespace !== undefined || flags.podSelector !== undefined || flags.metricsPort !== undefined) {
      return fail('--namespace, --pod-selector and --metrics-port apply to --scrape-pods only');
    }
    source = { kind: 'targets', file: flags.scrapeTargets, resolvePods: flags.resolvePods };
  } else {
    let metricsPort: number | undefined;
    if (flags.metricsPort !== undefined) {
      const mp = port(flags.metricsPort, '--metrics-port');
      if (typeof mp === 'string') return fail(mp);
      metricsPort = mp;
    }
    source = {
      kind: 'pods',
      ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
      ...(flags.podSelector === undefined ? {} : { labelSelector: flags.podSelector }),
      ...(metricsPort === undefined ? {} : { port: metricsPort }),
    };
  }
  return {
    ok: true,
    config: {
      kubeconfig: flags.kubeconfig,
      port: p,
      host: flags.bindAddress,
      certFile: flags.tlsCertFile,
      keyFile: flags.tlsPrivateKeyFile,
      source,
      windowSeconds: window / 1000,
      intervalMs: interval,
      resyncMs: resync,
    },
  };
}

/** Reads the files a configuration names; errors are the user's input (exit 1). */
export function loadSignalsSource(choice: SourceChoice, read: (file: string) => string): { ok: true; source: SignalsSource } | { ok: false; error: string } {
  if (choice.kind === 'pods') {
    return {
      ok: true,
      source: {
        kind: 'pods',
        ...(choice.namespace === undefined ? {} : { namespace: choice.namespace }),
        ...(choice.labelSelector === undefined ? {} : { labelSelector: choice.labelSelector }),
        ...(choice.port === undefined ? {} : { defaults: { port: choice.port } }),
      },
    };
  }
  const parsed = parseTargetsFile(read(choice.file));
  if (!parsed.ok) return { ok: false, error: parsed.errors.map((e) => `${choice.file}: ${e}`).join('\n') };
  return { ok: true, source: { kind: 'targets', targets: parsed.targets, resolvePods: choice.resolvePods } };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function run(config: AdapterConfig): Promise<number> {
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  let source: SignalsSource;
  let tls: { key: Buffer; cert: Buffer };
  const kubeConfig = new KubeConfig();
  try {
    const loaded = loadSignalsSource(config.source, (f) => readFileSync(f, 'utf8'));
    if (!loaded.ok) {
      process.stderr.write(`${loaded.error}\n`);
      return 1;
    }
    source = loaded.source;
    tls = { cert: readFileSync(config.certFile), key: readFileSync(config.keyFile) };
    if (config.kubeconfig === undefined) kubeConfig.loadFromDefault();
    else kubeConfig.loadFromFile(config.kubeconfig);
  } catch (error) {
    process.stderr.write(`${message(error)}\n`);
    return 1;
  }
  let running;
  try {
    running = await runAdapterProcess({
      kubeConfig,
      tls,
      host: config.host,
      port: config.port,
      source,
      windowSeconds: config.windowSeconds,
      intervalMs: config.intervalMs,
      resyncMs: config.resyncMs,
      log,
    });
  } catch (error) {
    process.stderr.write(`adapter failed to start: ${message(error)}\n`);
    return 1;
  }
  const { address, port } = running.adapter.address;
  const shown = address.includes(':') ? `[${address}]` : address;
  log(`serving custom.metrics.k8s.io and external.metrics.k8s.io on https://${shown}:${String(port)}`);
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  log('stopping');
  await running.stop();
  return 0;
}

export function registerAdapter(program: Command): void {
  program
    .command('adapter')
    .description('Serve the custom and external metrics APIs (HTTPS) from signals scraped directly from the engines')
    .option('--kubeconfig <file>', 'kubeconfig for the API server (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--secure-port <port>', 'HTTPS port', '6443')
    .option('--bind-address <address>', 'address to listen on', '127.0.0.1')
    .option('--tls-cert-file <file>', 'serving certificate (PEM)')
    .option('--tls-private-key-file <file>', 'serving key (PEM)')
    .option('--scrape-targets <file>', 'JSON list of {namespace, pod, url, labels?, match?}: engine endpoints and the pods they stand for')
    .option('--scrape-pods', 'scrape every pod the API server lists, at its pod IP')
    .option('--namespace <ns>', 'with --scrape-pods: only this namespace')
    .option('--pod-selector <selector>', 'with --scrape-pods: only pods matching this label selector')
    .option('--metrics-port <port>', 'with --scrape-pods: port for pods without a prometheus.io/port annotation')
    .option('--no-resolve-pods', 'with --scrape-targets: take pod labels from the file instead of the live pods')
    .option('--window <duration>', 'signal window', '60s')
    .option('--interval <duration>', 'scrape interval', '2s')
    .option('--resync <duration>', 'how often pods are re-read from the API server', '10s')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action(async (flags: AdapterFlags) => {
      const parsed = adapterConfig(flags);
      if (!parsed.ok) {
        process.stderr.write(`${parsed.error}\n`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await run(parsed.config);
    });
}
