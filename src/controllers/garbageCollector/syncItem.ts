// One pass of the collector over one object: decide (decisions.ts) from the cached object, its
// owners (cached, else read live: the cache may lag behind a new owner) and its dependents,
// then write the difference. Writes carry a resourceVersion precondition: a deletion refused
// because the cache was stale is decided again later, a patch is retried once on the object
// read live.

import type { KubeObject, OwnerReference } from '../../api/kind.ts';
import type { Client } from '../../client/client.ts';
import { isConflict, isNotFound } from '../replicaSet/apiErrors.ts';
import { dependentAction, deletingObjectAction, foregroundFinalizer, orphanFinalizer, ownerStateOf, type Action, type OwnerState } from './decisions.ts';
import type { GraphItem, OwnershipGraph } from './graph.ts';

export interface SyncContext {
  client: Client;
  graph: OwnershipGraph;
  /** Owners known to be gone ("namespace|uid"): uids are never reused, so this stays true. */
  absentOwners: BoundedSet;
  /** Queues another object's key (a dependent to delete). */
  enqueue: (key: string) => void;
}

export async function syncItem(key: string, ctx: SyncContext): Promise<void | { requeueAfterMs: number }> {
  const item = ctx.graph.item(key);
  if (!item) return; // gone: its deletion event queued its dependents
  const { obj } = item;
  const dependents = ctx.graph.dependents(obj.metadata!.uid!);
  if (obj.metadata?.deletionTimestamp) return carryOut(ctx, item, deletingObjectAction(obj, dependents.map((d) => d.obj)), dependents);
  const refs = obj.metadata?.ownerReferences ?? [];
  if (refs.length === 0) return;
  const states = new Map<string, OwnerState>();
  for (const ref of refs) {
    const state = await ownerState(ctx, ref, obj.metadata?.namespace);
    // A cluster-scoped object naming a namespaced owner is invalid; upstream leaves it alone.
    if (!state) return;
    states.set(ref.uid, state);
  }
  return carryOut(ctx, item, dependentAction(obj, states, dependents.map((d) => d.obj)), dependents);
}

async function ownerState(ctx: SyncContext, ref: OwnerReference, namespace: string | undefined): Promise<OwnerState | undefined> {
  const cached = ctx.graph.cachedOwner(ref, namespace);
  if (cached) return ownerStateOf(cached, ref.uid);
  const type = ctx.graph.typeOf(ref.apiVersion, ref.kind);
  if (!type) throw new Error(`owner reference to unknown kind ${ref.kind} in ${ref.apiVersion}`);
  if (type.namespaced && !namespace) return undefined;
  const ownerNamespace = type.namespaced ? namespace : undefined;
  const absentKey = `${ownerNamespace ?? ''}|${ref.uid}`;
  if (ctx.absentOwners.has(absentKey)) return 'dangling';
  try {
    const live = await ctx.client.get(type, ownerNamespace, ref.name);
    const state = ownerStateOf(live, ref.uid);
    if (state === 'dangling') ctx.absentOwners.add(absentKey);
    return state;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    ctx.absentOwners.add(absentKey);
    return 'dangling';
  }
}

/** How soon a deletion refused for a stale resourceVersion is decided again (the cache catches up in ms). */
const conflictRetryMs = 100;

async function carryOut(ctx: SyncContext, item: GraphItem, action: Action, dependents: GraphItem[]): Promise<void | { requeueAfterMs: number }> {
  const uid = item.obj.metadata!.uid!;
  switch (action.type) {
    case 'none':
      return;
    case 'orphanDependents':
      await Promise.all(dependents.map((d) => patchOwnerReferences(ctx, d, (refs) => refs.filter((ref) => ref.uid !== uid))));
      await removeFinalizer(ctx, item, orphanFinalizer);
      return;
    case 'removeForegroundFinalizer':
      await removeFinalizer(ctx, item, foregroundFinalizer);
      return;
    case 'deleteDependents':
      // Each dependent decides for itself (it sees this owner waiting) and is deleted.
      for (const d of dependents) if (!d.obj.metadata?.deletionTimestamp) ctx.enqueue(d.key);
      return;
    case 'removeOwnerReferences':
      await patchOwnerReferences(ctx, item, (refs) => refs.filter((ref) => !action.uids.includes(ref.uid)));
      return;
    case 'delete': {
      let resourceVersion = item.obj.metadata!.resourceVersion;
      if (action.unblockOwnerReferences) {
        const unblocked = await patchOwnerReferences(ctx, item, (refs) => refs.map((ref) => (ref.blockOwnerDeletion ? { ...ref, blockOwnerDeletion: false } : ref)));
        if (!unblocked) return;
        resourceVersion = unblocked.metadata?.resourceVersion;
      }
      try {
        await ctx.client.delete(item.type, item.obj.metadata?.namespace, item.obj.metadata!.name!, { propagationPolicy: action.propagationPolicy, preconditions: { uid, resourceVersion } });
      } catch (err) {
        if (isNotFound(err)) return;
        // Changed since the cache saw it (its owners may have too): decide again on fresh facts.
        if (isConflict(err)) return { requeueAfterMs: conflictRetryMs };
        throw err;
      }
    }
  }
}

/** Replaces an object's owner references with change(current ones); undefined if it is gone. */
function patchOwnerReferences(ctx: SyncContext, item: GraphItem, change: (refs: OwnerReference[]) => OwnerReference[]): Promise<KubeObject | undefined> {
  return writeFresh(ctx, item, (obj) => {
    const ownerReferences = change(obj.metadata?.ownerReferences ?? []);
    return { metadata: { resourceVersion: obj.metadata!.resourceVersion, ownerReferences: ownerReferences.length > 0 ? ownerReferences : null } };
  });
}

function removeFinalizer(ctx: SyncContext, item: GraphItem, finalizer: string): Promise<KubeObject | undefined> {
  return writeFresh(ctx, item, (obj) => {
    const finalizers = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    return { metadata: { resourceVersion: obj.metadata!.resourceVersion, finalizers: finalizers.length > 0 ? finalizers : null } };
  });
}

/**
 * Merge-patches the object with patchFor(its state), guarded by its resourceVersion: first as
 * cached, and if that is stale, once more as read live (as upstream's retry on conflict).
 * Undefined when the object is gone (or replaced by another of the same name).
 */
async function writeFresh(ctx: SyncContext, item: GraphItem, patchFor: (obj: KubeObject) => unknown): Promise<KubeObject | undefined> {
  const { type, obj } = item;
  const write = (current: KubeObject) => ctx.client.patch<KubeObject>(type, obj.metadata?.namespace, obj.metadata!.name!, 'merge', patchFor(current));
  try {
    try {
      return await write(obj);
    } catch (err) {
      if (!isConflict(err)) throw err;
      const live = await ctx.client.get<KubeObject>(type, obj.metadata?.namespace, obj.metadata!.name!);
      return live.metadata?.uid === obj.metadata?.uid ? await write(live) : undefined;
    }
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** A set that forgets its oldest entries beyond a size (upstream's absent-owner LRU). */
export class BoundedSet {
  readonly #items = new Set<string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  has(item: string): boolean {
    if (!this.#items.delete(item)) return false;
    this.#items.add(item); // most recently used last
    return true;
  }

  add(item: string): void {
    this.#items.delete(item);
    this.#items.add(item);
    if (this.#items.size > this.#max) this.#items.delete(this.#items.values().next().value!);
  }
}
