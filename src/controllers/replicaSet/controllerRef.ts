// Controller references and upstream's ControllerRefManager: a controller claims the objects
// its selector matches, adopting orphans (after a fresh read of itself proves it is still
// there and not being deleted) and releasing owned objects that no longer match.

import type { KubeObject, OwnerReference } from '../../api/kind.ts';
import type { Client, ResourceType } from '../../client/client.ts';
import { isInvalid, isNotFound } from './apiErrors.ts';

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** The reference a controller puts on what it creates or adopts. */
export function controllerRefTo(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  ownerRef: OwnerReference;
  matches(obj: T): boolean;
  /** Throws if adoption must not happen; called before the first adoption only. */
  canAdopt(): Promise<void>;
  /** Sends a strategic merge patch to obj. */
  patch(obj: T, patch: unknown): Promise<unknown>;
}

/**
 * The objects the owner controls after adopting and releasing, as ClaimObjects: owned and
 * matching objects are kept; owned ones that stopped matching are released (unless the owner
 * is being deleted); matching orphans are adopted. Errors are collected and the first thrown
 * once every object has been looked at.
 */
export async function claimObjects<T extends KubeObject>(objects: T[], options: ClaimOptions<T>): Promise<T[]> {
  const { owner, ownerRef } = options;
  const ownerDeleting = Boolean(owner.metadata?.deletionTimestamp);
  const claimed: T[] = [];
  const errors: unknown[] = [];
  for (const obj of objects) {
    const ref = controllerOf(obj);
    try {
      if (ref) {
        if (ref.uid !== ownerRef.uid) continue;
        if (options.matches(obj)) claimed.push(obj);
        else if (!ownerDeleting) await release(obj, options);
        continue;
      }
      if (ownerDeleting || !options.matches(obj) || obj.metadata?.deletionTimestamp) continue;
      if (obj.metadata?.namespace !== owner.metadata?.namespace) continue;
      await options.canAdopt();
      await options.patch(obj, { metadata: { ownerReferences: [ownerRef], uid: obj.metadata?.uid } });
      claimed.push(obj);
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

async function release<T extends KubeObject>(obj: T, options: ClaimOptions<T>): Promise<void> {
  try {
    await options.patch(obj, { metadata: { ownerReferences: [{ $patch: 'delete', uid: options.ownerRef.uid }], uid: obj.metadata?.uid } });
  } catch (err) {
    // Gone, or replaced by a namesake (the uid no longer matches): nothing left to release.
    if (!isNotFound(err) && !isInvalid(err)) throw err;
  }
}

/** upstream's RecheckDeletionTimestamp: a fresh (uncached) read, once, before adopting anything. */
export function recheckOwner(client: Client, type: ResourceType, owner: KubeObject): () => Promise<void> {
  let check: Promise<void> | undefined;
  const { namespace, name, uid } = owner.metadata ?? {};
  return () =>
    (check ??= client.get(type, namespace, name!).then((fresh) => {
      if (fresh.metadata?.uid !== uid) throw new Error(`original ${type.kind} ${namespace}/${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${uid}`);
      if (fresh.metadata?.deletionTimestamp) throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }));
}
