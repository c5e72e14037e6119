import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ResponseCache, reusable, type RenderedResponse, type ResponseCacheLimits } from '../../../src/adapter/response-cache.ts';

const rendered = (text: string, status = 200): RenderedResponse => ({ status, body: Buffer.from(text), routeKind: 'selector' });
const small: ResponseCacheLimits = { maxEntries: 3, maxBytes: 9, maxEntryBytes: 6 };

describe('ResponseCache', () => {
  it('answers a target with what was stored for it under the same snapshot version', () => {
    const cache = new ResponseCache();
    cache.set(1, '/a?x=1', rendered('one'));
    expect(cache.get(1, '/a?x=1')?.body.toString()).toBe('one');
  });

  it('never answers one target with the body of another (query strings included)', () => {
    const cache = new ResponseCache();
    cache.set(1, '/a?labelSelector=role%3Dprefill', rendered('prefill'));
    cache.set(1, '/a?labelSelector=role%3Ddecode', rendered('decode'));
    expect(cache.get(1, '/a?labelSelector=role%3Dprefill')?.body.toString()).toBe('prefill');
    expect(cache.get(1, '/a?labelSelector=role%3Ddecode')?.body.toString()).toBe('decode');
    expect(cache.get(1, '/a')).toBeUndefined();
    expect(cache.get(1, '/a?labelSelector=role%3Dother')).toBeUndefined();
  });

  it('a new snapshot version invalidates every answer rendered from the old one', () => {
    const cache = new ResponseCache();
    cache.set(1, '/a', rendered('old'));
    cache.set(1, '/b', rendered('old b'));
    expect(cache.get(2, '/a')).toBeUndefined();
    cache.set(2, '/a', rendered('new'));
    expect(cache.get(2, '/a')?.body.toString()).toBe('new');
    expect(cache.get(2, '/b')).toBeUndefined();
    expect(cache.get(1, '/b')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('drops an answer rendered from an older snapshot than the one it holds (a read that raced a refresh)', () => {
    const cache = new ResponseCache();
    cache.set(5, '/a', rendered('v5'));
    cache.set(4, '/a', rendered('v4'));
    cache.set(4, '/b', rendered('v4 b'));
    expect(cache.get(5, '/a')?.body.toString()).toBe('v5');
    expect(cache.get(4, '/b')).toBeUndefined();
    expect(cache.get(5, '/b')).toBeUndefined();
  });

  it('never keeps a 5xx (provider or review failing at that moment) nor an oversized body', () => {
    expect(reusable(rendered('x', 503), small)).toBe(false);
    expect(reusable(rendered('x', 500), small)).toBe(false);
    expect(reusable(rendered('x', 404), small)).toBe(true);
    expect(reusable(rendered('1234567'), small)).toBe(false);
    const cache = new ResponseCache(small);
    cache.set(1, '/down', rendered('x', 503));
    cache.set(1, '/huge', rendered('1234567'));
    expect(cache.get(1, '/down')).toBeUndefined();
    expect(cache.get(1, '/huge')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the oldest answers first to stay within the entry and byte limits', () => {
    const cache = new ResponseCache(small);
    const held = (): (string | undefined)[] => ['/a', '/b', '/c', '/d', '/e', '/f'].map((t) => cache.get(1, t)?.body.toString());
    cache.set(1, '/a', rendered('aaa'));
    cache.set(1, '/b', rendered('bbb'));
    cache.set(1, '/c', rendered('ccc'));
    expect(held()).toEqual(['aaa', 'bbb', 'ccc', undefined, undefined, undefined]);
    expect(cache.bytes).toBe(9);
    // A fourth entry: the oldest goes (entry limit).
    cache.set(1, '/d', rendered('d'));
    expect(held()).toEqual([undefined, 'bbb', 'ccc', 'd', undefined, undefined]);
    expect(cache.bytes).toBe(7);
    // 6 more bytes: the oldest go until the sum fits (byte limit), here /b for the count and /c for the bytes.
    cache.set(1, '/f', rendered('ffffff'));
    expect(held()).toEqual([undefined, undefined, undefined, 'd', undefined, 'ffffff']);
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(7);
  });

  it('stores nothing under a version that names no snapshot (NaN, infinities)', () => {
    const cache = new ResponseCache();
    cache.set(1, '/a', rendered('v1'));
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) cache.set(v, '/a', rendered('bad'));
    expect(cache.get(1, '/a')?.body.toString()).toBe('v1');
    expect(cache.get(Number.NaN, '/a')).toBeUndefined();
    expect(cache.get(Number.POSITIVE_INFINITY, '/a')).toBeUndefined();
  });

  it('replacing a target keeps the byte count exact', () => {
    const cache = new ResponseCache(small);
    cache.set(1, '/a', rendered('aaaa'));
    cache.set(1, '/a', rendered('a'));
    expect(cache.bytes).toBe(1);
    expect(cache.size).toBe(1);
  });

  it('against a model: an answer is only ever the last one stored for that target at the newest version (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), version: fc.integer({ min: 0, max: 4 }), target: fc.constantFrom('/a', '/b', '/c', '/d', '/e'), text: fc.string({ maxLength: 8 }), status: fc.constantFrom(200, 404, 503) }),
      fc.record({ kind: fc.constant('get' as const), version: fc.integer({ min: 0, max: 4 }), target: fc.constantFrom('/a', '/b', '/c', '/d', '/e') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const limits: ResponseCacheLimits = { maxEntries: 3, maxBytes: 12, maxEntryBytes: 8 };
        const cache = new ResponseCache(limits);
        let newest = Number.NEGATIVE_INFINITY;
        const last = new Map<string, string>();
        for (const o of ops) {
          if (o.kind === 'set') {
            const r = rendered(o.text, o.status);
            const accepted = o.version >= newest && reusable(r, limits);
            if (o.version > newest && accepted) {
              newest = o.version;
              last.clear();
            }
            if (accepted) last.set(o.target, o.text);
            cache.set(o.version, o.target, r);
          } else {
            const got = cache.get(o.version, o.target);
            if (got !== undefined) {
              expect(o.version).toBe(newest);
              expect(got.body.toString()).toBe(last.get(o.target));
              expect(got.status).toBeLessThan(500);
            }
          }
          expect(cache.size).toBeLessThanOrEqual(limits.maxEntries);
          expect(cache.bytes).toBeLessThanOrEqual(limits.maxBytes);
        }
      }),
      { numRuns: 500 },
    );
  });
});
