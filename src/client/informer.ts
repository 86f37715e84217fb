// Informers: list then watch one kind, keep a shared in-memory cache with indexes, and tell
// handlers about changes. One informer per kind (and selector) per process; every
// controller reads the same cache through listers and never the store.

import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../api/kind.ts';
import { ApiError } from '../apiserver/errors.ts';
import type { Client, ResourceType, WatchEvent } from './client.ts';

/** Read access to an informer's cache. Objects are shared: never modify them (clone first). */
export interface Lister<T extends KubeObject> {
  /** By namespace and name (namespace undefined for cluster-scoped kinds). */
  get(namespace: string | undefined, name: string): T | undefined;
  /** All objects, or those in one namespace; optionally filtered. */
  list(namespace?: string, filter?: (obj: T) => boolean): T[];
  /** Objects whose index `index` yields `value`. */
  byIndex(index: string, value: string): T[];
}

export interface EventHandler<T extends KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(old: T, obj: T): void;
  /** obj is the last known state; after a relist it may be a tombstone of an object gone while disconnected. */
  onDelete?(obj: T): void;
}

/** Built-in indexes every informer has. */
export const indexes = {
  /** metadata.namespace */
  namespace: 'namespace',
  /** The uid of every owner reference. */
  ownerUid: 'ownerUid',
  /** The uid of the controller owner reference only. */
  controllerUid: 'controllerUid',
  /** spec.nodeName (pods). */
  nodeName: 'nodeName',
  /** Every label as "key=value". */
  label: 'label',
} as const;

export interface Informer<T extends KubeObject> extends Lister<T> {
  readonly type: ResourceType;
  /** Handlers added after sync first get onAdd for every cached object. */
  addHandler(handler: EventHandler<T>): void;
  addIndex(name: string, index: (obj: T) => string[]): void;
  hasSynced(): boolean;
  /** The resourceVersion of the last event or list applied. */
  readonly resourceVersion: string;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface InformerFactory {
  /** The shared informer of a kind (one per type and options). Starts when the factory starts (or at once if it already has). */
  informer<T extends KubeObject>(type: ResourceType, options?: InformerOptions): Informer<T>;
  start(): void;
  /** Resolves once every informer made so far has listed. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  stop(): void;
}

export function createInformerFactory(client: Client): InformerFactory {
  return new SharedInformerFactory(client);
}

/** "namespace/name", or "name" for cluster-scoped objects: the key work queues carry. */
export function keyOf(obj: KubeObject): string {
  const { namespace, name } = obj.metadata ?? {};
  return namespace ? `${namespace}/${name}` : String(name);
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

const pageSize = 500;
const initialBackoffMs = 100;
const maxBackoffMs = 5_000;
/** As client-go's reflector: each watch asks the server to end it after 5 to 10 minutes. */
const watchTimeoutSeconds = () => Math.floor(300 * (1 + Math.random()));

type IndexFunction<T> = (obj: T) => string[];

const builtinIndexes: Record<string, IndexFunction<KubeObject>> = {
  [indexes.namespace]: (obj) => (obj.metadata?.namespace ? [obj.metadata.namespace] : []),
  [indexes.ownerUid]: (obj) => (obj.metadata?.ownerReferences ?? []).map((ref) => ref.uid),
  [indexes.controllerUid]: (obj) => (obj.metadata?.ownerReferences ?? []).filter((ref) => ref.controller).map((ref) => ref.uid),
  [indexes.nodeName]: (obj) => {
    const nodeName = (obj.spec as { nodeName?: unknown } | undefined)?.nodeName;
    return typeof nodeName === 'string' && nodeName ? [nodeName] : [];
  },
  [indexes.label]: (obj) => Object.entries(obj.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`),
};

class SharedInformerFactory implements InformerFactory {
  readonly #client: Client;
  readonly #informers = new Map<string, SharedInformer<any>>();
  #started = false;

  constructor(client: Client) {
    this.#client = client;
  }

  informer<T extends KubeObject>(type: ResourceType, options: InformerOptions = {}): Informer<T> {
    const key = [type.group, type.version, type.plural, options.namespace, options.labelSelector, options.fieldSelector].join('|');
    let informer = this.#informers.get(key);
    if (!informer) {
      informer = new SharedInformer<T>(this.#client, type, options);
      this.#informers.set(key, informer);
      if (this.#started) informer.start();
    }
    return informer;
  }

  start(): void {
    this.#started = true;
    for (const informer of this.#informers.values()) informer.start();
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    const synced = Promise.all([...this.#informers.values()].map((informer) => informer.synced));
    if (!signal) {
      await synced;
      return;
    }
    signal.throwIfAborted();
    const { promise: aborted, reject } = Promise.withResolvers<never>();
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([synced, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  stop(): void {
    this.#started = false;
    for (const informer of this.#informers.values()) informer.stop();
  }
}

/**
 * One kind's list+watch loop and cache. Lists (in pages), then watches from the list's
 * resourceVersion with bookmarks; a watch that ends is resumed from the last resourceVersion
 * seen, an expired one (410) relists and hands handlers the difference, other failures back off.
 */
class SharedInformer<T extends KubeObject> implements Informer<T> {
  readonly type: ResourceType;
  /** Resolves once the first list is applied. */
  readonly synced: Promise<void>;
  readonly #client: Client;
  readonly #options: InformerOptions;
  readonly #objects = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunction<T>>(Object.entries(builtinIndexes));
  /** index name -> value -> keys */
  readonly #indices = new Map<string, Map<string, Set<string>>>();
  readonly #handlers: EventHandler<T>[] = [];
  readonly #markSynced: () => void;
  #synced = false;
  #resourceVersion = '';
  #abort: AbortController | undefined;

  constructor(client: Client, type: ResourceType, options: InformerOptions) {
    this.#client = client;
    this.type = type;
    this.#options = options;
    for (const name of this.#indexers.keys()) this.#indices.set(name, new Map());
    const { promise, resolve } = Promise.withResolvers<void>();
    this.synced = promise;
    this.#markSynced = resolve;
  }

  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#objects.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string, filter?: (obj: T) => boolean): T[] {
    const objects = namespace === undefined ? [...this.#objects.values()] : this.byIndex(indexes.namespace, namespace);
    return filter ? objects.filter(filter) : objects;
  }

  byIndex(index: string, value: string): T[] {
    const values = this.#indices.get(index);
    if (!values) throw new Error(`informer ${this.type.plural}: no index "${index}"`);
    return [...(values.get(value) ?? [])].map((key) => this.#objects.get(key)!);
  }

  addHandler(handler: EventHandler<T>): void {
    this.#handlers.push(handler);
    for (const obj of this.#objects.values()) this.#call(() => handler.onAdd?.(obj));
  }

  addIndex(name: string, index: IndexFunction<T>): void {
    if (this.#indexers.has(name)) throw new Error(`informer ${this.type.plural}: index "${name}" already exists`);
    this.#indexers.set(name, index);
    this.#indices.set(name, new Map());
    for (const [key, obj] of this.#objects) this.#index(name, key, undefined, obj);
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    void this.#run(this.#abort.signal);
  }

  stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let backoff = initialBackoffMs;
    let listed = false;
    while (!signal.aborted) {
      try {
        if (!listed) {
          await this.#relist(signal);
          listed = true;
        }
        const { expired, delivered } = await this.#watch(signal);
        if (expired) listed = false;
        // A watch that ended having delivered nothing is retried after a pause, not in a spin.
        if (expired || delivered) {
          backoff = initialBackoffMs;
          continue;
        }
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ApiError && err.code === 410) {
          listed = false; // e.g. an expired continue token: list again from the start
          continue;
        }
        console.error(`skiff: informer ${this.type.plural}: ${err instanceof Error ? err.message : err}; retrying in ${backoff} ms`);
      }
      await sleep(backoff, undefined, { signal }).catch(() => {}); // aborted: the loop ends
      backoff = Math.min(backoff * 2, maxBackoffMs);
    }
  }

  /** Lists everything and applies the difference from the cache (all adds, the first time). */
  async #relist(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let resourceVersion = '';
    let token: string | undefined;
    do {
      const page = await this.#client.list<T>(this.type, { ...this.#options, limit: pageSize, continue: token });
      items.push(...page.items);
      resourceVersion ||= page.resourceVersion;
      token = page.continue;
    } while (token && !signal.aborted);
    if (signal.aborted) return;

    const seen = new Set<string>();
    for (const item of items) {
      const obj = this.#typed(item);
      const key = keyOf(obj);
      seen.add(key);
      const old = this.#objects.get(key);
      if (!old || old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.#put(key, obj);
    }
    for (const [key, old] of this.#objects) if (!seen.has(key)) this.#remove(key, old);
    this.#resourceVersion = resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      this.#markSynced();
    }
  }

  async #watch(signal: AbortSignal): Promise<{ expired: boolean; delivered: boolean }> {
    let delivered = false;
    const events = this.#client.watch<T>(this.type, {
      ...this.#options,
      resourceVersion: this.#resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: watchTimeoutSeconds(),
      signal,
    });
    for await (const event of events) {
      if (signal.aborted) break;
      if (event.type === 'ERROR') {
        const status = event.object as { code?: number; reason?: string; message?: string; details?: ApiError['details'] };
        if (status.code === 410) return { expired: true, delivered };
        throw new ApiError(status.code ?? 500, status.reason ?? 'InternalError', status.message ?? 'watch error', status.details);
      }
      delivered = true;
      this.#apply(event);
    }
    return { expired: false, delivered };
  }

  #apply(event: WatchEvent<T>): void {
    const obj = this.#typed(event.object);
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#put(keyOf(obj), obj);
    else if (event.type === 'DELETED') {
      const key = keyOf(obj);
      if (this.#objects.has(key)) this.#remove(key, obj);
    }
    const resourceVersion = obj.metadata?.resourceVersion;
    if (resourceVersion) this.#resourceVersion = resourceVersion;
  }

  /** List items may omit their type; cached objects always have it (events and owner references need it). */
  #typed(obj: T): T {
    if (obj.apiVersion && obj.kind) return obj;
    const apiVersion = this.type.group ? `${this.type.group}/${this.type.version}` : this.type.version;
    return { ...obj, apiVersion: obj.apiVersion || apiVersion, kind: obj.kind || this.type.kind };
  }

  #put(key: string, obj: T): void {
    const old = this.#objects.get(key);
    this.#objects.set(key, obj);
    for (const name of this.#indexers.keys()) this.#index(name, key, old, obj);
    for (const handler of this.#handlers) {
      this.#call(() => (old ? handler.onUpdate?.(old, obj) : handler.onAdd?.(obj)));
    }
  }

  /** last: the object's final state (from the DELETED event, or the cache after a relist). */
  #remove(key: string, last: T): void {
    const old = this.#objects.get(key);
    this.#objects.delete(key);
    for (const name of this.#indexers.keys()) this.#index(name, key, old, undefined);
    for (const handler of this.#handlers) this.#call(() => handler.onDelete?.(last));
  }

  /** Moves key from the values old had under an index to those obj has. */
  #index(name: string, key: string, old: T | undefined, obj: T | undefined): void {
    const before = old ? this.#indexValues(name, old) : [];
    const after = obj ? this.#indexValues(name, obj) : [];
    if (before.length === after.length && before.every((v, i) => v === after[i])) return;
    const values = this.#indices.get(name)!;
    for (const value of before) {
      if (after.includes(value)) continue;
      const keys = values.get(value);
      keys?.delete(key);
      if (keys?.size === 0) values.delete(value);
    }
    for (const value of after) {
      let keys = values.get(value);
      if (!keys) values.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  #indexValues(name: string, obj: T): string[] {
    try {
      return this.#indexers.get(name)!(obj);
    } catch (err) {
      console.error(`skiff: informer ${this.type.plural}: index "${name}" failed:`, err);
      return [];
    }
  }

  /** Handlers run synchronously in event order; one that throws is logged and never stops the informer. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      console.error(`skiff: informer ${this.type.plural}: event handler failed:`, err);
    }
  }
}
