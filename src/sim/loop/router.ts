// The request router in front of a pool's ready engines.
import type { RouterKind } from './types.ts';

export interface Routable {
  readonly replica: { readonly outstanding: number };
}

export interface RouterState {
  cursor: number;
}

/**
 * round-robin: the candidates in turn (the cursor counts requests, so a pool that grows or shrinks keeps
 * rotating); least-loaded: fewest waiting + running requests, the first candidate on ties.
 * Undefined when there is no candidate.
 */
export function pickEngine<T extends Routable>(candidates: readonly T[], kind: RouterKind, state: RouterState): T | undefined {
  if (candidates.length === 0) return undefined;
  if (kind === 'round-robin') {
    const chosen = candidates[state.cursor % candidates.length];
    state.cursor = (state.cursor + 1) % Number.MAX_SAFE_INTEGER;
    return chosen;
  }
  let best = candidates[0];
  let bestLoad = best?.replica.outstanding ?? Infinity;
  for (let i = 1; i < candidates.length; i++) {
    const c = candidates[i];
    const load = c?.replica.outstanding ?? Infinity;
    if (load < bestLoad) {
      best = c;
      bestLoad = load;
    }
  }
  return best;
}
