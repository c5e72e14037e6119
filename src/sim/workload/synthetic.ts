import type { Rng } from '../random/rng.ts';
import { sampleLengthPair, type LengthPair } from './lengths.ts';
import type { SimRequest } from './request.ts';

/** Requests at the given arrival times with (prompt, output) pairs drawn from an empirical table. */
export function synthesizeRequests(rng: Rng, arrivals: readonly number[], lengths: readonly LengthPair[], idPrefix = ''): SimRequest[] {
  return arrivals.map((arrival, i) => {
    const pair = sampleLengthPair(rng, lengths);
    return { id: `${idPrefix}${i}`, arrival, promptTokens: pair.promptTokens, outputTokens: pair.outputTokens };
  });
}
