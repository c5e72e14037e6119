// Rendered answers, reused while the provider's snapshot is unchanged. The HPA asks the same questions
// (same path, same selectors) on every sync, and between two provider refreshes the answer to a question
// is the same bytes, so the plan, the provider read, the document and its JSON are done once per
// (request target, snapshot version). Only the rendering is shared: authentication and authorization
// still run on every request, before this cache is consulted.
import type { AdapterResponse } from './handler.ts';

export interface RenderedResponse {
  readonly status: number;
  /** The JSON text, already encoded. */
  readonly body: Buffer;
  readonly routeKind: AdapterResponse['routeKind'];
}

export interface ResponseCacheLimits {
  readonly maxEntries: number;
  /** Sum of the bodies held. */
  readonly maxBytes: number;
  /** A larger body is never held (one huge answer must not flush every other). */
  readonly maxEntryBytes: number;
}

export const defaultResponseCacheLimits: ResponseCacheLimits = { maxEntries: 1024, maxBytes: 32 << 20, maxEntryBytes: 1 << 20 };

/**
 * Whether an answer may be reused for the same target and snapshot. A 5xx reports the provider or the
 * review failing at that moment (a timeout, an outage), not the snapshot, so it is never reused.
 */
export function reusable(response: Pick<RenderedResponse, 'status' | 'body'>, limits: ResponseCacheLimits): boolean {
  return response.status < 500 && response.body.length <= limits.maxEntryBytes;
}

/**
 * Keyed by the raw request target of a GET. Holds one snapshot version at a time: the first answer stored
 * for a newer version drops everything older, and answers for an older version (a read that started
 * before a refresh) are not stored at all. Oldest entries go first when a limit is reached.
 */
export class ResponseCache {
  readonly #limits: ResponseCacheLimits;
  readonly #entries = new Map<string, RenderedResponse>();
  #version = Number.NEGATIVE_INFINITY;
  #bytes = 0;

  constructor(limits: ResponseCacheLimits = defaultResponseCacheLimits) {
    this.#limits = limits;
  }

  get(version: number, target: string): RenderedResponse | undefined {
    return version === this.#version ? this.#entries.get(target) : undefined;
  }

  /** A version that is not a finite number names no snapshot: nothing is stored under it. */
  set(version: number, target: string, response: RenderedResponse): void {
    if (!Number.isFinite(version) || version < this.#version || !reusable(response, this.#limits)) return;
    if (version > this.#version) {
      this.#entries.clear();
      this.#bytes = 0;
      this.#version = version;
    }
    this.#delete(target);
    while (
      this.#entries.size > 0 &&
      (this.#entries.size >= this.#limits.maxEntries || this.#bytes + response.body.length > this.#limits.maxBytes)
    ) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#delete(oldest.value);
    }
    this.#entries.set(target, response);
    this.#bytes += response.body.length;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #delete(target: string): void {
    const old = this.#entries.get(target);
    if (old === undefined) return;
    this.#entries.delete(target);
    this.#bytes -= old.body.length;
  }
}
