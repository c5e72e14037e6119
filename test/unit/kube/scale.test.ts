import { describe, expect, it } from 'vitest';
import { parseScale, setReplicas, type ScaleClient, type ScaleState, type ScaleTarget } from '../../../src/kube/scale.ts';
import { backoffDelay, withRetry } from '../../../src/kube/retry.ts';

const target: ScaleTarget = { kind: 'PodClique', namespace: 'ns', name: 'svc-0-decode' };

class ApiError extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`HTTP ${code}`);
    this.code = code;
  }
}

/** An in-memory /scale that behaves like the API server's optimistic concurrency. */
function fakeScale(initial: number, interfere: number[] = []): ScaleClient & { writes: number[] } {
  let state: ScaleState = { specReplicas: initial, statusReplicas: initial, selector: 'a=b', resourceVersion: '1' };
  const writes: number[] = [];
  return {
    writes,
    get: () => Promise.resolve(state),
    patchReplicas: (_t, replicas, rv) => {
      const other = interfere.shift();
      if (other !== undefined) state = { ...state, specReplicas: other, resourceVersion: String(Number(state.resourceVersion) + 1) };
      if (rv !== state.resourceVersion) return Promise.reject(new ApiError(409));
      writes.push(replicas);
      state = { ...state, specReplicas: replicas, resourceVersion: String(Number(rv) + 1) };
      return Promise.resolve(state);
    },
  };
}

const noSleep = { sleep: () => Promise.resolve(), random: () => 0 };

describe('setReplicas', () => {
  it('does not write when spec.replicas already has the value', async () => {
    const c = fakeScale(3);
    expect(await setReplicas(c, target, 3, noSleep)).toEqual({ target, from: 3, to: 3, changed: false });
    expect(c.writes).toEqual([]);
  });

  it('writes once when the value differs', async () => {
    const c = fakeScale(2);
    expect(await setReplicas(c, target, 5, noSleep)).toMatchObject({ from: 2, to: 5, changed: true });
    expect(c.writes).toEqual([5]);
  });

  it('re-reads and retries after a conflict, reporting the value it replaced', async () => {
    const c = fakeScale(2, [4]);
    expect(await setReplicas(c, target, 6, noSleep)).toMatchObject({ from: 4, to: 6, changed: true });
    expect(c.writes).toEqual([6]);
  });

  it('gives up after the configured attempts on persistent conflicts', async () => {
    const c = fakeScale(2, [3, 4, 5]);
    await expect(setReplicas(c, target, 6, { ...noSleep, attempts: 3 })).rejects.toMatchObject({ code: 409 });
  });

  it('rejects negative or fractional replicas before any I/O', async () => {
    const c = fakeScale(2);
    await expect(setReplicas(c, target, -1, noSleep)).rejects.toThrow(RangeError);
    await expect(setReplicas(c, target, 1.5, noSleep)).rejects.toThrow(RangeError);
  });
});

describe('withRetry', () => {
  it('does not retry a 404 or 422', async () => {
    for (const code of [404, 422]) {
      let calls = 0;
      await expect(withRetry(() => { calls++; return Promise.reject(new ApiError(code)); }, noSleep)).rejects.toMatchObject({ code });
      expect(calls).toBe(1);
    }
  });

  it('retries throttling and 5xx, then succeeds', async () => {
    const codes = [429, 503];
    const delays: number[] = [];
    const out = await withRetry(
      () => { const c = codes.shift(); return c === undefined ? Promise.resolve('ok') : Promise.reject(new ApiError(c)); },
      { sleep: (ms) => { delays.push(ms); return Promise.resolve(); }, random: () => 0.5, baseDelayMs: 100 },
    );
    expect(out).toBe('ok');
    // attempt 0: ceiling 100 → 50 + 25; attempt 1: ceiling 200 → 100 + 50
    expect(delays).toEqual([75, 150]);
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(backoffDelay(20, 100, 5_000, () => 0.999)).toBeLessThanOrEqual(5_000);
    expect(backoffDelay(20, 100, 5_000, () => 0)).toBe(2_500);
  });
});

describe('parseScale', () => {
  it('reads spec, status and the published selector', () => {
    expect(parseScale({ metadata: { resourceVersion: '7' }, spec: { replicas: 2 }, status: { replicas: 1, selector: 'x=y' } })).toEqual({
      specReplicas: 2, statusReplicas: 1, selector: 'x=y', resourceVersion: '7',
    });
  });
  it('treats an unpublished status as zero replicas and an empty selector', () => {
    expect(parseScale({ metadata: { resourceVersion: '1' }, spec: { replicas: 3 } })).toMatchObject({ statusReplicas: 0, selector: '' });
  });
});
