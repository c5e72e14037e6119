// A list-and-watch cache that keeps itself alive. client-node's ListWatch stops for good on the first
// watch error and offers no way to force a re-list, so this informer drives client-node's Watch itself:
// list, then watch from the list's resourceVersion; re-watch when the server closes the stream; re-list
// after "410 Gone", after any error (with jittered exponential backoff), periodically (to heal a cache
// that missed a delete), and when no event has arrived for a while (a watch that hangs silently).
// Objects are kept as the API server sends them (plain JSON), for both list and watch.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { backoffDelay } from './retry.ts';

/** The metadata the cache needs; every Kubernetes object has it. */
export interface CachedObject {
  readonly metadata?: { readonly name?: string | undefined; readonly namespace?: string | undefined; readonly resourceVersion?: string | undefined } | undefined;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface ListResult<T> {
  readonly items: readonly T[];
  readonly resourceVersion: string;
}

/** How an informer reaches the API: injectable, so the loop is testable without a server. */
export interface ListWatchSource<T> {
  list(): Promise<ListResult<T>>;
  /**
   * Starts a watch from `resourceVersion`. `onDone` is called once when the stream ends (err undefined
   * for a clean close). Returns a function that aborts the watch (after which onDone may or may not fire).
   */
  watch(resourceVersion: string, onEvent: (type: WatchEventType, object: unknown) => void, onDone: (err?: unknown) => void): Promise<() => void>;
}

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions {
  /** Re-list this often even when the watch is healthy (default 5 min; 0 = never). */
  readonly relistIntervalMs?: number | undefined;
  /** Re-list when no watch event (bookmarks included) arrived for this long (default 10 min; 0 = never). */
  readonly watchdogMs?: number | undefined;
  readonly backoffBaseMs?: number | undefined;
  readonly backoffMaxMs?: number | undefined;
  /** In [0,1); injected so tests are deterministic. */
  readonly random?: (() => number) | undefined;
  readonly onError?: ((err: unknown) => void) | undefined;
  readonly now?: (() => number) | undefined;
}

export interface InformerStats {
  readonly lists: number;
  readonly watches: number;
  readonly errors: number;
  readonly lastEventAt: number;
}

export function objectKey(obj: CachedObject): string {
  const ns = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  return ns === '' ? name : `${ns}/${name}`;
}

type WatchOutcome = 'closed' | 'relist';

export class Informer<T extends CachedObject> {
  private readonly source: ListWatchSource<T>;
  private readonly opts: {
    relistIntervalMs: number;
    watchdogMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    random: () => number;
    now: () => number;
    onError: ((err: unknown) => void) | undefined;
  };
  private readonly cache = new Map<string, T>();
  private readonly handlers: ((event: InformerEvent, obj: T) => void)[] = [];
  private stopped = true;
  private abortWatch: (() => void) | undefined;
  private endWatch: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private resolveSynced!: () => void;
  private syncedFlag = false;
  private counters = { lists: 0, watches: 0, errors: 0, lastEventAt: 0 };
  private running: Promise<void> | undefined;
  /** Resolves after the first successful list. */
  readonly synced: Promise<void>;

  constructor(source: ListWatchSource<T>, options: InformerOptions = {}) {
    this.source = source;
    this.opts = {
      relistIntervalMs: options.relistIntervalMs ?? 5 * 60_000,
      watchdogMs: options.watchdogMs ?? 10 * 60_000,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      onError: options.onError,
    };
    this.synced = new Promise((resolve) => {
      this.resolveSynced = resolve;
    });
  }

  get hasSynced(): boolean {
    return this.syncedFlag;
  }

  get stats(): InformerStats {
    return { ...this.counters };
  }

  /** Called synchronously for every change the cache sees, after the cache is updated. */
  on(handler: (event: InformerEvent, obj: T) => void): void {
    this.handlers.push(handler);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.cache.get(namespace === undefined || namespace === '' ? name : `${namespace}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata?.namespace ?? '') === namespace);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.endWatch?.();
    this.wake?.();
    await this.running;
  }

  private emit(event: InformerEvent, obj: T): void {
    for (const h of this.handlers) h(event, obj);
  }

  /** Replaces the cache with a fresh list, reporting only what changed. */
  private replace(items: readonly T[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = this.cache.get(key);
      this.cache.set(key, item);
      if (old === undefined) this.emit('add', item);
      else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.emit('update', item);
    }
    for (const [key, old] of [...this.cache]) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.emit('delete', old);
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.isStopped()) {
      try {
        const listed = await this.source.list();
        if (this.isStopped()) return;
        this.counters.lists++;
        this.replace(listed.items);
        if (!this.syncedFlag) {
          this.syncedFlag = true;
          this.resolveSynced();
        }
        failures = 0;
        let resourceVersion = listed.resourceVersion;
        const relistAt = this.opts.relistIntervalMs > 0 ? this.opts.now() + this.opts.relistIntervalMs : Infinity;
        for (;;) {
          if (this.isStopped()) return;
          const result = await this.watchOnce(resourceVersion, relistAt);
          resourceVersion = result.resourceVersion;
          if (result.outcome === 'relist') break;
        }
      } catch (err) {
        if (this.isStopped()) return;
        this.counters.errors++;
        this.opts.onError?.(err);
        await this.sleep(backoffDelay(failures, this.opts.backoffBaseMs, this.opts.backoffMaxMs, this.opts.random));
        failures++;
      }
    }
  }

  // A method, not the field, so the checks after each await are not narrowed away.
  private isStopped(): boolean {
    return this.stopped;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** One watch; resolves with how it ended and the last resourceVersion seen, rejects on errors. */
  private watchOnce(from: string, relistAt: number): Promise<{ outcome: WatchOutcome; resourceVersion: string }> {
    return new Promise((resolve, reject) => {
      let resourceVersion = from;
      let settled = false;
      let watchdog: NodeJS.Timeout | undefined;
      let relistTimer: NodeJS.Timeout | undefined;
      const finish = (outcome: WatchOutcome | Error): void => {
        if (settled) return;
        settled = true;
        this.endWatch = undefined;
        clearTimeout(watchdog);
        clearTimeout(relistTimer);
        const abort = this.abortWatch;
        this.abortWatch = undefined;
        abort?.();
        if (outcome instanceof Error) reject(outcome);
        else resolve({ outcome, resourceVersion });
      };
      const armWatchdog = (): void => {
        if (this.opts.watchdogMs <= 0) return;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          finish('relist');
        }, this.opts.watchdogMs);
      };
      if (Number.isFinite(relistAt)) {
        relistTimer = setTimeout(
          () => {
            finish('relist');
          },
          Math.max(0, relistAt - this.opts.now()),
        );
      }
      armWatchdog();
      this.endWatch = () => {
        finish('relist');
      };
      const onEvent = (type: WatchEventType, object: unknown): void => {
        if (settled) return;
        this.counters.lastEventAt = this.opts.now();
        armWatchdog();
        if (type === 'ERROR') {
          const code = (object as { code?: unknown } | null)?.code;
          // 410 Gone: our resourceVersion is too old; only a fresh list recovers.
          if (code === 410) finish('relist');
          else finish(new Error(`watch error event: ${JSON.stringify(object)}`));
          return;
        }
        const obj = object as T;
        const rv = obj.metadata?.resourceVersion;
        if (rv !== undefined && rv !== '') resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        const key = objectKey(obj);
        if (type === 'DELETED') {
          if (this.cache.delete(key)) this.emit('delete', obj);
          return;
        }
        const existed = this.cache.has(key);
        this.cache.set(key, obj);
        this.emit(existed ? 'update' : 'add', obj);
      };
      const onDone = (err?: unknown): void => {
        if (err === undefined || err === null) finish('closed');
        else if (isGone(err)) finish('relist');
        else if (err instanceof Error && err.name === 'TimeoutError') finish('closed'); // client-side inactivity timeout
        else finish(err instanceof Error ? err : new Error(JSON.stringify(err)));
      };
      this.counters.watches++;
      this.source.watch(resourceVersion, onEvent, onDone).then(
        (abort) => {
          if (settled) abort();
          else this.abortWatch = abort;
        },
        (err: unknown) => {
          finish(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }
}

function isGone(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { statusCode?: unknown; code?: unknown };
  return e.statusCode === 410 || e.code === 410;
}

/** GET of a raw API path, answered as parsed JSON (no client-node model mapping, which drops unknown keys). */
export async function getJson(kc: KubeConfig, path: string): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  const opts: RequestOptions & { headers: Record<string, string> } = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { ...opts, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject(Object.assign(new Error(`GET ${path}: HTTP ${status}: ${text.slice(0, 300)}`), { code: status }));
          return;
        }
        try {
          resolve(JSON.parse(text) as unknown);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The source for a collection path such as `/api/v1/pods` or `/apis/scheduler.grove.io/v1alpha1/podgangs`
 * (prefix `/namespaces/<ns>/` for one namespace). Watches ask for bookmarks so a quiet collection still
 * proves the stream alive.
 */
export function kubeSource<T extends CachedObject>(kc: KubeConfig, path: string, labelSelector?: string): ListWatchSource<T> {
  const query = labelSelector === undefined ? '' : `?labelSelector=${encodeURIComponent(labelSelector)}`;
  const watcher = new Watch(kc);
  return {
    async list() {
      const body = (await getJson(kc, path + query)) as { items?: T[]; metadata?: { resourceVersion?: string } };
      return { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? '' };
    },
    async watch(resourceVersion, onEvent, onDone) {
      const params: Record<string, string | boolean> = { resourceVersion, allowWatchBookmarks: true };
      if (labelSelector !== undefined) params['labelSelector'] = labelSelector;
      const controller = await watcher.watch(path, params, (type: string, obj: unknown) => {
        onEvent(type as WatchEventType, obj);
      }, onDone);
      return () => {
        controller.abort();
      };
    },
  };
}

/** Starts the informers and resolves once each has listed once. */
export async function startAndSync(informers: readonly Pick<Informer<CachedObject>, 'start' | 'synced'>[]): Promise<void> {
  for (const i of informers) i.start();
  await Promise.all(informers.map((i) => i.synced));
}
