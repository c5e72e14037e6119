import type { Labels, ParseIssue } from './parse/types.ts';
import { parsePrometheusText } from './parse/parser.ts';
import { extractReading } from './dialects/extract.ts';
import type { DialectName } from './dialects/table.ts';
import { DEFAULT_WINDOW_SECONDS, evaluateWindow, pushReading, type TargetWindow } from './window/window.ts';
import { aggregateSignals, type PodSignalsInput } from './aggregate/aggregate.ts';
import { signalKey, type SignalSnapshot } from './aggregate/snapshot.ts';

/** One pod's /metrics page, as a scraper fetched it. */
export interface Scrape {
  readonly namespace: string;
  readonly pod: string;
  /** The pod's Kubernetes labels (Grove's labels place it in the hierarchy). */
  readonly labels: Labels;
  /** When it was fetched, seconds. */
  readonly at: number;
  readonly text: string;
  /** Only series with these label values count (e.g. one model). */
  readonly match?: Labels;
}

interface TargetState {
  readonly namespace: string;
  readonly pod: string;
  readonly labels: Labels;
  readonly window: TargetWindow;
}

/** Windows per target, carried from one cycle to the next. */
export interface SignalState {
  readonly targets: ReadonlyMap<string, TargetState>;
}

export const EMPTY_SIGNAL_STATE: SignalState = { targets: new Map() };

export interface TargetIssues {
  readonly namespace: string;
  readonly pod: string;
  readonly dialects: readonly DialectName[];
  readonly issues: readonly ParseIssue[];
}

export interface CycleResult {
  readonly state: SignalState;
  readonly snapshot: SignalSnapshot;
  /** Targets whose page had malformed lines, or spoke no known dialect. */
  readonly problems: readonly TargetIssues[];
}

/**
 * One scrape cycle: parse each page, read its signals, slide each target's window, then aggregate
 * everything at `now`. Targets not scraped this cycle keep their window until it empties, so a
 * missed scrape does not make a pod vanish. Pure: the old state is not modified.
 */
export function ingestCycle(state: SignalState, scrapes: readonly Scrape[], now: number, windowSeconds = DEFAULT_WINDOW_SECONDS): CycleResult {
  const targets = new Map(state.targets);
  const problems: TargetIssues[] = [];
  for (const s of scrapes) {
    const page = parsePrometheusText(s.text);
    const reading = extractReading(page, s.match === undefined ? {} : { match: s.match });
    if (page.issues.length > 0 || reading.dialects.length === 0) {
      problems.push({ namespace: s.namespace, pod: s.pod, dialects: reading.dialects, issues: page.issues });
    }
    const key = signalKey(s.namespace, s.pod);
    const previous = targets.get(key)?.window ?? [];
    targets.set(key, { namespace: s.namespace, pod: s.pod, labels: s.labels, window: pushReading(previous, s.at, reading, windowSeconds) });
  }
  const pods: PodSignalsInput[] = [];
  for (const [key, t] of targets) {
    const newest = t.window[t.window.length - 1];
    if (newest === undefined || newest.at < now - windowSeconds) {
      targets.delete(key);
      continue;
    }
    pods.push({ namespace: t.namespace, name: t.pod, labels: t.labels, signals: evaluateWindow(t.window, now, windowSeconds) });
  }
  return { state: { targets }, snapshot: aggregateSignals(pods, now, windowSeconds), problems };
}
