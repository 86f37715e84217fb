// The generic storage of one kind: object semantics (uid, timestamps, generation,
// resourceVersion, finalizers, graceful deletion, compare-and-swap) over the Store, with a
// watch cache serving lists and watches from memory.

import { randomUUID } from 'node:crypto';
import type { KeyValue, Store } from '../store/store.ts';
import { StoreError } from '../store/store.ts';
import { WatchCache } from '../store/watchCache.ts';
import type { KindDeclaration, KubeObject } from '../api/kind.ts';
import { alreadyExists, conflict, notFound, ApiError, type ResourceRef } from './errors.ts';

export interface WriteOptions {
  dryRun?: boolean;
  /** A write to the status subresource: it never bumps generation. */
  status?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** How an update derives the object to store from the current one (or undefined if absent). */
export type Mutation = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

export class KindStorage {
  readonly decl: KindDeclaration;
  readonly cache: WatchCache<KubeObject>;
  readonly prefix: string;
  readonly #store: Store;
  readonly #ref: ResourceRef;

  constructor(store: Store, decl: KindDeclaration) {
    this.decl = decl;
    this.#store = store;
    this.#ref = { group: decl.group, plural: decl.plural, kind: decl.kind };
    this.prefix = `/registry/${decl.group || 'core'}/${decl.plural}/`;
    this.cache = new WatchCache(store, this.prefix, decode);
  }

  start(): Promise<void> {
    return this.cache.start();
  }

  stop(): void {
    this.cache.stop();
  }

  /** The store's newest revision: what a consistent read must reflect. */
  currentRevision(): number {
    return this.#store.currentRevision();
  }

  key(namespace: string | undefined, name: string): string {
    return this.decl.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** The key prefix of one namespace (or all of them). */
  scope(namespace: string | undefined): string {
    return this.decl.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const kv = await this.#store.get(this.key(namespace, name));
    if (!kv) throw notFound(this.#ref, name);
    return decode(kv);
  }

  /** Stores a new object, filling in the metadata the server owns. */
  async create(obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const meta = obj.metadata!;
    const stored = { ...obj, metadata: { ...meta } };
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= now();
    delete stored.metadata.resourceVersion;
    delete stored.metadata.deletionTimestamp;
    delete stored.metadata.deletionGracePeriodSeconds;
    if (this.decl.generation) stored.metadata.generation = 1;
    else delete stored.metadata.generation;
    const key = this.key(meta.namespace, meta.name!);
    if (options.dryRun) {
      if (await this.#store.get(key)) throw alreadyExists(this.#ref, meta.name!);
      return stored;
    }
    try {
      return decode(await this.#store.create(key, encode(stored)));
    } catch (err) {
      if (err instanceof StoreError && err.code === 'exists') throw alreadyExists(this.#ref, meta.name!);
      throw err;
    }
  }

  /**
   * Replaces an object with mutate(current). A resourceVersion in the mutated object is a
   * precondition (409 if stale); a write that loses a race to another mutates the newer object.
   */
  async update(namespace: string | undefined, name: string, mutate: Mutation, options: WriteOptions = {}): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (;;) {
      const kv = await this.#store.get(key);
      const current = kv ? decode(kv) : undefined;
      const next = await mutate(current);
      if (!kv || !current) return this.create(next, options);
      const wanted = next.metadata?.resourceVersion;
      if (wanted && wanted !== current.metadata!.resourceVersion) {
        throw conflict(this.#ref, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const stored = this.#carryServerFields(current, next, options.status ?? false);
      if (stored.metadata!.deletionTimestamp && this.#finalizers(stored).length === 0 && !this.#graceful(stored)) {
        // The last finalizer is gone: the object's deletion completes now.
        if (options.dryRun) return stored;
        try {
          return decode(await this.#store.delete(key, kv.modRevision));
        } catch (err) {
          if (err instanceof StoreError && (err.code === 'conflict' || err.code === 'not-found')) continue;
          throw this.#storeError(err, name);
        }
      }
      if (options.dryRun) return { ...stored, metadata: { ...stored.metadata, resourceVersion: current.metadata!.resourceVersion } };
      if (encode(stored) === kv.value) return current; // no-op writes keep the resourceVersion, as upstream
      try {
        return decode(await this.#store.update(key, encode(stored), kv.modRevision));
      } catch (err) {
        // Written in between: mutate the newer object (a precondition the request carries is
        // then checked against it above, so only a request's stale resourceVersion is a 409).
        if (err instanceof StoreError && err.code === 'conflict') continue;
        throw this.#storeError(err, name);
      }
    }
  }

  /**
   * Deletes an object: at once, or by setting deletionTimestamp when finalizers (or a graceful
   * pod deletion) must run first. Returns the deleted or terminating object.
   */
  async delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<{ object: KubeObject; deleted: boolean }> {
    const key = this.key(namespace, name);
    for (;;) {
      const kv = await this.#store.get(key);
      if (!kv) throw notFound(this.#ref, name);
      const current = decode(kv);
      const meta = current.metadata!;
      const pre = options.preconditions;
      // Worded as upstream's BeforeDelete, which names the kind rather than the resource.
      const byKind = { group: this.decl.group, plural: this.decl.kind };
      if (pre?.uid && pre.uid !== meta.uid) {
        throw conflict(byKind, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${meta.uid}). The object might have been deleted and then recreated`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw conflict(byKind, name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${meta.resourceVersion}). The object might have been modified`);
      }
      // The propagation policy becomes the garbage collector's finalizers (orphan, foregroundDeletion).
      const finalizers = propagationFinalizers(this.decl, meta.finalizers ?? [], options.propagationPolicy);
      const finalizersChanged = !sameMembers(finalizers, meta.finalizers ?? []);
      const withFinalizers: KubeObject = { ...current, metadata: { ...meta, finalizers } };
      if (finalizers.length === 0) delete withFinalizers.metadata!.finalizers;
      const grace = this.decl.deletion?.gracePeriodSeconds?.(current, options.gracePeriodSeconds) ?? 0;
      if (this.#finalizers(withFinalizers).length === 0 && grace === 0) {
        if (options.dryRun) return { object: current, deleted: true };
        try {
          return { object: decode(await this.#store.delete(key, kv.modRevision)), deleted: true };
        } catch (err) {
          if (err instanceof StoreError && err.code === 'conflict') continue;
          throw this.#storeError(err, name);
        }
      }
      // Graceful: mark it terminating; finalizers' owners (or the kubelet) finish the job. An
      // object already terminating only takes a shorter grace period or a new propagation policy.
      const shortens = !meta.deletionTimestamp || (meta.deletionGracePeriodSeconds ?? 0) > grace;
      if (!shortens && !finalizersChanged) return { object: current, deleted: false };
      const terminating = withFinalizers;
      if (shortens) {
        terminating.metadata!.deletionTimestamp = meta.deletionTimestamp && (meta.deletionGracePeriodSeconds ?? 0) === 0 ? meta.deletionTimestamp : now(grace);
        terminating.metadata!.deletionGracePeriodSeconds = grace;
        if (this.decl.generation) terminating.metadata!.generation = (meta.generation ?? 0) + 1;
        this.decl.deletion?.markTerminating?.(terminating);
      }
      delete terminating.metadata!.resourceVersion;
      if (options.dryRun) return { object: terminating, deleted: false };
      try {
        return { object: decode(await this.#store.update(key, encode(terminating), kv.modRevision)), deleted: false };
      } catch (err) {
        if (err instanceof StoreError && err.code === 'conflict') continue;
        throw this.#storeError(err, name);
      }
    }
  }

  /** A graceful deletion in progress (a pod its kubelet is stopping) is not completed by an update. */
  #graceful(obj: KubeObject): boolean {
    return (obj.metadata?.deletionGracePeriodSeconds ?? 0) > 0;
  }

  #finalizers(obj: KubeObject): string[] {
    return [...(obj.metadata?.finalizers ?? []), ...(this.decl.deletion?.finalizers?.(obj) ?? [])];
  }

  /** Keeps what clients may not change through update (uid, creation, generation rules). */
  #carryServerFields(current: KubeObject, next: KubeObject, status: boolean): KubeObject {
    const meta = current.metadata!;
    const stored: KubeObject = { ...next, metadata: { ...next.metadata } };
    const m = stored.metadata!;
    m.uid = meta.uid;
    m.creationTimestamp = meta.creationTimestamp;
    m.name = meta.name;
    if (meta.namespace !== undefined) m.namespace = meta.namespace;
    m.deletionTimestamp = meta.deletionTimestamp;
    m.deletionGracePeriodSeconds = meta.deletionGracePeriodSeconds;
    if (m.deletionTimestamp === undefined) delete m.deletionTimestamp;
    if (m.deletionGracePeriodSeconds === undefined) delete m.deletionGracePeriodSeconds;
    delete m.resourceVersion;
    if (this.decl.generation) {
      m.generation = meta.generation ?? 1;
      // It counts spec (for some kinds also annotation) changes; status writes leave it be.
      const annotationsChanged = this.decl.annotationsBumpGeneration && JSON.stringify(meta.annotations ?? {}) !== JSON.stringify(m.annotations ?? {});
      if (!status && (specChanged(current, stored) || annotationsChanged)) m.generation += 1;
    } else delete m.generation;
    return stored;
  }

  #storeError(err: unknown, name: string): unknown {
    if (err instanceof StoreError) {
      if (err.code === 'not-found') return notFound(this.#ref, name);
      if (err.code === 'conflict') return conflict(this.#ref, name, 'the object has been modified; please apply your changes to the latest version and try again');
      if (err.code === 'compacted') return new ApiError(410, 'Expired', err.message);
    }
    return err;
  }
}

/** Generation counts changes to anything but metadata and status. */
function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = ({ metadata: _m, status: _s, ...rest }: KubeObject) => rest;
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}

export function decode(kv: KeyValue): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata = { ...obj.metadata, resourceVersion: String(kv.modRevision) };
  return obj;
}

function encode(obj: KubeObject): string {
  if (obj.metadata?.resourceVersion === undefined) return JSON.stringify(obj);
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

/** RFC 3339 with seconds, as Kubernetes timestamps are. */
export function now(plusSeconds = 0): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000 + plusSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

type Propagation = NonNullable<DeleteOptions['propagationPolicy']>;

/**
 * metadata.finalizers after a delete with this policy, as upstream's registry sets them for the
 * garbage collector: Orphan adds `orphan`, Foreground adds `foregroundDeletion`, Background
 * neither. Without a policy, a finalizer already there decides, else the kind's default.
 */
function propagationFinalizers(decl: KindDeclaration, finalizers: string[], policy: Propagation | undefined): string[] {
  const others = finalizers.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
  const fallback = defaultPropagation(decl);
  if (!fallback) return others;
  const chosen = policy ?? (finalizers.includes(orphanFinalizer) ? 'Orphan' : finalizers.includes(foregroundFinalizer) ? 'Foreground' : fallback);
  if (chosen === 'Orphan') return [...others, orphanFinalizer];
  if (chosen === 'Foreground') return [...others, foregroundFinalizer];
  return others;
}

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';

/**
 * A kind's propagation when the request names none, as its upstream strategy says: batch/v1
 * Jobs orphan (for backwards compatibility), Events take no part in garbage collection
 * (undefined), everything else is Background.
 */
function defaultPropagation(decl: KindDeclaration): Propagation | undefined {
  if (decl.kind === 'Event') return undefined;
  if (decl.group === 'batch' && decl.kind === 'Job') return 'Orphan';
  return 'Background';
}

function sameMembers(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
