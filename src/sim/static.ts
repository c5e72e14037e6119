import { EventQueue } from './events/queue.ts';
import type { EngineEvent, PackedItlRuns } from './engine/events.ts';
import { kvTransferSeconds, type EngineProfile } from './engine/profile.ts';
import { EngineReplica } from './engine/replica.ts';
import type { SimRequest } from './workload/request.ts';

export type Router = 'round-robin' | 'least-loaded';

export interface StaticSimulationInput {
  readonly requests: readonly SimRequest[];
  readonly profile: EngineProfile;
  /** Aggregated replicas; with `disaggregated`, the decode replicas. */
  readonly replicas: number;
  /** `least-loaded` picks the replica with the fewest waiting + running requests (lowest index on ties). */
  readonly router: Router;
  /** Serve prefill and decode on separate replicas, moving the prompt KV over the profile's transfer bandwidth. */
  readonly disaggregated?: { readonly prefillReplicas: number; readonly prefillProfile?: EngineProfile };
}

/** One request's outcome: what the scorer reads. Times are seconds. */
export interface SimRecord {
  readonly id: string;
  readonly arrival: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  firstToken: number | undefined;
  finish: number | undefined;
  /** Inter-token gaps as packed runs (see engine/events.ts). */
  itlRuns: PackedItlRuns;
  dropped: boolean;
  /** The aggregated (or decode) replica that served it. */
  replica: number;
  prefillReplica?: number;
}

const NO_RUNS: PackedItlRuns = Object.freeze([]);

/**
 * Applies one engine event to its request's record. `back` says the event comes from a decode replica of a
 * disaggregated fleet; `disaggregated` whether prefill hands requests over at all. Returns true when a
 * prefill replica finished a request that must now move to decode (the caller queues the KV transfer).
 */
export function applyEngineEvent(record: SimRecord, event: Exclude<EngineEvent, { kind: 'tokens' }>, back: boolean, disaggregated: boolean): boolean {
  switch (event.kind) {
    case 'first-token':
      if (!back) record.firstToken = event.time;
      return false;
    case 'rejected':
      record.dropped = true;
      return false;
    case 'finished':
      if (back) {
        // The first decoded token's gap runs from the prefill's first token, across the transfer.
        record.itlRuns = [1, event.firstTokenTime - (record.firstToken ?? event.firstTokenTime), 0, ...event.itlRuns];
        record.finish = event.time;
        return false;
      }
      if (disaggregated && record.outputTokens > 1) return true;
      record.itlRuns = event.itlRuns;
      record.finish = event.time;
      return false;
  }
}

/** One not-yet-served record per request, in request order: what every simulation starts from. */
export function pendingRecords(requests: readonly SimRequest[]): SimRecord[] {
  return requests.map((r) => ({
    id: r.id,
    arrival: r.arrival,
    promptTokens: r.promptTokens,
    outputTokens: r.outputTokens,
    firstToken: undefined,
    finish: undefined,
    itlRuns: NO_RUNS,
    dropped: false,
    replica: -1,
  }));
}

interface Handoff {
  readonly index: number;
}

/**
 * Runs a fixed fleet over a workload: requests are routed on arrival, every replica runs the
 * iteration model, and with disaggregation each finished prefill is handed to a decode replica after
 * the KV transfer time. Deterministic: ties between an engine event and an arrival at the same instant
 * resolve engine-first, then lower replica index.
 */
export function simulateStatic(input: StaticSimulationInput): SimRecord[] {
  const { requests, profile, router } = input;
  const disaggregated = input.disaggregated;
  if (!Number.isInteger(input.replicas) || input.replicas < 1) throw new RangeError(`replicas must be a positive integer, got ${input.replicas}`);
  if (disaggregated !== undefined && (!Number.isInteger(disaggregated.prefillReplicas) || disaggregated.prefillReplicas < 1)) {
    throw new RangeError(`prefillReplicas must be a positive integer, got ${disaggregated.prefillReplicas}`);
  }
  const prefillProfile = disaggregated?.prefillProfile ?? profile;
  const front: EngineReplica[] = [];
  const back: EngineReplica[] = [];
  if (disaggregated === undefined) {
    for (let i = 0; i < input.replicas; i++) front.push(new EngineReplica(profile, 'aggregated', { tokenEvents: false }));
  } else {
    for (let i = 0; i < disaggregated.prefillReplicas; i++) front.push(new EngineReplica(prefillProfile, 'prefill', { tokenEvents: false }));
    for (let i = 0; i < input.replicas; i++) back.push(new EngineReplica(profile, 'decode', { tokenEvents: false }));
  }
  const engines = [...front, ...back];
  const records = pendingRecords(requests);
  for (let i = 1; i < requests.length; i++) {
    if ((requests[i]?.arrival ?? 0) < (requests[i - 1]?.arrival ?? 0)) throw new RangeError('requests must be sorted by arrival');
  }
  const indexById = new Map<string, number>();
  requests.forEach((r, i) => indexById.set(r.id, i));
  if (indexById.size !== requests.length) throw new RangeError('request ids must be unique');
  const handoffs = new EventQueue<Handoff>();
  const cursors = { front: 0, back: 0 };

  const pick = (pool: readonly EngineReplica[], key: 'front' | 'back'): number => {
    if (router === 'round-robin') {
      const i = cursors[key] % pool.length;
      cursors[key] = i + 1;
      return i;
    }
    let best = 0;
    let bestLoad = Infinity;
    for (let i = 0; i < pool.length; i++) {
      const load = pool[i]?.outstanding ?? Infinity;
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best;
  };

  const scratch: EngineEvent[] = [];
  const step = (engineIndex: number, t: number): void => {
    scratch.length = 0;
    engines[engineIndex]?.advanceInto(t, scratch);
    if (scratch.length > 0) handle(engineIndex, scratch);
  };
  const handle = (engineIndex: number, events: readonly EngineEvent[]): void => {
    const isFront = engineIndex < front.length;
    for (const event of events) {
      if (event.kind === 'tokens') continue;
      const index = indexById.get(event.id);
      const record = index === undefined ? undefined : records[index];
      if (record === undefined || index === undefined) continue;
      if (applyEngineEvent(record, event, !isFront, disaggregated !== undefined)) {
        handoffs.push(event.time + kvTransferSeconds(prefillProfile, record.promptTokens), { index });
      }
    }
  };

  let next = 0;
  for (;;) {
    const arrivalTime = requests[next]?.arrival ?? Infinity;
    const handoffTime = handoffs.peekTime();
    let engineTime = Infinity;
    let engineIndex = -1;
    for (let i = 0; i < engines.length; i++) {
      const t = engines[i]?.nextEventTime() ?? Infinity;
      if (t < engineTime) {
        engineTime = t;
        engineIndex = i;
      }
    }
    const t = Math.min(arrivalTime, handoffTime, engineTime);
    if (t === Infinity) break;
    if (engineTime === t) {
      step(engineIndex, t);
    } else if (handoffTime === t) {
      const index = handoffs.pop()?.item.index ?? -1;
      const request = requests[index];
      const record = records[index];
      if (request === undefined || record === undefined) continue;
      const i = pick(back, 'back');
      record.replica = i;
      back[i]?.enqueue(request, t);
    } else {
      const request = requests[next++];
      const record = request === undefined ? undefined : records[next - 1];
      if (request === undefined || record === undefined) continue;
      const i = pick(front, 'front');
      if (disaggregated === undefined) record.replica = i;
      else record.prefillReplica = i;
      front[i]?.enqueue(request, t);
      // Rejections are reported on the next advance; collect them now so the record is final.
      step(i, t);
    }
  }
  return records;
}
