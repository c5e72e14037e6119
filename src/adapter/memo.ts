// A remembered pure function, for inputs that repeat on every request (selectors, paths). `key` must
// tell apart every two inputs the function could answer differently. Bounded: when full it starts over,
// so a flood of distinct inputs costs recomputation, never memory.

export function boundedMemo<A extends readonly unknown[], V>(
  maxEntries: number,
  key: (...args: A) => string,
  compute: (...args: A) => V,
): (...args: A) => V {
  const remembered = new Map<string, V>();
  return (...args) => {
    const k = key(...args);
    if (remembered.has(k)) return remembered.get(k) as V;
    const value = compute(...args);
    if (remembered.size >= maxEntries) remembered.clear();
    remembered.set(k, value);
    return value;
  };
}
