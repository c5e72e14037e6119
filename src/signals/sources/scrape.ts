import { EMPTY_SIGNAL_STATE, ingestCycle, type Scrape, type SignalState, type TargetIssues } from '../ingest.ts';
import { signalKey, type SignalSnapshot } from '../aggregate/snapshot.ts';
import { DEFAULT_WINDOW_SECONDS } from '../window/window.ts';
import { fetchText, type FetchResult, type FetchText } from './fetch.ts';
import { mapBounded } from './pool.ts';
import type { ScrapeTarget } from './targets.ts';

export interface ScrapeOptions {
  /** Requests in flight at once (default 32). */
  readonly concurrency?: number;
  /** Per-request timeout, body included (default 2 s). */
  readonly timeoutMs?: number;
  /** Largest page accepted (default 8 MiB; a busy vLLM page is ~100 KB). */
  readonly maxBytes?: number;
  /** A target whose last good scrape is older than this leaves the window (default 30 s). */
  readonly staleAfterSeconds?: number;
  /** Default 60 s. */
  readonly windowSeconds?: number;
}

export const SCRAPE_DEFAULTS = {
  concurrency: 32,
  timeoutMs: 2_000,
  maxBytes: 8 * 1024 * 1024,
  staleAfterSeconds: 30,
  windowSeconds: DEFAULT_WINDOW_SECONDS,
} as const;

/** What the scraper carries from one cycle to the next. */
export interface ScrapeState {
  readonly signals: SignalState;
  /** Seconds of each target's last good scrape, by signalKey(namespace, pod). */
  readonly lastGood: ReadonlyMap<string, number>;
}

export const EMPTY_SCRAPE_STATE: ScrapeState = { signals: EMPTY_SIGNAL_STATE, lastGood: new Map() };

/** One fetch as it happened: `at` is when the request started, the instant Prometheus would stamp. */
export interface TargetFetch {
  readonly target: ScrapeTarget;
  readonly at: number;
  readonly result: FetchResult;
}

export interface ScrapeFailure {
  readonly namespace: string;
  readonly pod: string;
  readonly url: string;
  readonly error: string;
}

/** A target taken out of the window: silent for too long, or no longer a target at all. */
export interface DroppedTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly reason: 'stale' | 'gone';
  readonly lastGoodAt: number | undefined;
}

export interface ScrapeCycle {
  readonly state: ScrapeState;
  readonly snapshot: SignalSnapshot;
  /** Pages with malformed lines or no known dialect (the page itself was fetched). */
  readonly problems: readonly TargetIssues[];
  readonly failures: readonly ScrapeFailure[];
  readonly dropped: readonly DroppedTarget[];
}

/**
 * The pure half of a scrape cycle. Good fetches become readings (through ingestCycle, so pages are
 * parsed and windowed exactly as anywhere else); failed ones are reported and leave the target's
 * window as it was, until its last good scrape is older than `staleAfterSeconds`. Targets missing
 * from `targets` (the pod is gone) leave at once.
 */
export function applyScrapes(state: ScrapeState, targets: readonly ScrapeTarget[], fetched: readonly TargetFetch[], now: number, options: ScrapeOptions = {}): ScrapeCycle {
  const staleAfter = options.staleAfterSeconds ?? SCRAPE_DEFAULTS.staleAfterSeconds;
  const windowSeconds = options.windowSeconds ?? SCRAPE_DEFAULTS.windowSeconds;
  const lastGood = new Map(state.lastGood);
  const scrapes: Scrape[] = [];
  const failures: ScrapeFailure[] = [];
  for (const f of fetched) {
    const { target } = f;
    if (!f.result.ok) {
      failures.push({ namespace: target.namespace, pod: target.pod, url: target.url, error: f.result.error });
      continue;
    }
    const key = signalKey(target.namespace, target.pod);
    lastGood.set(key, Math.max(f.at, lastGood.get(key) ?? -Infinity));
    const scrape: Scrape = { namespace: target.namespace, pod: target.pod, labels: target.labels, at: f.at, text: f.result.text };
    scrapes.push(target.match === undefined ? scrape : { ...scrape, match: target.match });
  }

  const wanted = new Set(targets.map((t) => signalKey(t.namespace, t.pod)));
  const kept = new Map(state.signals.targets);
  const dropped: DroppedTarget[] = [];
  for (const [key, t] of state.signals.targets) {
    const seen = lastGood.get(key);
    const reason = !wanted.has(key) ? 'gone' : seen === undefined || seen < now - staleAfter ? 'stale' : undefined;
    if (reason === undefined) continue;
    kept.delete(key);
    dropped.push({ namespace: t.namespace, pod: t.pod, reason, lastGoodAt: seen });
  }
  for (const key of lastGood.keys()) if (!wanted.has(key)) lastGood.delete(key);

  // A fetch may belong to a pod removed from the targets meanwhile; it must not bring the pod back.
  const current = scrapes.filter((s) => wanted.has(signalKey(s.namespace, s.pod)));
  const cycle = ingestCycle({ targets: kept }, current, now, windowSeconds);
  return { state: { signals: cycle.state, lastGood }, snapshot: cycle.snapshot, problems: cycle.problems, failures, dropped };
}

export interface ScrapeDeps {
  readonly fetch?: FetchText;
  /** Seconds; default wall-clock Unix time. */
  readonly clock?: () => number;
}

/** Fetches every target with bounded concurrency; never throws (failures are results). */
export async function fetchTargets(targets: readonly ScrapeTarget[], deps: ScrapeDeps = {}, options: ScrapeOptions = {}): Promise<TargetFetch[]> {
  const fetch = deps.fetch ?? fetchText;
  const clock = deps.clock ?? (() => Date.now() / 1000);
  const fetchOptions = { timeoutMs: options.timeoutMs ?? SCRAPE_DEFAULTS.timeoutMs, maxBytes: options.maxBytes ?? SCRAPE_DEFAULTS.maxBytes };
  return mapBounded(targets, options.concurrency ?? SCRAPE_DEFAULTS.concurrency, async (target) => {
    const at = clock();
    let result: FetchResult;
    try {
      result = await fetch(target.url, fetchOptions);
    } catch (error) {
      // An injected fetch that throws is still only one failed target.
      result = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    return { target, at, result };
  });
}

/** One full cycle: fetch all targets, then apply the results at the clock's time. */
export async function scrapeOnce(state: ScrapeState, targets: readonly ScrapeTarget[], deps: ScrapeDeps = {}, options: ScrapeOptions = {}): Promise<ScrapeCycle> {
  const fetched = await fetchTargets(targets, deps, options);
  const now = (deps.clock ?? (() => Date.now() / 1000))();
  return applyScrapes(state, targets, fetched, now, options);
}
