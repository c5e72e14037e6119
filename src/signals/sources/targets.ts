import type { Labels } from '../parse/types.ts';

/** One pod to scrape directly. */
export interface ScrapeTarget {
  readonly namespace: string;
  readonly pod: string;
  /** The pod's Kubernetes labels (Grove's labels place it in the hierarchy). */
  readonly labels: Labels;
  readonly url: string;
  /** Only series with these label values count (e.g. one model). */
  readonly match?: Labels;
}

/** What target discovery needs of a pod (a subset of core/v1 Pod). */
export interface PodForScrape {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** status.podIP; undefined until the pod has one. */
  readonly podIP: string | undefined;
}

/** Where to scrape a pod that does not say so itself (a ScalingPolicy's default). */
export interface ScrapeDefaults {
  readonly port?: number;
  /** Default `/metrics`. */
  readonly path?: string;
  /** Default `http`. */
  readonly scheme?: 'http' | 'https';
  readonly match?: Labels;
}

/**
 * Annotations read, most specific first: Canopy's own override, then the `prometheus.io/*`
 * convention most engine charts already set, then the policy default.
 */
export const SCRAPE_ANNOTATIONS = {
  canopyPort: 'canopy.dev/metrics-port',
  canopyPath: 'canopy.dev/metrics-path',
  port: 'prometheus.io/port',
  path: 'prometheus.io/path',
  scheme: 'prometheus.io/scheme',
  scrape: 'prometheus.io/scrape',
} as const;

export interface SkippedPod {
  readonly namespace: string;
  readonly pod: string;
  readonly reason: string;
}

export interface TargetPlan {
  readonly targets: readonly ScrapeTarget[];
  readonly skipped: readonly SkippedPod[];
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65_535 ? n : undefined;
}

function hostOf(ip: string): string {
  // An IPv6 address must be bracketed in a URL.
  return ip.includes(':') ? `[${ip}]` : ip;
}

function normalisePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/** Resolves one pod to a target, or the reason it has none. */
export function targetForPod(pod: PodForScrape, defaults: ScrapeDefaults = {}): ScrapeTarget | SkippedPod {
  const a = pod.annotations;
  const skip = (reason: string): SkippedPod => ({ namespace: pod.namespace, pod: pod.name, reason });
  if (a[SCRAPE_ANNOTATIONS.scrape] === 'false') return skip(`annotation ${SCRAPE_ANNOTATIONS.scrape}="false"`);
  if (pod.podIP === undefined || pod.podIP === '') return skip('pod has no IP yet');

  const portKey = a[SCRAPE_ANNOTATIONS.canopyPort] !== undefined ? SCRAPE_ANNOTATIONS.canopyPort : SCRAPE_ANNOTATIONS.port;
  const portText = a[portKey];
  let port: number | undefined;
  if (portText !== undefined) {
    port = parsePort(portText);
    if (port === undefined) return skip(`annotation ${portKey}=${JSON.stringify(portText)} is not a port`);
  } else {
    port = defaults.port;
  }
  if (port === undefined) return skip(`no metrics port: set ${SCRAPE_ANNOTATIONS.canopyPort} or ${SCRAPE_ANNOTATIONS.port}, or a policy default`);

  const path = normalisePath(a[SCRAPE_ANNOTATIONS.canopyPath] ?? a[SCRAPE_ANNOTATIONS.path] ?? defaults.path ?? '/metrics');
  const schemeText = a[SCRAPE_ANNOTATIONS.scheme] ?? defaults.scheme ?? 'http';
  if (schemeText !== 'http' && schemeText !== 'https') return skip(`annotation ${SCRAPE_ANNOTATIONS.scheme}=${JSON.stringify(schemeText)} is not http or https`);

  const target: ScrapeTarget = {
    namespace: pod.namespace,
    pod: pod.name,
    labels: pod.labels,
    url: `${schemeText}://${hostOf(pod.podIP)}:${String(port)}${path}`,
  };
  return defaults.match === undefined ? target : { ...target, match: defaults.match };
}

function isTarget(x: ScrapeTarget | SkippedPod): x is ScrapeTarget {
  return 'url' in x;
}

/** Targets for every pod that has one; the rest with their reason. */
export function planTargets(pods: readonly PodForScrape[], defaults: ScrapeDefaults = {}): TargetPlan {
  const targets: ScrapeTarget[] = [];
  const skipped: SkippedPod[] = [];
  for (const pod of pods) {
    const t = targetForPod(pod, defaults);
    if (isTarget(t)) targets.push(t);
    else skipped.push(t);
  }
  return { targets, skipped };
}
