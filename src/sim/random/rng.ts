/**
 * A seeded pseudo-random generator: xoshiro128** seeded through splitmix32.
 * The simulator must give the same answer for the same seed on every machine, so nothing here reads
 * Math.random or the clock. 32-bit state keeps all arithmetic in Math.imul / >>> 0, which V8 runs fast.
 */
export interface Rng {
  /** A uniform draw in [0, 1). */
  next(): number;
}

function splitmix32(state: number): { state: number; value: number } {
  const s = (state + 0x9e3779b9) >>> 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return { state: s, value: (z ^ (z >>> 16)) >>> 0 };
}

class Xoshiro128 implements Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let st = seed >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = splitmix32(st);
      st = r.state;
      words.push(r.value);
    }
    this.#a = words[0] ?? 1;
    this.#b = words[1] ?? 2;
    this.#c = words[2] ?? 3;
    this.#d = words[3] ?? 4;
    // The all-zero state is a fixed point of xoshiro; splitmix32 makes it practically impossible,
    // but a guard costs nothing.
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1;
  }

  next(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result / 4294967296;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A generator for a seed. Seeds are taken modulo 2^32; non-integers are truncated. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  return new Xoshiro128(Math.trunc(seed) >>> 0);
}

/**
 * A seed for an independent sub-stream, so that adding draws to one part of a simulation (say, lengths)
 * does not shift the draws of another (say, arrivals). FNV-1a over the label, mixed with the parent seed.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (Math.trunc(seed) >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(h >>> 0).value;
}
