// Placement benchmarks. (a) time to plan 1,000 gangs on 10,000 nodes against first fit measured in the
// same run; (b) a fragmentation workload (small jobs interleaved with rack-bound gangs, arriving in waves)
// comparing gangs placed and GPUs stranded against first fit and against KAI-style best fit (the fullest
// domain that fits, the fullest node per pod), both implemented here.
import type { TopologyLevelRef } from '../src/controller/placement/cluster.ts';
import { buildClusterModel } from '../src/controller/placement/cluster.ts';
import type { PlacementGang } from '../src/controller/placement/gang.ts';
import type { NodeObject, PodObject } from '../src/controller/placement/kube.ts';
import { planPlacement } from '../src/controller/placement/plan.ts';
import type { BenchResult } from './types.ts';

const GPU = 'nvidia.com/gpu';
const LEVEL_NAMES = ['zone', 'block', 'rack', 'host'] as const;
const LEVELS: readonly TopologyLevelRef[] = LEVEL_NAMES.map((domain) => ({ domain, key: `bench/${domain}` }));

interface Shape {
  readonly zones: number;
  readonly blocks: number;
  readonly racks: number;
  readonly hosts: number;
  readonly gpus: number;
}

interface SimpleNode {
  readonly name: string;
  /** Domain index per level (global, so equal index = same domain). */
  readonly path: readonly number[];
}

function makeCluster(s: Shape): { objects: NodeObject[]; simple: SimpleNode[] } {
  const objects: NodeObject[] = [];
  const simple: SimpleNode[] = [];
  for (let z = 0; z < s.zones; z++)
    for (let b = 0; b < s.blocks; b++)
      for (let r = 0; r < s.racks; r++)
        for (let h = 0; h < s.hosts; h++) {
          const name = `n-${z}-${b}-${r}-${h}`;
          const block = z * s.blocks + b;
          const rack = block * s.racks + r;
          simple.push({ name, path: [z, block, rack, rack * s.hosts + h] });
          objects.push({
            metadata: { name, labels: { 'bench/zone': `z${z}`, 'bench/block': `b${b}`, 'bench/rack': `r${r}`, 'bench/host': name } },
            status: { allocatable: { [GPU]: String(s.gpus) } },
          });
        }
  // Names sort the same way the model sorts nodes, so indices agree between ours and the baselines.
  const order = simple.map((n, i) => ({ n, i })).sort((a, b) => (a.n.name < b.n.name ? -1 : 1));
  return { objects: order.map(({ i }) => objects[i] as NodeObject), simple: order.map(({ n }) => n) };
}

/** Deterministic pseudo-random numbers (mulberry32), so every run plans the same workload. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GangSpec {
  readonly name: string;
  readonly pods: number;
  readonly gpus: number;
  /** Level index of the required pack, or -1. */
  readonly required: number;
  readonly preferred: number;
}

function toGang(g: GangSpec): PlacementGang {
  const key = (l: number): string | undefined => (l < 0 ? undefined : LEVELS[l]?.key);
  return {
    name: g.name,
    namespace: 'bench',
    pack: { required: key(g.required), preferred: key(g.preferred) },
    podGroups: [{ name: g.name, minReplicas: g.pods, pods: Array.from({ length: g.pods }, (_, i) => ({ name: `${g.name}-${i}`, requests: { [GPU]: g.gpus } })) }],
  };
}

// ---- baselines ---------------------------------------------------------------------------------------

type Baseline = 'first-fit' | 'kai-best-fit';

/** Places gangs in arrival order, all-or-nothing; returns the nodes of each placed gang. `free` is updated in place. */
function baselinePlace(kind: Baseline, nodes: readonly SimpleNode[], free: Int32Array, gangs: readonly GangSpec[]): Map<string, number[]> {
  const placed = new Map<string, number[]>();
  const byDomain = LEVEL_NAMES.map((_, l) => {
    const m = new Map<number, number[]>();
    nodes.forEach((n, i) => {
      const d = n.path[l] ?? 0;
      const list = m.get(d);
      if (list === undefined) m.set(d, [i]);
      else list.push(i);
    });
    return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([, ns]) => ns);
  });
  const all = nodes.map((_, i) => i);
  const sum = (ns: readonly number[]): number => ns.reduce((s, i) => s + (free[i] ?? 0), 0);

  const tryDomain = (ns: readonly number[], g: GangSpec): number[] | undefined => {
    const used: number[] = [];
    for (let p = 0; p < g.pods; p++) {
      let pick = -1;
      if (kind === 'first-fit') {
        pick = ns.find((i) => (free[i] ?? 0) >= g.gpus) ?? -1;
      } else {
        let best = Number.POSITIVE_INFINITY;
        for (const i of ns) {
          const f = free[i] ?? 0;
          if (f >= g.gpus && f < best) {
            best = f;
            pick = i;
          }
        }
      }
      if (pick < 0) {
        for (const i of used) free[i] = (free[i] ?? 0) + g.gpus;
        return undefined;
      }
      free[pick] = (free[pick] ?? 0) - g.gpus;
      used.push(pick);
    }
    return used;
  };

  for (const g of gangs) {
    const need = g.pods * g.gpus;
    const levels: number[] = [];
    const floor = g.required;
    for (let l = g.preferred > floor ? g.preferred : floor; l >= floor; l--) levels.push(l);
    let ok: number[] | undefined;
    for (const l of levels) {
      let domains = l < 0 ? [all] : (byDomain[l] ?? []);
      if (kind === 'kai-best-fit') {
        // Fullest domain that fits first (KAI ranks by request/free and packs most-full-first).
        domains = domains.filter((ns) => sum(ns) >= need).sort((a, b) => sum(a) - sum(b));
      }
      for (const ns of domains) {
        if (sum(ns) < need) continue;
        ok = tryDomain(ns, g);
        if (ok !== undefined) break;
      }
      if (ok !== undefined) break;
    }
    if (ok !== undefined) placed.set(g.name, ok);
  }
  return placed;
}

// ---- (a) planning time ---------------------------------------------------------------------------------

function largeWorkload(count: number): GangSpec[] {
  const r = rng(42);
  const gpuChoices = [8, 8, 8, 8, 4, 4, 4, 2, 2, 1];
  return Array.from({ length: count }, (_, i) => {
    const gpus = gpuChoices[Math.floor(r() * gpuChoices.length)] ?? 8;
    const pods = 1 + Math.floor(r() * 24);
    const x = r();
    const required = x < 0.5 ? 2 : x < 0.75 ? 1 : -1;
    const preferred = r() < 0.3 ? 3 : -1;
    return { name: `g${i}`, pods, gpus, required, preferred };
  });
}

function timePlanning(): BenchResult {
  const shape: Shape = { zones: 4, blocks: 5, racks: 25, hosts: 20, gpus: 8 };
  const { objects, simple } = makeCluster(shape);
  const specs = largeWorkload(1000);
  const gangs = specs.map(toGang);
  const t0 = performance.now();
  const model = buildClusterModel({ nodes: objects, levels: LEVELS });
  const t1 = performance.now();
  const plan = planPlacement(model, gangs);
  const t2 = performance.now();
  const free = new Int32Array(simple.length).fill(shape.gpus);
  const t3 = performance.now();
  const ff = baselinePlace('first-fit', simple, free, specs);
  const t4 = performance.now();
  const ours = t2 - t1;
  const base = t4 - t3;
  return {
    name: 'placement: plan 1,000 gangs on 10,000 nodes (4 levels, 8 GPUs each)',
    figure: `${ours.toFixed(0)} ms to plan (${plan.placedGangs} of 1,000 gangs placed), plus ${(t1 - t0).toFixed(0)} ms to build the topology tree`,
    ratio: base / ours,
    baseline: `first fit in arrival order over domains in id order: ${base.toFixed(0)} ms (${ff.size} placed)`,
    details: {
      ourPlanMs: ours,
      modelBuildMs: t1 - t0,
      firstFitMs: base,
      ourPlacedGangs: plan.placedGangs,
      firstFitPlacedGangs: ff.size,
      demandGpus: specs.reduce((s, g) => s + g.pods * g.gpus, 0),
      clusterGpus: simple.length * shape.gpus,
    },
  };
}

// ---- (b) fragmentation ---------------------------------------------------------------------------------

// Waves of arrivals: mostly small unconstrained jobs and some rack-bound 8-GPU gangs. Between waves some
// jobs finish, which is what fragments a cluster over time.
function fragmentationWaves(): GangSpec[][] {
  const r = rng(7);
  const waves: GangSpec[][] = [];
  let n = 0;
  for (let w = 0; w < 30; w++) {
    const wave: GangSpec[] = [];
    for (let k = 0; k < 16; k++) {
      if (r() < 0.75) wave.push({ name: `s${n++}`, pods: 1 + Math.floor(r() * 3), gpus: [1, 1, 2, 2, 4][Math.floor(r() * 5)] ?? 1, required: -1, preferred: -1 });
      else wave.push({ name: `l${n++}`, pods: 4 + Math.floor(r() * 5), gpus: 8, required: 2, preferred: -1 });
    }
    waves.push(wave);
  }
  return waves;
}

interface FragOutcome {
  readonly gangs: number;
  readonly largeGangs: number;
  /** GPUs placed, summed over waves (GPU-waves of work admitted). */
  readonly gpuWaves: number;
  /** Mean over waves of free GPUs on partly used nodes. */
  readonly stranded: number;
  readonly ms: number;
}

type Placer = (free: Int32Array, wave: readonly GangSpec[]) => Map<string, number[]>;

/** Runs the waves with departures: after each wave a running job ends with probability 0.25. */
function simulate(simple: readonly SimpleNode[], gpusPerNode: number, waves: readonly GangSpec[][], place: Placer): FragOutcome {
  const r = rng(99);
  const free = new Int32Array(simple.length).fill(gpusPerNode);
  const running = new Map<string, { nodes: number[]; gpus: number }>();
  let gangs = 0;
  let largeGangs = 0;
  let gpuWaves = 0;
  let strandedSum = 0;
  let ms = 0;
  for (const wave of waves) {
    const t = performance.now();
    const placed = place(free, wave);
    ms += performance.now() - t;
    for (const g of wave) {
      const nodes = placed.get(g.name);
      if (nodes === undefined) continue;
      gangs++;
      if (g.name.startsWith('l')) largeGangs++;
      running.set(g.name, { nodes, gpus: g.gpus });
    }
    for (const job of running.values()) gpuWaves += job.nodes.length * job.gpus;
    for (const f of free) if (f > 0 && f < gpusPerNode) strandedSum += f;
    for (const [name, job] of [...running.entries()]) {
      if (r() >= 0.25) continue;
      for (const i of job.nodes) free[i] = (free[i] ?? 0) + job.gpus;
      running.delete(name);
    }
  }
  return { gangs, largeGangs, gpuWaves, stranded: strandedSum / waves.length, ms };
}

function fragmentation(): BenchResult[] {
  const shape: Shape = { zones: 2, blocks: 2, racks: 4, hosts: 8, gpus: 8 };
  const { objects, simple } = makeCluster(shape);
  const waves = fragmentationWaves();
  const index = new Map(simple.map((n, i) => [n.name, i]));

  // Canopy: each wave is planned on the cluster as it stands, bound pods taken from `free`.
  const ours = simulate(simple, shape.gpus, waves, (free, wave) => {
    const pods: PodObject[] = [];
    simple.forEach((n, i) => {
      const used = shape.gpus - (free[i] ?? 0);
      if (used > 0) pods.push({ metadata: { name: `used-${n.name}` }, spec: { nodeName: n.name, containers: [{ name: 'c', resources: { requests: { [GPU]: used } } }] } });
    });
    const plan = planPlacement(buildClusterModel({ nodes: objects, pods, levels: LEVELS }), wave.map(toGang));
    const out = new Map<string, number[]>();
    plan.gangs.forEach((g, k) => {
      if (!g.placed) return;
      const gpus = wave[k]?.gpus ?? 0;
      const nodes = g.assignments.map((a) => index.get(a.node) ?? 0);
      for (const i of nodes) free[i] = (free[i] ?? 0) - gpus;
      out.set(g.gang, nodes);
    });
    return out;
  });
  const ff = simulate(simple, shape.gpus, waves, (free, wave) => baselinePlace('first-fit', simple, free, wave));
  const kai = simulate(simple, shape.gpus, waves, (free, wave) => baselinePlace('kai-best-fit', simple, free, wave));
  const total = waves.flat();
  const common = {
    clusterGpus: simple.length * shape.gpus,
    gangsOffered: total.length,
    rackBoundOffered: total.filter((g) => g.name.startsWith('l')).length,
    ourPlanMs: ours.ms,
  };
  const result = (label: string, b: FragOutcome): BenchResult => ({
    name: `placement fragmentation vs ${label}`,
    figure: `${ours.gangs} of ${total.length} gangs placed (${ours.largeGangs} of ${common.rackBoundOffered} rack-bound), ${ours.gpuWaves} GPU-waves admitted, ${ours.stranded.toFixed(1)} GPUs stranded on partly used nodes (mean)`,
    ratio: ours.gpuWaves / Math.max(1, b.gpuWaves),
    baseline: `${label}: ${b.gangs} gangs (${b.largeGangs} rack-bound), ${b.gpuWaves} GPU-waves, ${b.stranded.toFixed(1)} GPUs stranded`,
    details: {
      ...common,
      ourGangs: ours.gangs,
      ourRackBoundGangs: ours.largeGangs,
      ourGpuWaves: ours.gpuWaves,
      ourStrandedGpusMean: ours.stranded,
      baselineGangs: b.gangs,
      baselineRackBoundGangs: b.largeGangs,
      baselineGpuWaves: b.gpuWaves,
      baselineStrandedGpusMean: b.stranded,
    },
  });
  return [result('first fit', ff), result('KAI-style best fit (fullest domain, fullest node)', kai)];
}

export function run(): Promise<BenchResult[]> {
  return Promise.resolve([timePlanning(), ...fragmentation()]);
}
