/**
 * A binary min-heap of timed items. Items with equal times come out in the order they were pushed,
 * so a simulation replays identically whatever the heap's internal layout: ties are broken by a
 * monotonically increasing sequence number, never by object identity or insertion position.
 */
export class EventQueue<T> {
  #times: number[] = [];
  #seqs: number[] = [];
  #items: T[] = [];
  #nextSeq = 0;

  get size(): number {
    return this.#items.length;
  }

  push(time: number, item: T): void {
    if (Number.isNaN(time)) throw new RangeError('event time must not be NaN');
    let i = this.#items.length;
    this.#times.push(time);
    this.#seqs.push(this.#nextSeq++);
    this.#items.push(item);
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** The earliest time, or Infinity when empty. */
  peekTime(): number {
    return this.#times[0] ?? Infinity;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  pop(): { time: number; item: T } | undefined {
    const n = this.#items.length;
    if (n === 0) return undefined;
    const time = this.#times[0] ?? Infinity;
    const item = this.#items[0] as T;
    this.#swap(0, n - 1);
    this.#times.pop();
    this.#seqs.pop();
    this.#items.pop();
    // Sift down.
    const m = n - 1;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= m) break;
      const r = l + 1;
      const child = r < m && this.#less(r, l) ? r : l;
      if (!this.#less(child, i)) break;
      this.#swap(i, child);
      i = child;
    }
    return { time, item };
  }

  #less(a: number, b: number): boolean {
    const ta = this.#times[a] ?? Infinity;
    const tb = this.#times[b] ?? Infinity;
    return ta < tb || (ta === tb && (this.#seqs[a] ?? 0) < (this.#seqs[b] ?? 0));
  }

  #swap(a: number, b: number): void {
    const t = this.#times[a] ?? Infinity;
    this.#times[a] = this.#times[b] ?? Infinity;
    this.#times[b] = t;
    const s = this.#seqs[a] ?? 0;
    this.#seqs[a] = this.#seqs[b] ?? 0;
    this.#seqs[b] = s;
    const item = this.#items[a] as T;
    this.#items[a] = this.#items[b] as T;
    this.#items[b] = item;
  }
}
