// The closed loop: trace arrivals → router → engines (prefill → KV transfer → decode) → each engine's
// vLLM-named /metrics → scrape → src/signals → a policy driver → units created (placed as gangs, then
// a start-up delay) or drained. One discrete-event loop, deterministic for a seed: at one instant engine
// events come first, then units becoming ready, then KV hand-offs, then arrivals, then scrape and sync.
import { LABEL_PART_OF, LABEL_PCS_REPLICA_INDEX, LABEL_PCSG, LABEL_PODCLIQUE } from '../../api/labels.ts';
import { podCliqueName, podCliqueScalingGroupName, scalingGroupPodCliqueName } from '../../api/naming.ts';
import { EMPTY_SIGNAL_STATE, ingestCycle, type Scrape, type SignalSnapshot, type SignalState } from '../../signals/index.ts';
import type { EngineEvent } from '../engine/events.ts';
import { kvTransferSeconds } from '../engine/profile.ts';
import { EngineReplica } from '../engine/replica.ts';
import { EventQueue } from '../events/queue.ts';
import { createEngineMetrics, type EngineMetrics } from '../exposition/engine-metrics.ts';
import { createRng, deriveSeed } from '../random/rng.ts';
import type { ScalingAction, Step } from '../score/fleet.ts';
import { applyEngineEvent, pendingRecords } from '../static.ts';
import { feedEngineEvent, setEngineGauges } from './feed.ts';
import { UNBOUNDED_PLACER } from './placer.ts';
import { pickEngine, type RouterState } from './router.ts';
import type { ControlView, LoopConfig, LoopResult, PoolSpec, RoleSpec, RoleTimeline, RoleView, UnitRecord } from './types.ts';

export const DEFAULT_STARTUP_SECONDS = 60;
export const DEFAULT_SYNC_PERIOD_SECONDS = 15;
export const DEFAULT_SCRAPE_INTERVAL_SECONDS = 15;
export const DEFAULT_WINDOW_SECONDS = 60;

type UnitState = 'pending' | 'starting' | 'ready' | 'draining' | 'gone';

interface Engine {
  readonly pool: number;
  readonly unit: Unit;
  readonly replica: EngineReplica;
  readonly metrics: EngineMetrics;
  readonly pod: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly gpus: number;
  done: boolean;
}

interface Unit {
  readonly rec: UnitRecord;
  readonly role: number;
  readonly index: number;
  readonly engines: Engine[];
  state: UnitState;
}


function pushStep(steps: Step[], time: number, value: number): void {
  const last = steps[steps.length - 1];
  if (last !== undefined && last.value === value) return;
  if (last !== undefined && last.time === time) steps[steps.length - 1] = { time, value };
  else steps.push({ time, value });
}

function checkConfig(config: LoopConfig): { front: number; back: number } {
  const front = config.pools.findIndex((p) => p.engineRole !== 'decode');
  const back = config.pools.findIndex((p) => p.engineRole === 'decode');
  if (front < 0) throw new RangeError('the loop needs a pool that takes requests (an aggregated or prefill pool)');
  if (config.pools.filter((p) => p.engineRole !== 'decode').length > 1) throw new RangeError('the loop routes to one front pool (aggregated or prefill)');
  if (back >= 0 && config.pools[front]?.engineRole !== 'prefill') throw new RangeError('a decode pool needs a prefill pool in front of it');
  if (back < 0 && config.pools[front]?.engineRole === 'prefill') throw new RangeError('a prefill pool needs a decode pool behind it');
  for (const role of config.roles) {
    if (!(Number.isInteger(role.min) && Number.isInteger(role.max) && role.min >= 0 && role.max >= role.min)) throw new RangeError(`role ${role.name}: need 0 ≤ min ≤ max`);
    if (!(Number.isInteger(role.initial) && role.initial >= role.min && role.initial <= role.max)) throw new RangeError(`role ${role.name}: initial must lie in [min, max]`);
    for (const m of role.members) if (!config.pools.some((p) => p.name === m.pool)) throw new RangeError(`role ${role.name}: no pool named ${m.pool}`);
  }
  for (let i = 1; i < config.requests.length; i++) {
    if ((config.requests[i]?.arrival ?? 0) < (config.requests[i - 1]?.arrival ?? 0)) throw new RangeError('requests must be sorted by arrival');
  }
  return { front, back };
}

/** GPUs one unit of a role holds. */
export function gpusPerUnit(role: RoleSpec, pools: readonly PoolSpec[]): number {
  return role.members.reduce((s, m) => s + m.count * (pools.find((p) => p.name === m.pool)?.profile.gpusPerReplica ?? 0), 0);
}

export function runLoop(config: LoopConfig): LoopResult {
  const { front, back } = checkConfig(config);
  const { requests, pools, roles, driver } = config;
  const placer = config.placer ?? UNBOUNDED_PLACER;
  const namespace = config.namespace ?? 'default';
  const pcs = config.podCliqueSet ?? 'sim';
  const startup = config.startupSeconds ?? DEFAULT_STARTUP_SECONDS;
  const jitter = config.startupJitter ?? 0.1;
  const syncPeriod = driver.periodSeconds ?? config.syncPeriodSeconds ?? DEFAULT_SYNC_PERIOD_SECONDS;
  const scrapeInterval = config.scrapeIntervalSeconds ?? DEFAULT_SCRAPE_INTERVAL_SECONDS;
  const windowSeconds = config.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const lastArrival = requests[requests.length - 1]?.arrival ?? 0;
  const endTime = config.endTime ?? Math.max(60, Math.ceil((lastArrival + 1e-9) / 60) * 60);
  const startupRng = createRng(deriveSeed(config.seed ?? 0, 'startup'));
  const router = config.router ?? 'least-loaded';

  const records = pendingRecords(requests);
  const indexById = new Map<string, number>();
  requests.forEach((r, i) => indexById.set(r.id, i));
  if (indexById.size !== requests.length) throw new RangeError('request ids must be unique');
  const frontEnqueued = new Float64Array(requests.length).fill(Number.NaN);
  const backEnqueued = new Float64Array(requests.length).fill(Number.NaN);
  const engineIds = new Map<Engine, number>();
  let nextEngineId = 0;

  let engines: Engine[] = [];
  const units: Unit[] = [];
  const unitsByRole: Unit[][] = roles.map(() => []);
  const timelines = roles.map(() => ({ allocated: [] as Step[], ready: [] as Step[] }));
  const actions: ScalingAction[] = [];
  const decisionLog: { time: number; role: string; desired: number; reason: string }[] = [];
  const readyQueue = new EventQueue<Unit>();
  const handoffs = new EventQueue<number>();
  const held: number[][] = pools.map(() => []);
  const routerState: RouterState[] = pools.map(() => ({ cursor: 0 }));
  let signalState: SignalState = EMPTY_SIGNAL_STATE;
  let snapshot: SignalSnapshot | undefined;
  let decisions = 0;

  const recordTimeline = (role: number, t: number): void => {
    const list = unitsByRole[role] ?? [];
    let allocated = 0;
    let ready = 0;
    for (const u of list) {
      if (u.state === 'starting' || u.state === 'ready' || u.state === 'draining') allocated++;
      if (u.state === 'ready') ready++;
    }
    const tl = timelines[role];
    if (tl === undefined) return;
    pushStep(tl.allocated, t, allocated);
    pushStep(tl.ready, t, ready);
  };

  const freeIndex = (role: number): number => {
    const used = new Set((unitsByRole[role] ?? []).filter((u) => u.state !== 'gone').map((u) => u.index));
    let i = 0;
    while (used.has(i)) i++;
    return i;
  };

  const createUnit = (role: number, t: number): Unit => {
    const spec = roles[role] as RoleSpec;
    const index = freeIndex(role);
    const pcsgFqn = spec.kind === 'PodCliqueScalingGroup' ? podCliqueScalingGroupName(pcs, 0, spec.target) : undefined;
    const name = pcsgFqn === undefined ? `${podCliqueName(pcs, 0, spec.target)}-${String(index)}` : `${pcsgFqn}-${String(index)}`;
    const unit: Unit = {
      rec: { role: spec.name, name, requestedAt: t, placedAt: undefined, readyAt: undefined, drainStartedAt: undefined, goneAt: undefined, nodes: {}, pendingReasons: [], engineIds: [] },
      role,
      index,
      engines: [],
      state: 'pending',
    };
    for (const member of spec.members) {
      const pool = pools.findIndex((p) => p.name === member.pool);
      const poolSpec = pools[pool] as PoolSpec;
      const cliqueFqn = pcsgFqn === undefined ? podCliqueName(pcs, 0, member.pool) : scalingGroupPodCliqueName(pcsgFqn, index, member.pool);
      for (let k = 0; k < member.count; k++) {
        const pod = pcsgFqn === undefined ? `${cliqueFqn}-${String(index)}` : `${cliqueFqn}-${String(k)}`;
        const labels: Record<string, string> = { [LABEL_PODCLIQUE]: cliqueFqn, [LABEL_PART_OF]: pcs, [LABEL_PCS_REPLICA_INDEX]: '0' };
        if (pcsgFqn !== undefined) labels[LABEL_PCSG] = pcsgFqn;
        unit.engines.push({
          pool,
          unit,
          replica: new EngineReplica(poolSpec.profile, poolSpec.engineRole, { tokenEvents: true }),
          metrics: createEngineMetrics({ dialect: 'vllm', model: poolSpec.profile.name }),
          pod,
          labels,
          gpus: poolSpec.profile.gpusPerReplica,
          done: false,
        });
      }
    }
    units.push(unit);
    unitsByRole[role]?.push(unit);
    return unit;
  };

  const bound = (): { pod: string; node: string; gpus: number }[] => {
    const out: { pod: string; node: string; gpus: number }[] = [];
    for (const u of units) {
      if (u.state !== 'starting' && u.state !== 'ready' && u.state !== 'draining') continue;
      for (const e of u.engines) if (!e.done) out.push({ pod: e.pod, node: u.rec.nodes[e.pod] ?? '', gpus: e.gpus });
    }
    return out;
  };

  const tryPlace = (unit: Unit, t: number, warm: boolean): boolean => {
    const outcome = placer.place({ name: unit.rec.name, pods: unit.engines.map((e) => ({ name: e.pod, gpus: e.gpus })) }, bound());
    if (!outcome.placed) {
      unit.rec.pendingReasons = outcome.reasons;
      return false;
    }
    Object.assign(unit.rec.nodes, outcome.nodes);
    unit.rec.placedAt = t;
    for (const e of unit.engines) {
      const id = nextEngineId++;
      engineIds.set(e, id);
      unit.rec.engineIds.push(id);
      engines.push(e);
    }
    if (warm) {
      unit.state = 'ready';
      unit.rec.readyAt = t;
    } else {
      unit.state = 'starting';
      const delay = startup * (1 + jitter * (2 * startupRng.next() - 1));
      readyQueue.push(t + delay, unit);
    }
    recordTimeline(unit.role, t);
    return true;
  };

  const retryPending = (t: number): void => {
    for (const u of units) if (u.state === 'pending') tryPlace(u, t, false);
  };

  const routable = (pool: number): Engine[] => {
    const out: Engine[] = [];
    for (const e of engines) if (e.pool === pool && e.unit.state === 'ready' && !e.done) out.push(e);
    return out;
  };

  const scratch: EngineEvent[] = [];
  const enqueueFront = (index: number, t: number): void => {
    const candidates = routable(front);
    const chosen = pickEngine(candidates, router, routerState[front] as RouterState);
    const request = requests[index];
    const record = records[index];
    if (chosen === undefined || request === undefined || record === undefined) {
      held[front]?.push(index);
      return;
    }
    frontEnqueued[index] = t;
    const id = engineIds.get(chosen) ?? -1;
    if (back < 0) record.replica = id;
    else record.prefillReplica = id;
    chosen.replica.enqueue(request, t);
    step(chosen, t);
  };
  const enqueueBack = (index: number, t: number): void => {
    const chosen = pickEngine(routable(back), router, routerState[back] as RouterState);
    const request = requests[index];
    const record = records[index];
    if (chosen === undefined || request === undefined || record === undefined) {
      held[back]?.push(index);
      return;
    }
    backEnqueued[index] = t;
    record.replica = engineIds.get(chosen) ?? -1;
    chosen.replica.enqueue(request, t);
    step(chosen, t);
  };

  const feedCtx = (enq: Float64Array) => ({
    enqueuedAt: (id: string): number | undefined => {
      const i = indexById.get(id);
      const v = i === undefined ? Number.NaN : (enq[i] ?? Number.NaN);
      return Number.isNaN(v) ? undefined : v;
    },
    promptTokens: (id: string): number => requests[indexById.get(id) ?? -1]?.promptTokens ?? 0,
  });
  const frontCtx = feedCtx(frontEnqueued);
  const backCtx = feedCtx(backEnqueued);

  const step = (engine: Engine, t: number): void => {
    scratch.length = 0;
    engine.replica.advanceInto(t, scratch);
    const isBack = engine.pool === back;
    for (const event of scratch) {
      feedEngineEvent(engine.metrics, event, isBack, isBack ? backCtx : frontCtx);
      if (event.kind === 'tokens') continue;
      const index = indexById.get(event.id);
      const record = index === undefined ? undefined : records[index];
      if (record === undefined || index === undefined) continue;
      if (applyEngineEvent(record, event, isBack, back >= 0)) {
        handoffs.push(event.time + kvTransferSeconds(pools[front]?.profile ?? (pools[0] as PoolSpec).profile, record.promptTokens), index);
      }
    }
    if (engine.unit.state === 'draining') maybeFinishDrain(engine.unit, t);
  };

  const maybeFinishDrain = (unit: Unit, t: number): void => {
    for (const e of unit.engines) if (!e.done && e.replica.outstanding === 0 && e.replica.nextEventTime() === Infinity) e.done = true;
    if (unit.engines.every((e) => e.done)) {
      unit.state = 'gone';
      unit.rec.goneAt = t;
      engines = engines.filter((e) => !e.done);
      recordTimeline(unit.role, t);
      retryPending(t);
    }
  };

  const view = (t: number): ControlView => {
    const roleViews: Record<string, RoleView> = {};
    roles.forEach((r, i) => {
      const list = unitsByRole[i] ?? [];
      const count = (s: UnitState): number => list.filter((u) => u.state === s).length;
      const pending = count('pending');
      const starting = count('starting');
      const ready = count('ready');
      roleViews[r.name] = { current: pending + starting + ready, ready, starting, pending, draining: count('draining') };
    });
    const readyPods: Record<string, string[]> = {};
    pools.forEach((p, i) => {
      readyPods[p.name] = routable(i).map((e) => e.pod);
    });
    const signals = snapshot ?? ingestCycle(EMPTY_SIGNAL_STATE, [], t, windowSeconds).snapshot;
    return { now: t, signals, roles: roleViews, readyPods };
  };

  const scale = (role: number, desired: number, t: number): void => {
    const spec = roles[role] as RoleSpec;
    const want = Math.min(spec.max, Math.max(spec.min, Math.round(desired)));
    const list = (unitsByRole[role] ?? []).filter((u) => u.state === 'pending' || u.state === 'starting' || u.state === 'ready');
    const current = list.length;
    if (want === current) return;
    actions.push({ time: t, target: spec.name, from: current, to: want });
    if (want > current) {
      for (let k = current; k < want; k++) tryPlace(createUnit(role, t), t, false);
      return;
    }
    // Scale-in order: units not yet serving first, then the highest indices (Grove removes from the top).
    const rank = (u: Unit): number => (u.state === 'pending' ? 0 : u.state === 'starting' ? 1 : 2);
    const victims = [...list].sort((a, b) => rank(a) - rank(b) || b.index - a.index).slice(0, current - want);
    for (const u of victims) {
      if (u.state === 'pending' || u.state === 'starting') {
        u.state = 'gone';
        u.rec.goneAt = t;
        for (const e of u.engines) e.done = true;
        engines = engines.filter((e) => !e.done);
      } else {
        u.state = 'draining';
        u.rec.drainStartedAt = t;
        maybeFinishDrain(u, t);
      }
    }
    recordTimeline(role, t);
    retryPending(t);
  };

  const scrape = (t: number): void => {
    const scrapes: Scrape[] = [];
    for (const e of engines) {
      if (e.done || (e.unit.state !== 'ready' && e.unit.state !== 'draining')) continue;
      e.replica.advanceInto(t, scratch);
      // Events due exactly now were handled already; advancing to t only moves the gauges' clock.
      scratch.length = 0;
      setEngineGauges(e.metrics, e.replica);
      scrapes.push({ namespace, pod: e.pod, labels: e.labels, at: t, text: e.metrics.render() });
    }
    const cycle = ingestCycle(signalState, scrapes, t, windowSeconds);
    signalState = cycle.state;
    snapshot = cycle.snapshot;
    config.onScrape?.(cycle.snapshot, t, cycle.state);
  };

  const sync = (t: number): void => {
    decisions++;
    const decision = driver.decide(view(t));
    roles.forEach((r, i) => {
      const d = decision.desired[r.name];
      if (d === undefined || !Number.isFinite(d)) return;
      decisionLog.push({ time: t, role: r.name, desired: d, reason: decision.reasons?.[r.name] ?? '' });
      scale(i, d, t);
    });
    retryPending(t);
  };

  const becomeReady = (unit: Unit, t: number): void => {
    if (unit.state !== 'starting') return;
    unit.state = 'ready';
    unit.rec.readyAt = t;
    recordTimeline(unit.role, t);
    for (const pool of new Set(unit.engines.map((e) => e.pool))) {
      const waiting = held[pool] ?? [];
      held[pool] = [];
      for (const index of waiting) {
        if (pool === back) enqueueBack(index, t);
        else enqueueFront(index, t);
      }
    }
  };

  // Warm start: the initial units are placed and serving at time 0.
  roles.forEach((r, i) => {
    for (let k = 0; k < r.initial; k++) {
      const u = createUnit(i, 0);
      if (!tryPlace(u, 0, true)) u.rec.pendingReasons = [...u.rec.pendingReasons, 'initial unit could not be placed'];
    }
    recordTimeline(i, 0);
  });

  let next = 0;
  let nextScrape = scrapeInterval;
  let nextSync = syncPeriod;
  for (;;) {
    const arrivalTime = requests[next]?.arrival ?? Infinity;
    const handoffTime = handoffs.peekTime();
    const readyTime = readyQueue.peekTime();
    let engineTime = Infinity;
    let engine: Engine | undefined;
    for (const e of engines) {
      if (e.done) continue;
      const et = e.replica.nextEventTime();
      if (et < engineTime) {
        engineTime = et;
        engine = e;
      }
    }
    const controlTime = Math.min(nextScrape, nextSync);
    // Control runs over [0, endTime]; after it the engines only finish what they hold.
    const control = controlTime <= endTime ? controlTime : Infinity;
    const t = Math.min(arrivalTime, handoffTime, readyTime, engineTime, control);
    if (t === Infinity) break;
    if (engine !== undefined && engineTime === t) {
      step(engine, t);
    } else if (readyTime === t) {
      const unit = readyQueue.pop()?.item;
      if (unit !== undefined) becomeReady(unit, t);
    } else if (handoffTime === t) {
      const index = handoffs.pop()?.item;
      if (index !== undefined) enqueueBack(index, t);
    } else if (arrivalTime === t) {
      enqueueFront(next++, t);
    } else {
      if (nextScrape === t) {
        scrape(t);
        nextScrape += scrapeInterval;
      }
      if (nextSync === t) {
        sync(t);
        nextSync += syncPeriod;
      }
    }
  }
  // Requests still held when nothing can serve them any more were never served.
  for (const h of held) for (const index of h) {
    const record = records[index];
    if (record !== undefined) record.dropped = true;
  }

  const out: Record<string, RoleTimeline> = {};
  roles.forEach((r, i) => {
    out[r.name] = { allocated: timelines[i]?.allocated ?? [], ready: timelines[i]?.ready ?? [], gpusPerUnit: gpusPerUnit(r, pools) };
  });
  return { records, timelines: out, actions, units: units.map((u) => u.rec), endTime, decisions, decisionLog };
}
