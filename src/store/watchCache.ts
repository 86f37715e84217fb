// The apiserver's watch cache for one kind: the current objects under a key prefix, decoded
// once, kept in key order, plus a window of recent events, so lists, gets and watches are
// served from memory and one store watch feeds any number of clients.
//
// Knowing the store's revision: the cache watches the whole key space ('') and skips events
// outside its prefix, so its revision advances with every write to any kind, in step with
// the store. A consistent read ("as of now") can then wait for store.currentRevision() and a
// list at resourceVersion 0 is served at a revision that is the store's, not just this
// kind's. (With in-process fan-out, as the SQLite store does, the extra events cost a string
// comparison each; a networked backend should multiplex one watch in the same way.)

import { Fanout } from './fanout.ts';
import { StoreError, type KeyValue, type Store, type Watch, type WatchEvent } from './store.ts';

export interface CacheEntry<T> {
  kv: KeyValue;
  object: T;
}

export interface CacheEvent<T> {
  /** A put without prev is an ADDED, with one a MODIFIED; a delete is a DELETED. */
  type: 'put' | 'delete';
  /** For a delete, the last value with modRevision = the delete's revision. */
  kv: KeyValue;
  /** decode(kv), shared by every watcher: do not modify. */
  object: T;
  /** The object before this event, when there was one. */
  prev?: T;
}

export interface WatchCacheOptions {
  /** Events kept whatever their age. */
  minEvents?: number;
  /** Events kept at most. */
  maxEvents?: number;
  /** Events younger than this are kept (up to maxEvents). */
  freshMs?: number;
}

export interface CacheListOptions<T> {
  /** Only keys under this prefix (the cache's own prefix by default). */
  prefix?: string;
  /** Only keys strictly greater than this one. */
  after?: string;
  /** At most this many items; `more` says whether there were others. */
  limit?: number;
  /** Only objects for which this holds; the limit counts those. */
  filter?: (object: T) => boolean;
}

export interface CacheListResult<T> {
  items: CacheEntry<T>[];
  revision: number;
  more: boolean;
}

// As kube-apiserver's watch cache: history covers at least 75 s (its eventFreshDuration,
// a bookmark interval plus slack, so a client resuming from its last bookmark is served)
// up to 100 Ki events; we also always keep the last 1000 so a quiet kind still serves
// clients that fell a little behind.
const defaults = { minEvents: 1000, maxEvents: 100 * 1024, freshMs: 75_000 };

export class WatchCache<T> {
  readonly prefix: string;
  readonly #store: Store;
  readonly #decode: (kv: KeyValue) => T;
  readonly #limits: Required<WatchCacheOptions>;
  readonly #entries = new Map<string, CacheEntry<T>>();
  /** The keys of #entries, sorted, so lists need no sort. */
  #keys: string[] = [];
  /** Recent events in revision order, from #head on (the array is trimmed in bulk). */
  #events: CacheEvent<T>[] = [];
  #times: number[] = [];
  #head = 0;
  #revision = 0;
  /** Watches must start at or after this revision: older history is gone. */
  #oldest = 0;
  #started = false;
  #storeWatch: Watch | undefined;
  readonly #fanout = new Fanout<CacheEvent<T>>();
  readonly #waiters = new Set<{ revision: number; settle: (err?: unknown) => void }>();

  constructor(store: Store, prefix: string, decode: (kv: KeyValue) => T, options: WatchCacheOptions = {}) {
    this.#store = store;
    this.prefix = prefix;
    this.#decode = decode;
    this.#limits = { ...defaults, ...options };
  }

  /** The newest revision the cache reflects (of the whole store, not only this prefix). */
  get revision(): number {
    return this.#revision;
  }

  /** The oldest revision a watch may start after. */
  oldestRevision(): number {
    return this.#oldest;
  }

  /** Lists the prefix and follows the store from there; resolves once the list is loaded. */
  async start(): Promise<void> {
    for (;;) {
      const { items, revision } = await this.#store.list(this.prefix);
      this.#entries.clear();
      for (const kv of items) this.#entries.set(kv.key, { kv, object: this.#decode(kv) });
      this.#keys = [...this.#entries.keys()].sort();
      this.#revision = revision;
      this.#oldest = revision;
      try {
        this.#storeWatch = this.#store.watch('', revision, (events) => this.#apply(events));
        this.#started = true;
        return;
      } catch (err) {
        // Compacted between the list and the watch: list again.
        if (!(err instanceof StoreError && err.code === 'compacted')) throw err;
      }
    }
  }

  /** Stops following the store; watchers get nothing more and waiters are rejected. */
  stop(): void {
    this.#storeWatch?.stop();
    this.#storeWatch = undefined;
    this.#started = false;
    this.#fanout.clear();
    for (const waiter of this.#waiters) waiter.settle(new Error(`watch cache for ${this.prefix} stopped`));
  }

  get(key: string): T | undefined {
    return this.#entries.get(key)?.object;
  }

  /** The entries under a prefix in key order, at the cache's revision. */
  list(options: CacheListOptions<T> = {}): CacheListResult<T> {
    const { prefix = this.prefix, after, limit, filter } = options;
    const items: CacheEntry<T>[] = [];
    let more = false;
    // '\0' sorts right after the end of a string, so after + '\0' is the first key above after.
    let i = this.#keyIndex(after !== undefined && after >= prefix ? after + '\0' : prefix);
    for (; i < this.#keys.length; i++) {
      const key = this.#keys[i];
      if (!key.startsWith(prefix)) break;
      const entry = this.#entries.get(key)!;
      if (filter && !filter(entry.object)) continue;
      if (limit && items.length === limit) {
        more = true;
        break;
      }
      items.push(entry);
    }
    return { items, revision: this.#revision, more };
  }

  /**
   * Calls onEvents with every event under prefix (default: the cache's) after afterRevision:
   * first those still in the cache's history (on a microtask), then live ones, in revision
   * order, synchronously as each commit is applied. Throws StoreError 'compacted' (HTTP 410)
   * when afterRevision is older than oldestRevision().
   *
   * The callback must not block: the apiserver writes the batch to its response and, when
   * the response's unsent output (res.writableLength) grows past a limit, stops the watch
   * and ends the response; the client then resumes from its last resourceVersion or relists.
   */
  watch(afterRevision: number, onEvents: (events: CacheEvent<T>[]) => void, options: { prefix?: string } = {}): Watch {
    if (!this.#started) throw new Error(`watch cache for ${this.prefix} is not started`);
    if (afterRevision < this.#oldest) {
      throw new StoreError('compacted', `too old resource version: ${afterRevision} (${this.#oldest})`);
    }
    const prefix = options.prefix ?? this.prefix;
    const replay: CacheEvent<T>[] = [];
    for (let i = this.#firstEventAfter(afterRevision); i < this.#events.length; i++) {
      const event = this.#events[i];
      if (event.kv.key.startsWith(prefix)) replay.push(event);
    }
    return this.#fanout.add(prefix, afterRevision, replay, onEvents);
  }

  /** Resolves once the cache has reached revision; rejects if the signal aborts first. */
  waitForRevision(revision: number, signal?: AbortSignal): Promise<void> {
    if (revision <= this.#revision) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter = {
        revision,
        settle: (err?: unknown) => {
          this.#waiters.delete(waiter);
          signal?.removeEventListener('abort', onAbort);
          if (err === undefined) resolve();
          else reject(err);
        },
      };
      const onAbort = () => waiter.settle(signal!.reason);
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #apply(events: WatchEvent[]): void {
    const applied: CacheEvent<T>[] = [];
    for (const { type, kv } of events) {
      if (!kv.key.startsWith(this.prefix)) continue;
      const before = this.#entries.get(kv.key);
      const event: CacheEvent<T> = { type, kv, object: this.#decode(kv) };
      if (before) event.prev = before.object;
      if (type === 'put') {
        this.#entries.set(kv.key, { kv, object: event.object });
        if (!before) this.#keys.splice(this.#keyIndex(kv.key), 0, kv.key);
      } else if (before) {
        this.#entries.delete(kv.key);
        this.#keys.splice(this.#keyIndex(kv.key), 1);
      }
      applied.push(event);
    }
    this.#revision = events[events.length - 1].kv.modRevision;
    this.#remember(applied);
    this.#fanout.publish(applied);
    for (const waiter of this.#waiters) if (waiter.revision <= this.#revision) waiter.settle();
  }

  #remember(applied: CacheEvent<T>[]): void {
    const now = performance.now();
    for (const event of applied) {
      this.#events.push(event);
      this.#times.push(now);
    }
    const { minEvents, maxEvents, freshMs } = this.#limits;
    const size = () => this.#events.length - this.#head;
    while (size() > maxEvents || (size() > minEvents && this.#times[this.#head] < now - freshMs)) {
      this.#oldest = this.#events[this.#head].kv.modRevision;
      this.#head++;
    }
    // Drop the evicted prefix of the arrays once it is half of them: amortised O(1).
    if (this.#head > 1024 && this.#head * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Index of the first remembered event with a revision above the given one. */
  #firstEventAfter(revision: number): number {
    return bisect(this.#head, this.#events.length, (i) => this.#events[i].kv.modRevision <= revision);
  }

  /** Index of the first key at or above key in the sorted keys. */
  #keyIndex(key: string): number {
    return bisect(0, this.#keys.length, (i) => this.#keys[i] < key);
  }
}

/** The first index in [low, high) at which before(index) is false (it must be monotonic). */
function bisect(low: number, high: number, before: (index: number) => boolean): number {
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(mid)) low = mid + 1;
    else high = mid;
  }
  return low;
}
