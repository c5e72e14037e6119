// Composes the adapter with a signals source: a loop scrapes the engines, feeds each cycle's snapshot
// to the SignalsMetricsProvider, and the HTTPS adapter serves from it. The decisions (which targets,
// with which pod labels) are pure functions; the loop and the Kubernetes reads are the thin shell.
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import type { Labels } from '../kube/selector.ts';
import { signalKey } from '../signals/aggregate/snapshot.ts';
import { signalView, SignalsMetricsProvider } from '../signals/provider.ts';
import { EMPTY_SCRAPE_STATE, scrapeOnce, type ScrapeDeps, type ScrapeOptions, type ScrapeState } from '../signals/sources/scrape.ts';
import { planTargets, type PodForScrape, type ScrapeDefaults, type ScrapeTarget, type SkippedPod, type TargetPlan } from '../signals/sources/targets.ts';
import { ClientNodeKubeAuthClient } from './auth/kube-auth-client.ts';
import { startAdapter, type RunningAdapter } from './start.ts';
import { maxSignalAgeSeconds, startCycleLoop, type SignalsLoop } from '../signals/sources/cycle.ts';

export type { SignalsLoop } from '../signals/sources/cycle.ts';

const labelsSchema = z.record(z.string(), z.string());

const targetSchema = z.strictObject({
  namespace: z.string().min(1),
  pod: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  /** Used only when pods are not resolved from the API server. */
  labels: labelsSchema.optional(),
  match: labelsSchema.optional(),
});

/** `{"targets": [...]}` or a bare list; the shape picks the schema, so errors name the entry. */
const targetsListSchema = z.array(targetSchema);
const targetsObjectSchema = z.strictObject({ targets: targetsListSchema });

export type TargetsFileResult = { readonly ok: true; readonly targets: readonly ScrapeTarget[] } | { readonly ok: false; readonly errors: readonly string[] };

/**
 * A static targets file: engine endpoints with the pod each stands for. It exists for clusters whose pod
 * IPs are not reachable from the adapter (simulated engines, tests without kubelets). Pure.
 */
export function parseTargetsFile(text: string): TargetsFileResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const parsed = Array.isArray(doc) ? targetsListSchema.safeParse(doc) : targetsObjectSchema.transform((o) => o.targets).safeParse(doc);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.length === 0 ? '(root)' : i.path.join('.')}: ${i.message}`) };
  }
  const list = parsed.data;
  const seen = new Set<string>();
  const errors: string[] = [];
  const targets: ScrapeTarget[] = [];
  for (const [i, t] of list.entries()) {
    const key = signalKey(t.namespace, t.pod);
    if (seen.has(key)) errors.push(`${String(i)}: pod ${t.namespace}/${t.pod} is listed twice`);
    seen.add(key);
    const target: ScrapeTarget = { namespace: t.namespace, pod: t.pod, labels: t.labels ?? {}, url: t.url };
    targets.push(t.match === undefined ? target : { ...target, match: t.match });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, targets };
}

/**
 * Static targets against the pods the API server knows: the live pod's labels win (the HPA selects by
 * them), and a target whose pod does not exist is skipped (the HPA would never count it). Pure.
 */
export function resolveStaticTargets(targets: readonly ScrapeTarget[], livePods: ReadonlyMap<string, Labels>): TargetPlan {
  const out: ScrapeTarget[] = [];
  const skipped: SkippedPod[] = [];
  for (const t of targets) {
    const labels = livePods.get(signalKey(t.namespace, t.pod));
    if (labels === undefined) skipped.push({ namespace: t.namespace, pod: t.pod, reason: 'no such pod in the API server' });
    else out.push({ ...t, labels });
  }
  return { targets: out, skipped };
}

/** core/v1 Pod → what target discovery needs. Pods that are finished are not targets. Pure. */
export function podForScrape(pod: V1Pod): PodForScrape | undefined {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp !== undefined) return undefined;
  const podIP = pod.status?.podIP;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? {},
    annotations: pod.metadata?.annotations ?? {},
    podIP: podIP === '' ? undefined : podIP,
  };
}

export type SignalsSource =
  /** Static endpoints; with `resolvePods` their labels come from the live pods of the same name. */
  | { readonly kind: 'targets'; readonly targets: readonly ScrapeTarget[]; readonly resolvePods: boolean }
  /** Every pod the API server lists (optionally one namespace / label selector), scraped at its pod IP. */
  | { readonly kind: 'pods'; readonly namespace?: string; readonly labelSelector?: string; readonly defaults?: ScrapeDefaults };

/** Reads pods from the API server. */
export interface PodLister {
  list(namespace: string | undefined, labelSelector: string | undefined): Promise<V1Pod[]>;
}

export function clientNodePodLister(kubeConfig: KubeConfig): PodLister {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return {
    async list(namespace, labelSelector) {
      const selector = labelSelector === undefined ? {} : { labelSelector };
      const list = namespace === undefined ? await core.listPodForAllNamespaces(selector) : await core.listNamespacedPod({ namespace, ...selector });
      return list.items;
    },
  };
}

/** The targets of one cycle under `source`, reading pods through `lister` when the source needs them. */
export async function currentTargets(source: SignalsSource, lister: PodLister): Promise<TargetPlan> {
  if (source.kind === 'pods') {
    const pods = (await lister.list(source.namespace, source.labelSelector)).map(podForScrape).filter((p) => p !== undefined);
    return planTargets(pods, source.defaults ?? {});
  }
  if (!source.resolvePods) return { targets: source.targets, skipped: [] };
  const live = new Map<string, Labels>();
  const namespaces = [...new Set(source.targets.map((t) => t.namespace))];
  for (const ns of namespaces) {
    for (const pod of await lister.list(ns, undefined)) {
      const p = podForScrape(pod);
      if (p !== undefined) live.set(signalKey(p.namespace, p.name), p.labels);
    }
  }
  return resolveStaticTargets(source.targets, live);
}

export interface SignalsLoopOptions {
  readonly provider: SignalsMetricsProvider;
  readonly source: SignalsSource;
  readonly lister: PodLister;
  readonly intervalMs: number;
  /** Pods are re-read at most this often (default 10 s); scrapes use the last list meanwhile. */
  readonly resyncMs?: number;
  readonly scrape?: ScrapeOptions;
  /** Test seams: the HTTP GET and the clock (seconds). */
  readonly deps?: ScrapeDeps;
  readonly log?: (line: string) => void;
}

/** Scrape, ingest and publish every `intervalMs`; cycles never overlap. */
export function startSignalsLoop(options: SignalsLoopOptions): SignalsLoop {
  const log = options.log ?? ((): void => undefined);
  const resyncMs = options.resyncMs ?? 10_000;
  let state: ScrapeState = EMPTY_SCRAPE_STATE;
  let plan: TargetPlan | undefined;
  let listedAt = -Infinity;

  const once = async (): Promise<string[]> => {
    if (plan === undefined || Date.now() - listedAt >= resyncMs) {
      try {
        plan = await currentTargets(options.source, options.lister);
        listedAt = Date.now();
      } catch (error) {
        // Keep scraping the last known targets: an API blip must not blank the metrics.
        log(`listing pods failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const targets = plan?.targets ?? [];
    const cycle = await scrapeOnce(state, targets, options.deps ?? {}, options.scrape ?? {});
    state = cycle.state;
    options.provider.update(signalView(cycle.snapshot, cycle.state.signals));
    return [
      ...(plan?.skipped ?? []).map((s) => `skipped ${s.namespace}/${s.pod}: ${s.reason}`),
      ...cycle.failures.map((f) => `scrape ${f.namespace}/${f.pod} (${f.url}) failed: ${f.error}`),
      ...cycle.dropped.map((d) => `dropped ${d.namespace}/${d.pod}: ${d.reason}`),
    ];
  };

  return startCycleLoop({ once, intervalMs: options.intervalMs, log });
}

export interface AdapterProcessOptions {
  readonly kubeConfig: KubeConfig;
  readonly tls: { readonly key: string | Buffer; readonly cert: string | Buffer };
  readonly host: string;
  readonly port: number;
  readonly source: SignalsSource;
  readonly windowSeconds: number;
  readonly intervalMs: number;
  readonly resyncMs?: number;
  readonly log?: (line: string) => void;
  /** Test seam; default reads pods through client-node. */
  readonly lister?: PodLister;
}

export interface AdapterProcess {
  readonly adapter: RunningAdapter;
  readonly loop: SignalsLoop;
  stop(): Promise<void>;
}

/**
 * The whole `canopy adapter`: signals loop + provider + HTTPS adapter with delegated authn/authz. The
 * first cycle runs before the adapter listens, so the APIService never sees a cold adapter answer 503.
 */
export async function runAdapterProcess(options: AdapterProcessOptions): Promise<AdapterProcess> {
  const provider = new SignalsMetricsProvider({ maxAgeSeconds: maxSignalAgeSeconds(options.intervalMs), clock: () => Date.now() / 1000 });
  const loop = startSignalsLoop({
    provider,
    source: options.source,
    lister: options.lister ?? clientNodePodLister(options.kubeConfig),
    intervalMs: options.intervalMs,
    ...(options.resyncMs === undefined ? {} : { resyncMs: options.resyncMs }),
    scrape: { windowSeconds: options.windowSeconds, timeoutMs: Math.max(500, Math.min(options.intervalMs, 5_000)) },
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  try {
    await loop.cycle();
    const adapter = await startAdapter({
      provider,
      kubeAuthClient: new ClientNodeKubeAuthClient(options.kubeConfig),
      tls: options.tls,
      host: options.host,
      port: options.port,
      ready: () => loop.ready(),
    });
    return {
      adapter,
      loop,
      stop: async () => {
        loop.stop();
        await adapter.stop();
      },
    };
  } catch (error) {
    loop.stop();
    throw error;
  }
}
