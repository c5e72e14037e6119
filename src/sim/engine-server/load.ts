import { createRng, deriveSeed, type Rng } from '../random/rng.ts';
import { sampleEmpirical, sampleExponential, sampleStandardNormal } from '../random/samplers.ts';
import { createEngineMetrics, type EngineMetrics, type EngineMetricsOptions } from '../exposition/engine-metrics.ts';

/** A distribution of a positive quantity (seconds, tokens). */
export type Distribution =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  /** exp(N(ln median, sigma²)). */
  | { readonly kind: 'lognormal'; readonly median: number; readonly sigma: number }
  | { readonly kind: 'exponential'; readonly mean: number }
  | { readonly kind: 'empirical'; readonly values: readonly number[] };

export function sample(rng: Rng, d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'uniform':
      return d.min + (d.max - d.min) * rng.next();
    case 'lognormal':
      return d.median * Math.exp(d.sigma * sampleStandardNormal(rng));
    case 'exponential':
      return sampleExponential(rng, 1 / d.mean);
    case 'empirical':
      return sampleEmpirical(rng, d.values);
  }
}

/** What the engine is going through at one instant. */
export interface EngineLoad {
  /** Requests finishing per second. Counts are deterministic: a fractional carry, no Poisson noise. */
  readonly rps: number;
  readonly ttftSeconds: Distribution;
  readonly itlSeconds: Distribution;
  /** Output tokens per request (default 64); each request makes tokens − 1 ITL observations. */
  readonly outputTokens?: Distribution;
  /** Prompt tokens per request (default 256). */
  readonly promptTokens?: Distribution;
  readonly waiting: number;
  readonly running: number;
  /** KV-cache use, fraction 0–1. */
  readonly kv: number;
}

/** A load that is fixed, or a function of the engine's own clock (seconds since it started). */
export type LoadProfile = EngineLoad | ((t: number) => EngineLoad);

export const IDLE: EngineLoad = {
  rps: 0,
  ttftSeconds: { kind: 'constant', value: 0 },
  itlSeconds: { kind: 'constant', value: 0 },
  waiting: 0,
  running: 0,
  kv: 0,
};

export interface EngineSimulationOptions extends EngineMetricsOptions {
  readonly seed: number;
  readonly load?: LoadProfile;
  /** advance() walks time in steps no longer than this (default 1 s), re-reading a time-varying load. */
  readonly stepSeconds?: number;
}

/** A simulated engine's metrics, driven by a programmable load on a clock only advance() moves. */
export interface EngineSimulation {
  readonly metrics: EngineMetrics;
  /** Seconds simulated so far. */
  time(): number;
  /** Requests finished so far. */
  finished(): number;
  setLoad(load: LoadProfile): void;
  advance(seconds: number): void;
  render(): string;
}

const DEFAULT_OUTPUT: Distribution = { kind: 'constant', value: 64 };
const DEFAULT_PROMPT: Distribution = { kind: 'constant', value: 256 };

export function createEngineSimulation(options: EngineSimulationOptions): EngineSimulation {
  const metrics = createEngineMetrics(options);
  const step = options.stepSeconds ?? 1;
  if (!(step > 0)) throw new RangeError(`stepSeconds must be positive, got ${String(step)}`);
  // Separate streams: changing the token lengths must not shift the latency draws.
  const latencyRng = createRng(deriveSeed(options.seed, 'latency'));
  const lengthRng = createRng(deriveSeed(options.seed, 'lengths'));
  let profile: LoadProfile = options.load ?? IDLE;
  let now = 0;
  let carry = 0;
  let done = 0;

  const loadAt = (t: number): EngineLoad => (typeof profile === 'function' ? profile(t) : profile);

  const finishOne = (load: EngineLoad): void => {
    const prompt = Math.max(1, Math.round(sample(lengthRng, load.promptTokens ?? DEFAULT_PROMPT)));
    const output = Math.max(1, Math.round(sample(lengthRng, load.outputTokens ?? DEFAULT_OUTPUT)));
    const ttft = Math.max(0, sample(latencyRng, load.ttftSeconds));
    let e2e = ttft;
    metrics.observeTtft(ttft);
    for (let i = 1; i < output; i++) {
      const gap = Math.max(0, sample(latencyRng, load.itlSeconds));
      metrics.observeItl(gap);
      e2e += gap;
    }
    metrics.observeE2e(e2e);
    metrics.addPromptTokens(prompt);
    metrics.addGenerationTokens(output);
    metrics.countFinishedRequest();
    done++;
  };

  const setGauges = (load: EngineLoad): void => {
    metrics.setWaiting(load.waiting);
    metrics.setRunning(load.running);
    metrics.setKvCacheUsage(load.kv);
  };
  setGauges(loadAt(0));

  return {
    metrics,
    time: () => now,
    finished: () => done,
    setLoad(load) {
      profile = load;
      setGauges(loadAt(now));
    },
    advance(seconds) {
      if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`cannot advance by ${String(seconds)} s`);
      let left = seconds;
      while (left > 0) {
        const dt = Math.min(step, left);
        const load = loadAt(now);
        if (!(load.rps >= 0)) throw new RangeError(`rps must be ≥ 0, got ${String(load.rps)}`);
        carry += load.rps * dt;
        // The epsilon keeps 0.1 × 10 steps from yielding 0.9999… requests.
        const n = Math.floor(carry + 1e-9);
        carry -= n;
        for (let i = 0; i < n; i++) finishOne(load);
        now += dt;
        left -= dt;
        setGauges(loadAt(now));
      }
    },
    render: () => metrics.render(),
  };
}
