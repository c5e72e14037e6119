import type { Labels } from '../../signals/parse/types.ts';
import { GROVE_LABELS } from '../../signals/aggregate/aggregate.ts';
import type { ScrapeTarget } from '../../signals/sources/targets.ts';
import { DEFAULT_RELABEL, podRelabelRules, prometheusLabelName, type PrometheusRelabel, type RelabelRule } from '../../signals/sources/prometheus.ts';
import { deriveSeed } from '../random/rng.ts';
import type { ExpositionDialect } from '../exposition/naming.ts';
import type { LoadProfile } from './load.ts';
import { startEngineServer, type EngineServer } from './server.ts';

export interface FleetPod {
  readonly name: string;
  readonly labels: Labels;
}

export interface FleetOptions {
  readonly count: number;
  readonly dialect?: ExpositionDialect;
  readonly model?: string;
  readonly namespace?: string;
  readonly seed?: number;
  /** One load for every engine. */
  readonly load?: LoadProfile;
  /** A load per engine index (wins over `load`). */
  readonly loadFor?: (index: number) => LoadProfile;
  /** Grove placement of the generated pods (ignored when `pods` is given). */
  readonly podCliqueSet?: string;
  readonly replicaIndex?: number;
  /** The clique's template name; the PodClique is `<pcs>-<replica>-<clique>`. */
  readonly clique?: string;
  /** When set, the clique belongs to this PodCliqueScalingGroup (`<pcs>-<replica>-<sg>`). */
  readonly scalingGroup?: string;
  /** Explicit pod names and labels, one per engine. */
  readonly pods?: readonly FleetPod[];
}

export interface EngineFleet {
  readonly namespace: string;
  readonly engines: readonly { readonly server: EngineServer; readonly pod: FleetPod; readonly target: ScrapeTarget }[];
  readonly targets: readonly ScrapeTarget[];
  advance(seconds: number): void;
  close(): Promise<void>;
}

/** Pod names and labels as Grove gives them to one clique's pods. */
export function grovePods(count: number, options: Pick<FleetOptions, 'podCliqueSet' | 'replicaIndex' | 'clique' | 'scalingGroup'> = {}): FleetPod[] {
  const pcs = options.podCliqueSet ?? 'inference';
  const replica = options.replicaIndex ?? 0;
  const clique = options.clique ?? 'worker';
  const sg = options.scalingGroup;
  const cliqueName = sg === undefined ? `${pcs}-${String(replica)}-${clique}` : `${pcs}-${String(replica)}-${sg}-0-${clique}`;
  const labels: Record<string, string> = {
    [GROVE_LABELS.partOf]: pcs,
    [GROVE_LABELS.podCliqueSetReplicaIndex]: String(replica),
    [GROVE_LABELS.podClique]: cliqueName,
  };
  if (sg !== undefined) labels[GROVE_LABELS.podCliqueScalingGroup] = `${pcs}-${String(replica)}-${sg}`;
  return Array.from({ length: count }, (_, i) => ({ name: `${cliqueName}-${String(i)}`, labels }));
}

/** Starts `count` simulated engines, each looking like one Grove pod. */
export async function startEngineFleet(options: FleetOptions): Promise<EngineFleet> {
  const namespace = options.namespace ?? 'default';
  const pods = options.pods ?? grovePods(options.count, options);
  if (pods.length !== options.count) throw new RangeError(`${String(options.count)} engines but ${String(pods.length)} pods`);
  const seed = options.seed ?? 1;
  const engines: { server: EngineServer; pod: FleetPod; target: ScrapeTarget }[] = [];
  try {
    for (const [i, pod] of pods.entries()) {
      const load = options.loadFor === undefined ? options.load : options.loadFor(i);
      const server = await startEngineServer({
        dialect: options.dialect ?? 'vllm',
        model: options.model ?? 'model',
        seed: deriveSeed(seed, pod.name),
        ...(load === undefined ? {} : { load }),
      });
      engines.push({ server, pod, target: { namespace, pod: pod.name, labels: pod.labels, url: server.url } });
    }
  } catch (error) {
    await Promise.all(engines.map((e) => e.server.close()));
    throw error;
  }
  return {
    namespace,
    engines,
    targets: engines.map((e) => e.target),
    advance(seconds) {
      for (const e of engines) e.server.advance(seconds);
    },
    close: async () => {
      await Promise.all(engines.map((e) => e.server.close()));
    },
  };
}

/** A Prometheus scrape job for a fleet (a type alias, so it fits scrape-config types with an index signature). */
export type FleetScrapeConfig = {
  readonly job_name: string;
  readonly metrics_path: string;
  readonly static_configs: { readonly targets: string[]; readonly labels: Record<string, string> }[];
  readonly relabel_configs: RelabelRule[];
};

/**
 * A static scrape job that hands Prometheus each engine with the `__meta_kubernetes_*` labels pod
 * discovery would attach, so the SAME relabel rules a cluster uses (podRelabelRules) are exercised.
 */
export function fleetScrapeConfig(fleet: EngineFleet, jobName = 'engines', relabel: PrometheusRelabel = DEFAULT_RELABEL): FleetScrapeConfig {
  return {
    job_name: jobName,
    metrics_path: fleet.engines[0]?.server.path ?? '/metrics',
    static_configs: fleet.engines.map((e) => {
      const labels: Record<string, string> = {
        __meta_kubernetes_namespace: fleet.namespace,
        __meta_kubernetes_pod_name: e.pod.name,
      };
      for (const [k, v] of Object.entries(e.pod.labels)) labels[`__meta_kubernetes_pod_label_${prometheusLabelName(k)}`] = v;
      return { targets: [`${e.server.host}:${String(e.server.port)}`], labels };
    }),
    relabel_configs: podRelabelRules(relabel),
  };
}
