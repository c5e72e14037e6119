// Shared by simulate, tune, demo and the benchmark: SLO flags, the scenario from a policy file (or the
// built-in default), and a cluster large enough for every role at its maximum.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { PodCliqueSetSchema, type PodCliqueSet } from '../../api/index.ts';
import { formatFieldPath, parseScalingPolicy } from '../../api/scaling-policy.ts';
import type { EngineProfile } from '../engine/profile.ts';
import type { RackClusterSpec } from '../loop/cluster.ts';
import type { RouterKind } from '../loop/types.ts';
import { scenarioFromManifests, type Scenario } from '../loop/scenario.ts';
import { DEFAULT_SLO, type Slo } from '../score/slo.ts';
import { defaultPodCliqueSet, defaultPolicy } from './default-scenario.ts';
import { maxGpus } from './experiment.ts';

export class InputError extends Error {
  override readonly name = 'InputError';
}

/** `ttft=0.5,itl=0.05[,q=0.9]` (seconds). */
export function parseSlo(text: string | undefined): Slo {
  if (text === undefined) return DEFAULT_SLO;
  const out: { ttftSeconds: number; itlSeconds: number; quantile: number } = { ttftSeconds: DEFAULT_SLO.ttftSeconds, itlSeconds: DEFAULT_SLO.itlSeconds, quantile: DEFAULT_SLO.quantile ?? 0.9 };
  for (const part of text.split(',')) {
    const [key, raw] = part.split('=').map((s) => s.trim());
    const v = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(v) || v <= 0) throw new InputError(`--slo: ${JSON.stringify(part)} must be key=positive number`);
    if (key === 'ttft') out.ttftSeconds = v;
    else if (key === 'itl') out.itlSeconds = v;
    else if (key === 'q' || key === 'quantile') {
      if (v >= 1) throw new InputError('--slo: q must be below 1');
      out.quantile = v;
    } else throw new InputError(`--slo: unknown key ${JSON.stringify(key)} (ttft, itl, q)`);
  }
  return out;
}

export function isRouterKind(s: string): s is RouterKind {
  return s === 'least-loaded' || s === 'round-robin';
}

export function parsePositive(name: string, raw: string | undefined, fallback: number, integer = false): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new InputError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(raw)}`);
  return v;
}

function readPcs(file: string): PodCliqueSet {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const value: unknown = doc.toJS();
    if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'PodCliqueSet') {
      const r = PodCliqueSetSchema.safeParse(value);
      if (!r.success) throw new InputError(`${file}: not a valid PodCliqueSet: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return r.data;
    }
  }
  throw new InputError(`${file}: no PodCliqueSet in the file`);
}

export interface ScenarioSource {
  /** `default` or a ScalingPolicy file. */
  readonly policy: string;
  /** The PodCliqueSet file; default: podcliqueset.yaml next to the policy file. */
  readonly pcs?: string | undefined;
  readonly profile: EngineProfile;
  readonly slo: Slo;
  readonly startupSeconds: number;
}

export function loadScenario(src: ScenarioSource): Scenario {
  if (src.policy === 'default') {
    return scenarioFromManifests(defaultPodCliqueSet(), defaultPolicy({ profile: src.profile, slo: src.slo, startupSeconds: src.startupSeconds }), src.profile);
  }
  if (!existsSync(src.policy)) throw new InputError(`--policy: no such file ${src.policy} (or use "default")`);
  const parsed = parseScalingPolicy(parseYaml(readFileSync(src.policy, 'utf8')));
  if (!parsed.ok) throw new InputError(parsed.issues.map((i) => `${src.policy}: ${formatFieldPath(i.path)}: ${i.message}`).join('\n'));
  const pcsFile = src.pcs ?? join(dirname(src.policy), 'podcliqueset.yaml');
  if (!existsSync(pcsFile)) throw new InputError(`--pcs: no such file ${pcsFile}`);
  try {
    return scenarioFromManifests(readPcs(pcsFile), parsed.value, src.profile);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError((e as Error).message);
  }
}

/** Racks of 4 nodes × 8 GPUs, enough for every role at its maximum. */
export function clusterFor(scenario: Scenario): RackClusterSpec {
  const gpus = maxGpus(scenario);
  return { racks: Math.max(1, Math.ceil(gpus / 32)), nodesPerRack: 4, gpusPerNode: 8 };
}

/** The flags `simulate` and `tune` share, as commander hands them over (strings). */
export interface ExperimentFlags {
  policy: string;
  trace: string;
  pcs?: string;
  seed?: string;
  slo?: string;
  scale?: string;
  duration?: string;
  startup?: string;
  warmup?: string;
}

/** What those flags mean; throws InputError naming the flag on a bad value. */
export interface ExperimentOptions {
  readonly policy: string;
  readonly pcs?: string | undefined;
  readonly trace: string;
  readonly seed: number;
  readonly slo: Slo;
  readonly scale: number;
  readonly durationSeconds?: number | undefined;
  readonly startupSeconds: number;
  readonly warmupSeconds: number;
}

export function experimentOptions(flags: ExperimentFlags): ExperimentOptions {
  return {
    policy: flags.policy,
    pcs: flags.pcs,
    trace: flags.trace,
    seed: parsePositive('--seed', flags.seed, 1, true),
    slo: parseSlo(flags.slo),
    scale: parsePositive('--scale', flags.scale, 1),
    durationSeconds: flags.duration === undefined ? undefined : parsePositive('--duration', flags.duration, 0),
    startupSeconds: parsePositive('--startup', flags.startup, 60),
    warmupSeconds: flags.warmup === undefined || flags.warmup === '0' ? 0 : parsePositive('--warmup', flags.warmup, 0),
  };
}
