// The resilient informer (src/kube/informer.ts) against a scripted list/watch source.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Informer, type ListResult, type ListWatchSource, type WatchEventType } from '../../../../src/kube/informer.ts';

interface Obj {
  metadata: { name: string; namespace?: string; resourceVersion: string };
  v?: number;
}

const obj = (name: string, rv: string, v = 0): Obj => ({ metadata: { name, namespace: 'ns', resourceVersion: rv }, v });

interface OpenWatch {
  readonly from: string;
  readonly event: (type: WatchEventType, o: unknown) => void;
  readonly done: (err?: unknown) => void;
  aborted: boolean;
}

class ScriptedSource implements ListWatchSource<Obj> {
  readonly lists: (ListResult<Obj> | Error)[] = [];
  readonly watches: OpenWatch[] = [];
  listCalls = 0;
  list(): Promise<ListResult<Obj>> {
    this.listCalls++;
    const next = this.lists.shift();
    if (next === undefined) return Promise.reject(new Error('no list scripted'));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
  watch(from: string, event: OpenWatch['event'], done: OpenWatch['done']): Promise<() => void> {
    const w: OpenWatch = { from, event, done, aborted: false };
    this.watches.push(w);
    return Promise.resolve(() => {
      w.aborted = true;
    });
  }
  get last(): OpenWatch {
    const w = this.watches[this.watches.length - 1];
    if (w === undefined) throw new Error('no watch open');
    return w;
  }
}

const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
};

describe('Informer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const make = (src: ScriptedSource, more: ConstructorParameters<typeof Informer<Obj>>[1] = {}): { inf: Informer<Obj>; events: string[] } => {
    const inf = new Informer<Obj>(src, { random: () => 0, now: () => Date.now(), relistIntervalMs: 0, watchdogMs: 0, ...more });
    const events: string[] = [];
    inf.on((e, o) => events.push(`${e}:${o.metadata.name}`));
    return { inf, events };
  };

  it('lists, becomes synced, then applies watch events to the cache', async () => {
    const src = new ScriptedSource();
    src.lists.push({ items: [obj('a', '1')], resourceVersion: '5' });
    const { inf, events } = make(src);
    inf.start();
    await inf.synced;
    await flush();
    expect(inf.hasSynced).toBe(true);
    expect(src.last.from).toBe('5');
    src.last.event('ADDED', obj('b', '6'));
    src.last.event('MODIFIED', obj('a', '7', 1));
    src.last.event('DELETED', obj('b', '8'));
    expect(inf.list().map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)).toEqual(['a@7']);
    expect(inf.get('a', 'ns')?.v).toBe(1);
    expect(events).toEqual(['add:a', 'add:b', 'update:a', 'delete:b']);
    await inf.stop();
  });

  it('re-watches from the last resourceVersion (bookmarks included) when the server closes the stream', async () => {
    const src = new ScriptedSource();
    src.lists.push({ items: [], resourceVersion: '5' });
    const { inf } = make(src);
    inf.start();
    await flush();
    src.last.event('BOOKMARK', { metadata: { resourceVersion: '9' } });
    src.last.done();
    await flush();
    expect(src.watches).toHaveLength(2);
    expect(src.last.from).toBe('9');
    expect(src.listCalls).toBe(1);
    await inf.stop();
  });

  it('re-lists after 410 Gone and reports objects that vanished meanwhile as deleted', async () => {
    const src = new ScriptedSource();
    src.lists.push({ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '5' });
    src.lists.push({ items: [obj('a', '1'), obj('c', '12')], resourceVersion: '12' });
    const { inf, events } = make(src);
    inf.start();
    await flush();
    src.last.event('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    await flush();
    expect(src.listCalls).toBe(2);
    expect(src.watches[0]?.aborted).toBe(true);
    expect(src.last.from).toBe('12');
    expect(events).toEqual(['add:a', 'add:b', 'add:c', 'delete:b']);
    await inf.stop();
  });

  it('backs off with growing jittered delays after errors, then recovers', async () => {
    const src = new ScriptedSource();
    src.lists.push(new Error('connection refused'), new Error('connection refused'), { items: [obj('a', '1')], resourceVersion: '3' });
    const errors: unknown[] = [];
    const { inf } = make(src, { backoffBaseMs: 100, backoffMaxMs: 10_000, onError: (e) => errors.push(e) });
    inf.start();
    await flush();
    expect(src.listCalls).toBe(1);
    // random() = 0 gives half the ceiling: 50 ms after the first failure, 100 ms after the second.
    await vi.advanceTimersByTimeAsync(49);
    expect(src.listCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(src.listCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(src.listCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(src.listCalls).toBe(3);
    expect(inf.hasSynced).toBe(true);
    expect(errors).toHaveLength(2);
    expect(inf.stats.errors).toBe(2);
    await inf.stop();
  });

  it('treats a failed watch as an error: backs off, then re-lists', async () => {
    const src = new ScriptedSource();
    src.lists.push({ items: [], resourceVersion: '5' }, { items: [], resourceVersion: '6' });
    const { inf } = make(src, { backoffBaseMs: 100 });
    inf.start();
    await flush();
    src.last.done(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await flush();
    expect(src.listCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(src.listCalls).toBe(2);
    expect(src.last.from).toBe('6');
    await inf.stop();
  });

  it('re-lists when no event arrived within the watchdog period', async () => {
    const src = new ScriptedSource();
    src.lists.push({ items: [], resourceVersion: '5' }, { items: [], resourceVersion: '7' });
    const { inf } = make(src, { watchdogMs: 1_000 });
    inf.start();
    await flush();
    await vi.advanceTimersByTimeAsync(600);
    src.last.event('ADDED', obj('a', '6')); // an event re-arms the watchdog
    await vi.advanceTimersByTimeAsync(900);
    expect(src.listCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(src.listCalls).toBe(2);
    expect(src.watches[0]?.aborted).toBe(true);
    await inf.stop();
  });

  it('re-lists periodically even while the watch is healthy', async () => {
    const src = new ScriptedSource();
    src.lists.push({ items: [obj('a', '1')], resourceVersion: '5' }, { items: [], resourceVersion: '9' });
    const { inf, events } = make(src, { relistIntervalMs: 5_000 });
    inf.start();
    await flush();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(src.listCalls).toBe(2);
    // The delete the watch missed is healed by the re-list.
    expect(events).toEqual(['add:a', 'delete:a']);
    await inf.stop();
  });

  it('stops even when the watch never reports its end', async () => {
    const src = new ScriptedSource();
    src.lists.push({ items: [], resourceVersion: '5' });
    const { inf } = make(src);
    inf.start();
    await flush();
    await inf.stop();
    expect(src.last.aborted).toBe(true);
  });
});
