// `canopy serve` flags → configuration. Pure: the flags as commander hands them over (all strings, all
// optional) and the environment in; a configuration or the one usage error (naming the flag) out. The
// defaults live here, not in commander, so `--print-config` and the chart test see what serve will use.
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { parseGoDuration } from '../api/duration.ts';
import type { ControllerMode } from '../controller/binder/controller.ts';
import type { LogLevel } from '../telemetry/log.ts';

export const SERVE_COMPONENT_NAMES = ['adapter', 'scaler', 'controller'] as const;
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Where the serving certificate comes from. */
export type ServingTls =
  | { readonly kind: 'files'; readonly certFile: string; readonly keyFile: string }
  /** Minted in memory at start-up for these names (see self-signed.ts). */
  | { readonly kind: 'self-signed'; readonly names: readonly string[] };

/** One signals loop per process feeds the adapter and the scaler; this says which. */
export type SignalsChoice =
  /** Engine pods the API server lists (in --namespace when given), scraped at their pod IPs. */
  | { readonly source: 'scrape' }
  | { readonly source: 'prometheus'; readonly prometheusUrl: string };

export interface ServeOptions {
  readonly kubeconfig?: string | undefined;
  readonly components: readonly string[];
  readonly schedulerName: string;
  readonly controllerMode: ControllerMode;
  readonly bindDelayMs: number;
  readonly namespace?: string | undefined;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly leaseDurationSeconds: number;
  readonly identity: string;
  readonly securePort: number;
  readonly bindAddress: string;
  readonly tls: ServingTls;
  readonly signals: SignalsChoice;
  readonly windowSeconds: number;
  readonly scrapeIntervalMs: number;
  readonly syncPeriodMs: number;
  readonly logLevel: LogLevel;
  readonly printConfig: boolean;
}

/** Flags as commander parses them (camelCase of the long names). */
export interface RawServeOptions {
  kubeconfig?: string | undefined;
  components?: string | undefined;
  schedulerName?: string | undefined;
  controllerMode?: string | undefined;
  bindDelay?: string | undefined;
  namespace?: string | undefined;
  leaseNamespace?: string | undefined;
  leaseName?: string | undefined;
  leaseDuration?: string | undefined;
  identity?: string | undefined;
  securePort?: string | undefined;
  bindAddress?: string | undefined;
  tlsCertFile?: string | undefined;
  tlsPrivateKeyFile?: string | undefined;
  tlsSan?: string | undefined;
  signalsSource?: string | undefined;
  prometheusUrl?: string | undefined;
  window?: string | undefined;
  scrapeInterval?: string | undefined;
  syncPeriod?: string | undefined;
  logLevel?: string | undefined;
  printConfig?: boolean | undefined;
}

export const SERVE_DEFAULTS = {
  components: SERVE_COMPONENT_NAMES.join(','),
  schedulerName: 'canopy',
  controllerMode: 'canopy',
  bindDelay: '0s',
  leaseName: 'canopy-controller',
  leaseDuration: '15s',
  securePort: '6443',
  bindAddress: '127.0.0.1',
  tlsSan: 'localhost,127.0.0.1',
  signalsSource: 'scrape',
  window: '60s',
  scrapeInterval: '15s',
  syncPeriod: '15s',
  logLevel: 'info',
} as const;

const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i;

class UsageError extends Error {}

function usage(message: string): never {
  throw new UsageError(message);
}

function duration(flag: string, text: string, minMs: number, minText: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined) usage(`${flag}: ${JSON.stringify(text)} is not a duration such as 500ms, 15s or 1m30s`);
  if (ms < minMs) usage(`${flag}: ${JSON.stringify(text)} is shorter than ${minText}`);
  return ms;
}

function list(text: string): string[] {
  return text.split(',').map((c) => c.trim()).filter((c) => c !== '');
}

function portNumber(flag: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) usage(`${flag}: ${JSON.stringify(text)} is not a port number (0-65535)`);
  return Number(text);
}

function servingTls(raw: RawServeOptions): ServingTls {
  const cert = raw.tlsCertFile;
  const key = raw.tlsPrivateKeyFile;
  if ((cert === undefined) !== (key === undefined)) usage('--tls-cert-file and --tls-private-key-file go together: give both or neither (neither: a self-signed certificate)');
  if (cert !== undefined && key !== undefined) {
    if (cert === '' || key === '') usage('--tls-cert-file and --tls-private-key-file must not be empty');
    if (raw.tlsSan !== undefined) usage('--tls-san names the self-signed certificate; it does not apply with --tls-cert-file');
    return { kind: 'files', certFile: cert, keyFile: key };
  }
  const names = list(raw.tlsSan ?? SERVE_DEFAULTS.tlsSan);
  if (names.length === 0) usage('--tls-san needs at least one DNS name or IP address');
  const bad = names.find((n) => isIP(n) === 0 && !DNS_NAME.test(n));
  if (bad !== undefined) usage(`--tls-san: ${JSON.stringify(bad)} is neither a DNS name nor an IP address`);
  return { kind: 'self-signed', names };
}

function signalsChoice(raw: RawServeOptions): SignalsChoice {
  const source = raw.signalsSource ?? SERVE_DEFAULTS.signalsSource;
  const url = raw.prometheusUrl;
  if (source === 'scrape') {
    if (url !== undefined) usage('--prometheus-url applies only with --signals-source=prometheus');
    return { source };
  }
  if (source !== 'prometheus') usage(`--signals-source must be scrape or prometheus, got ${JSON.stringify(source)}`);
  if (url === undefined || url === '') usage('--prometheus-url is required with --signals-source=prometheus');
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) usage(`--prometheus-url: ${JSON.stringify(url)} is not an http(s) URL`);
  return { source, prometheusUrl: url };
}

function logLevel(text: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === text);
  if (level === undefined) usage(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`);
  return level;
}

function parse(raw: RawServeOptions, env: NodeJS.ProcessEnv, known: readonly string[]): ServeOptions {
  const components = list(raw.components ?? SERVE_DEFAULTS.components);
  const unknown = components.filter((c) => !known.includes(c));
  if (components.length === 0) usage('--components needs at least one component');
  if (unknown.length > 0) usage(`--components: unknown component(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const controllerMode = raw.controllerMode ?? SERVE_DEFAULTS.controllerMode;
  if (controllerMode !== 'canopy' && controllerMode !== 'kai') usage(`--controller-mode must be canopy or kai, got "${controllerMode}"`);
  const schedulerName = raw.schedulerName ?? SERVE_DEFAULTS.schedulerName;
  if (schedulerName.trim() === '') usage('--scheduler-name must not be empty');
  const bindDelayMs = duration('--bind-delay', raw.bindDelay ?? SERVE_DEFAULTS.bindDelay, 0, '0s');
  const leaseMs = duration('--lease-duration', raw.leaseDuration ?? SERVE_DEFAULTS.leaseDuration, 1_000, '1s');
  const leaseName = raw.leaseName ?? SERVE_DEFAULTS.leaseName;
  if (leaseName === '') usage('--lease-name must not be empty');
  const securePort = portNumber('--secure-port', raw.securePort ?? SERVE_DEFAULTS.securePort);
  const bindAddress = raw.bindAddress ?? SERVE_DEFAULTS.bindAddress;
  if (isIP(bindAddress) === 0) usage(`--bind-address: ${JSON.stringify(bindAddress)} is not an IP address`);
  const tls = servingTls(raw);
  const signals = signalsChoice(raw);
  const windowText = raw.window ?? SERVE_DEFAULTS.window;
  const intervalText = raw.scrapeInterval ?? SERVE_DEFAULTS.scrapeInterval;
  const windowMs = duration('--window', windowText, 1_000, '1s');
  const scrapeIntervalMs = duration('--scrape-interval', intervalText, 100, '100ms');
  // Rates and quantiles are differences between two readings inside the window.
  if (scrapeIntervalMs >= windowMs) usage(`--scrape-interval (${intervalText}) must be shorter than --window (${windowText}): a window needs two readings`);
  const syncPeriodMs = duration('--sync-period', raw.syncPeriod ?? SERVE_DEFAULTS.syncPeriod, 1_000, '1s');
  return {
    kubeconfig: raw.kubeconfig,
    components,
    schedulerName,
    controllerMode,
    bindDelayMs,
    namespace: raw.namespace,
    leaseNamespace: raw.leaseNamespace ?? env['POD_NAMESPACE'] ?? 'default',
    leaseName,
    leaseDurationSeconds: leaseMs / 1000,
    identity: raw.identity ?? `${env['POD_NAME'] ?? hostname()}_${String(process.pid)}`,
    securePort,
    bindAddress,
    tls,
    signals,
    windowSeconds: windowMs / 1000,
    scrapeIntervalMs,
    syncPeriodMs,
    logLevel: logLevel(raw.logLevel ?? SERVE_DEFAULTS.logLevel),
    printConfig: raw.printConfig === true,
  };
}

/** Validates the flags; a string is a usage error (exit 2). */
export function parseServeFlags(raw: RawServeOptions, env: NodeJS.ProcessEnv = process.env, known: readonly string[] = SERVE_COMPONENT_NAMES): ServeOptions | string {
  try {
    return parse(raw, env, known);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}
