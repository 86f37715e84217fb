// The apiserver's core: one KindStorage per kind, and the write path every request and
// in-process client goes through: naming, defaulting, validation, admission, managedFields,
// and what objects take from shared pools (a Service's cluster IP and node ports).

import type { Store } from '../store/store.ts';
import type { AdmissionPlugin } from './admission.ts';
import { StoreError } from '../store/store.ts';
import type { KindDeclaration, KubeObject } from '../api/kind.ts';
import type { Registry } from '../api/registry.ts';
import { validateObjectMeta, dns1123Subdomain } from '../api/validation.ts';
import { randomUUID } from 'node:crypto';
import { KindStorage, decode, now, type DeleteOptions, type Mutation } from './storage.ts';
import { ApiError, badRequest, forbidden, gone, invalid, notFound, type FieldError, type Status } from './errors.ts';
import type { Predicate } from './selectors.ts';
import { recordManagedFields } from './managedFields.ts';
import { generateName } from './resources.ts';
import { requiredFieldErrors } from './fieldValidation.ts';
import { schemaOf } from './schemas.ts';

export interface WriteContext {
  dryRun?: boolean;
  /** The field manager recorded in managedFields. */
  manager: string;
  user: string;
  /** PUT/apply of a missing object creates it. */
  allowCreate?: boolean;
  /** Writes to the main resource keep the stored status (kinds with a status subresource). */
  keepStatus?: boolean;
  operation?: 'Apply' | 'Update';
  /** The subresource written (status, scale), recorded in managedFields. */
  subresource?: string;
}

export interface ListOptions {
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** A watch parameter; lists refuse it. */
  sendInitialEvents?: boolean;
}

export interface ListResult {
  items: KubeObject[];
  revision: number;
  continueToken?: string;
  remaining?: number;
}

export const defaultNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * What a kind's objects hold in pools beyond the store (a Service's cluster IPs and node
 * ports), taken as upstream's registry takes them around its store writes: after
 * validation, given back if the write fails, released once the object is gone, and
 * rebuilt from the stored objects at start.
 */
export interface PoolAllocator {
  readonly group: string;
  readonly plural: string;
  /** At start, before any write: takes what the stored objects hold. */
  restore(objects: KubeObject[]): void;
  /** Takes what a new object needs, filling in its fields; throws the ApiError to answer with. */
  create(obj: KubeObject, dryRun: boolean): Allocation;
  /** Takes what an update newly needs; what the old object held and the new one does not is released on commit. */
  update(next: KubeObject, current: KubeObject, dryRun: boolean): Allocation;
  /** The object is gone: what it held goes back. */
  release(obj: KubeObject): void;
}

/** What one write took: kept (and what it gave up released) on commit, given back on revert. Either once. */
export interface Allocation {
  commit(): void;
  revert(): void;
}

export class ApiServerCore {
  readonly registry: Registry;
  readonly store: Store;
  readonly #storages = new Map<string, KindStorage>();

  readonly #admission: AdmissionPlugin[];
  readonly #pools = new Map<string, PoolAllocator>();

  constructor(store: Store, registry: Registry, admission: AdmissionPlugin[] = [], pools: PoolAllocator[] = []) {
    this.#admission = admission;
    this.store = store;
    this.registry = registry;
    for (const pool of pools) this.#pools.set(`${pool.group}/${pool.plural}`, pool);
  }

  async start(): Promise<void> {
    const kinds = this.registry.kinds();
    await Promise.all(kinds.filter((decl) => !decl.storedAs).map((decl) => this.addKind(decl)));
    await Promise.all(kinds.filter((decl) => decl.storedAs).map((decl) => this.addKind(decl)));
    for (const pool of this.#pools.values()) {
      const storage = this.storageFor(pool.group, pool.plural);
      pool.restore(storage.cache.list({ prefix: storage.prefix }).items.map((e) => e.object));
    }
    await this.#ensureDefaultNamespaces();
  }

  stop(): void {
    for (const storage of new Set(this.#storages.values())) storage.stop();
  }

  /** Serves a kind (built-in at start, or a CRD's when it is established). */
  async addKind(decl: KindDeclaration): Promise<KindStorage> {
    const key = `${decl.group}/${decl.plural}`;
    const existing = this.#storages.get(key);
    if (existing) return existing;
    if (decl.storedAs) {
      const shared = this.storageFor(decl.storedAs.group, decl.storedAs.plural);
      this.#storages.set(key, shared);
      return shared;
    }
    const storage = new KindStorage(this.store, decl);
    this.#storages.set(key, storage);
    await storage.start();
    return storage;
  }

  removeKind(group: string, plural: string): void {
    const key = `${group}/${plural}`;
    const storage = this.#storages.get(key);
    this.#storages.delete(key);
    if (storage && storage.decl.group === group && storage.decl.plural === plural) storage.stop();
  }

  storageFor(group: string, plural: string): KindStorage {
    const storage = this.#storages.get(`${group}/${plural}`);
    if (!storage) throw notFound({ group, plural }, '');
    return storage;
  }

  // ---- writes

  async createObject(storage: KindStorage, namespace: string | undefined, obj: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const prepared = await this.#prepareCreate(storage, namespace, obj, ctx);
    const allocation = this.#poolOf(storage)?.create(prepared, ctx.dryRun ?? false);
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await storage.create(prepared, { dryRun: ctx.dryRun });
        allocation?.commit();
        return created;
      } catch (err) {
        // A generated name that collided: try another, as upstream does a few times.
        if (err instanceof ApiError && err.code === 409 && obj.metadata?.generateName && !obj.metadata?.name && attempt < 3) {
          prepared.metadata!.name = generateName(obj.metadata.generateName);
          continue;
        }
        allocation?.revert();
        throw err;
      }
    }
  }

  async updateObject(storage: KindStorage, namespace: string | undefined, name: string, mutate: Mutation, ctx: WriteContext): Promise<KubeObject> {
    const pool = this.#poolOf(storage);
    const dryRun = ctx.dryRun ?? false;
    // A write that loses a race runs mutate again on the newer object: it allocates afresh.
    let allocation: Allocation | undefined;
    try {
      const result = await storage.update(namespace, name, async (current) => {
        allocation?.revert();
        allocation = undefined;
        const next = await this.#prepareUpdate(storage, namespace, name, mutate, current, ctx);
        if (pool) allocation = current ? pool.update(next, current, dryRun) : pool.create(next, dryRun);
        return next;
      }, { dryRun: ctx.dryRun, status: ctx.subresource === 'status' });
      allocation?.commit();
      // An update that removed the last finalizer of a terminating object deleted it.
      if (pool && !dryRun && result.metadata?.deletionTimestamp && (await this.#gone(storage, result))) pool.release(result);
      return result;
    } catch (err) {
      allocation?.revert();
      throw err;
    }
  }

  async #prepareUpdate(storage: KindStorage, namespace: string | undefined, name: string, mutate: Mutation, current: KubeObject | undefined, ctx: WriteContext): Promise<KubeObject> {
    const decl = storage.decl;
    // current is the storage's private copy; the result is copied once so no part of it is shared.
    const next = JSON.parse(JSON.stringify(await mutate(current))) as KubeObject;
    if (!current) {
      if (!ctx.allowCreate) throw notFound(decl, name);
      return this.#prepareCreate(storage, namespace, next, ctx);
    }
    next.metadata ??= {};
    // As on create, the request's namespace fills in a missing one and must match a given one.
    if (decl.namespaced) {
      if (next.metadata.namespace && namespace && next.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      next.metadata.namespace = namespace ?? current.metadata!.namespace;
    }
    if (ctx.keepStatus && decl.subresources?.status) {
      if ((current as any).status === undefined) delete (next as any).status;
      else (next as any).status = (current as any).status;
    }
    decl.defaults?.(next);
    decl.prepareForUpdate?.(next, current);
    const errors = validate(decl, next, current);
    if (errors.length > 0) throw invalid(decl.kind, decl.group, name, errors);
    return recordManagedFields(decl, current, next, { manager: ctx.manager, operation: ctx.operation ?? 'Update', apiVersion: apiVersion(decl), subresource: ctx.subresource });
  }

  async deleteObject(storage: KindStorage, namespace: string | undefined, name: string, options: DeleteOptions): Promise<{ object: KubeObject; deleted: boolean }> {
    const result = await storage.delete(namespace, name, options);
    if (result.deleted && !options.dryRun) this.#poolOf(storage)?.release(result.object);
    return result;
  }

  #poolOf(storage: KindStorage): PoolAllocator | undefined {
    return this.#pools.get(`${storage.decl.group}/${storage.decl.plural}`);
  }

  /** Whether obj is no longer stored (its key is free, or holds a newer object of that name). */
  async #gone(storage: KindStorage, obj: KubeObject): Promise<boolean> {
    const stored = await storage.get(obj.metadata!.namespace, obj.metadata!.name!).catch((err) => {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    });
    return stored?.metadata?.uid !== obj.metadata!.uid;
  }

  async #prepareCreate(storage: KindStorage, namespace: string | undefined, obj: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const decl = storage.decl;
    const meta = (obj.metadata ??= {});
    if (decl.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    // The server owns identity and status: whatever the client sent is replaced.
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    if (decl.subresources?.status && !decl.statusOnCreate) delete (obj as any).status;
    decl.defaults?.(obj);
    decl.prepareForCreate?.(obj);
    for (const admit of this.#admission) obj = admit(decl, obj);
    const errors = [
      ...(meta.name ? [] : [{ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]),
      ...validate(decl, obj, undefined),
    ];
    if (errors.length > 0) throw invalid(decl.kind, decl.group, meta.name ?? meta.generateName ?? '', errors);
    if (decl.namespaced) await this.#admitNamespace(decl, meta.namespace!, meta.name!);
    return recordManagedFields(decl, undefined, obj, { manager: ctx.manager, operation: ctx.operation ?? 'Update', apiVersion: apiVersion(decl), subresource: ctx.subresource });
  }

  /** NamespaceLifecycle admission: the namespace must exist and not be terminating. */
  async #admitNamespace(decl: KindDeclaration, namespace: string, name: string): Promise<void> {
    const namespaces = this.storageFor('', 'namespaces');
    const ns = namespaces.cache.get(namespaces.key(undefined, namespace)) ?? (await namespaces.get(undefined, namespace).catch(() => undefined));
    if (!ns) throw notFound({ group: '', plural: 'namespaces' }, namespace);
    if (ns.metadata?.deletionTimestamp || (ns as any).status?.phase === 'Terminating') {
      const err = forbidden(decl, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
      err.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }];
      throw err;
    }
  }

  async #ensureDefaultNamespaces(): Promise<void> {
    const namespaces = this.storageFor('', 'namespaces');
    for (const name of defaultNamespaces) {
      if (namespaces.cache.get(namespaces.key(undefined, name))) continue;
      try {
        await this.createObject(namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { manager: 'skiff', user: 'system:apiserver' });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
    }
  }

  // ---- reads

  async listObjects(storage: KindStorage, namespace: string | undefined, matches: Predicate, options: ListOptions): Promise<ListResult> {
    validateListOptions(options);
    const scope = storage.scope(namespace);
    const { limit, continueToken, resourceVersionMatch: match } = options;
    const rv = options.resourceVersion ?? '';
    if (continueToken) {
      if (rv !== '' && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
      const token = parseContinue(continueToken);
      // A token handed out with a 410 (revision -1) goes on at the newest revision.
      return this.#listFromStore(scope, matches, limit, Math.max(token.rv, 0), token.start, true);
    }
    // Exact, or its legacy spelling (a limit with a resourceVersion): the store at that revision.
    if (match === 'Exact' || (limit && !match && rv !== '' && rv !== '0')) {
      const revision = parseResourceVersion(rv);
      if (revision > this.store.currentRevision()) throw tooLargeResourceVersion(revision, this.store.currentRevision());
      return this.#listFromStore(scope, matches, limit, revision, '', false);
    }
    // Consistent ("": as of now) or not older than rv: the watch cache, once it has caught up.
    const wanted = rv === '' ? this.store.currentRevision() : parseResourceVersion(rv);
    await waitForCache(storage, wanted);
    // Pages come from the store, at a revision its continue tokens can return to.
    if (limit && rv !== '0') return this.#listFromStore(scope, matches, limit, 0, '', false);
    const { items, revision } = storage.cache.list({ prefix: scope });
    return { items: items.filter((e) => matches(e.object)).map((e) => e.object), revision };
  }

  async #listFromStore(scope: string, matches: Predicate, limit: number | undefined, revision: number, start: string, continuing: boolean): Promise<ListResult> {
    const items: KubeObject[] = [];
    let after = start;
    let atRevision = revision;
    for (;;) {
      let page;
      try {
        page = await this.store.list(scope, { revision: atRevision || undefined, limit: limit ? Math.max(limit - items.length, 100) : undefined, after: after || undefined });
      } catch (err) {
        if (err instanceof StoreError && err.code === 'compacted') {
          if (continuing) throw new ExpiredContinueError(makeContinue(-1, start));
          throw gone('The resourceVersion for the provided list is too old.');
        }
        throw err;
      }
      atRevision = page.revision;
      for (const kv of page.items) {
        after = kv.key;
        const obj = decode(kv);
        if (!matches(obj)) continue;
        items.push(obj);
        if (limit && items.length >= limit) {
          const more = page.more || kv !== page.items[page.items.length - 1];
          return { items, revision: atRevision, continueToken: more ? makeContinue(atRevision, kv.key) : undefined };
        }
      }
      if (!page.more) return { items, revision: atRevision };
    }
  }
}

/**
 * Checks list and watch options as upstream's ValidateListOptions does: what is wrong is a
 * 422 Invalid ListOptions naming the field.
 */
export function validateListOptions(options: ListOptions & { watch?: boolean }): void {
  const { resourceVersionMatch: match, resourceVersion: rv, continueToken, sendInitialEvents, watch } = options;
  const errors: FieldError[] = [];
  const forbid = (field: string, why: string) => errors.push({ type: 'FieldValueForbidden', field, message: `Forbidden: ${why}` });
  const supported = watch ? ['NotOlderThan'] : ['Exact', 'NotOlderThan', ''];
  if (watch && sendInitialEvents !== undefined && match !== 'NotOlderThan') forbid('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
  if (match) {
    if (watch && sendInitialEvents === undefined) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
    if (!watch && !rv) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (continueToken) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
    if (!supported.includes(match)) {
      errors.push({ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: ${JSON.stringify(match)}: supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` });
    }
    if (!watch && match === 'Exact' && rv === '0') forbid('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (!watch && sendInitialEvents !== undefined) forbid('sendInitialEvents', 'sendInitialEvents is forbidden for list');
  if (errors.length > 0) throw invalid('ListOptions', 'meta.k8s.io', '', errors);
}

/** A resourceVersion parameter as a revision ("" is 0). */
export function parseResourceVersion(rv: string): number {
  if (rv === '') return 0;
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  return Number(rv);
}

/** How long a read waits for a resourceVersion the watch cache has not seen yet (upstream: 3 s). */
const tooLargeWaitMs = 3000;

/** Waits until the kind's watch cache has reached revision; a 504 if it does not in time. */
export async function waitForCache(storage: KindStorage, revision: number): Promise<void> {
  const signal = AbortSignal.timeout(tooLargeWaitMs);
  try {
    await storage.cache.waitForRevision(revision, signal);
  } catch (err) {
    if (signal.aborted) throw tooLargeResourceVersion(revision, storage.cache.revision);
    throw err;
  }
}

export function tooLargeResourceVersion(wanted: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${wanted}, current: ${current}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
}

/**
 * 410 for a continue token older than the compacted revision. As upstream, its Status carries
 * a token that goes on from the same key at the newest revision, for clients that accept an
 * inconsistent list.
 */
class ExpiredContinueError extends ApiError {
  readonly #continueToken: string;
  constructor(continueToken: string) {
    super(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    this.#continueToken = continueToken;
  }

  toStatus(): Status {
    return { ...super.toStatus(), metadata: { continue: this.#continueToken } } as unknown as Status;
  }
}

export function apiVersion(decl: KindDeclaration): string {
  return decl.group ? `${decl.group}/${decl.version}` : decl.version;
}

/** Validation of a write: metadata, the kind's own rules, and the schema's required fields. */
function validate(decl: KindDeclaration, obj: KubeObject, current: KubeObject | undefined): FieldError[] {
  const errors = [
    ...validateObjectMeta(obj.metadata!, { namespaced: decl.namespaced, nameValidator: decl.nameValidator ?? dns1123Subdomain }),
    ...(current ? immutableMeta(current, obj) : []),
    ...(decl.validate?.(obj, current) ?? []),
  ];
  // The kind's validation words a missing field its own way; the schema only adds what it missed.
  const reported = new Set(errors.map((e) => e.field));
  for (const missing of requiredFieldErrors(obj, schemaOf(decl, decl.version))) if (!reported.has(missing.field)) errors.push(missing);
  return errors;
}

function immutableMeta(current: KubeObject, next: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const was = current.metadata!;
  const now = next.metadata!;
  if (now.uid && now.uid !== was.uid) errors.push({ type: 'FieldValueInvalid', field: 'metadata.uid', message: `Invalid value: "${now.uid}": field is immutable` });
  if (now.creationTimestamp && now.creationTimestamp !== was.creationTimestamp) {
    // upstream silently keeps the stored value
    now.creationTimestamp = was.creationTimestamp;
  }
  return errors;
}

function makeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function parseContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    // rv is a revision, or -1 (go on at the newest); 0 is never handed out.
    if (Number.isInteger(parsed.rv) && parsed.rv !== 0 && parsed.rv >= -1 && typeof parsed.start === 'string') return parsed;
  } catch {
    // fall through to the error
  }
  throw badRequest(`invalid continue token`);
}

