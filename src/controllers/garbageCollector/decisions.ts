// What the garbage collector does with one object, decided from what is known of its owners
// and dependents, as upstream's attemptToDeleteItem, processDeletingDependentsItem and
// orphan worker decide. Pure: the caller looks owners up and carries the action out.

import type { KubeObject, OwnerReference } from '../../api/kind.ts';

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

/**
 * An owner reference's target: there (solid), gone or replaced by another object of that
 * name (dangling), or there but deleting its dependents first (foreground deletion).
 */
export type OwnerState = 'solid' | 'dangling' | 'waitingForDependents';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export type Action =
  | { type: 'none' }
  /** An owner deleted with Orphan: drop its references from its dependents, then the orphan finalizer. */
  | { type: 'orphanDependents' }
  /** An owner deleted in the foreground whose blocking dependents are gone. */
  | { type: 'removeForegroundFinalizer' }
  /** An owner deleted in the foreground: its dependents go first. */
  | { type: 'deleteDependents' }
  /** A dependent with a live owner: references to gone or foreground-deleting owners are dropped. */
  | { type: 'removeOwnerReferences'; uids: string[] }
  /**
   * A dependent whose owners are all gone or deleting in the foreground. unblockOwnerReferences:
   * first clear its blockOwnerDeletion flags, since a dependent of its own waits on it (a cycle).
   */
  | { type: 'delete'; propagationPolicy: PropagationPolicy; unblockOwnerReferences: boolean };

const none: Action = { type: 'none' };

export function ownerStateOf(owner: KubeObject | undefined, uid: string): OwnerState {
  if (!owner || owner.metadata?.uid !== uid) return 'dangling';
  return isDeletingDependents(owner) ? 'waitingForDependents' : 'solid';
}

/** Being deleted in the foreground: waiting for its dependents. */
export function isDeletingDependents(obj: KubeObject): boolean {
  return Boolean(obj.metadata?.deletionTimestamp) && (obj.metadata?.finalizers ?? []).includes(foregroundFinalizer);
}

/** Being deleted with Orphan: waiting for its dependents to let go of it. */
export function isOrphaning(obj: KubeObject): boolean {
  return Boolean(obj.metadata?.deletionTimestamp) && (obj.metadata?.finalizers ?? []).includes(orphanFinalizer);
}

/** The dependent's reference to owner uid blocks the owner's foreground deletion. */
export function blocksOwner(dependent: KubeObject, ownerUid: string): boolean {
  return (dependent.metadata?.ownerReferences ?? []).some((ref) => ref.uid === ownerUid && ref.blockOwnerDeletion === true);
}

/** For an object being deleted, with the dependents that reference it. */
export function deletingObjectAction(obj: KubeObject, dependents: KubeObject[]): Action {
  if (!obj.metadata?.deletionTimestamp) return none;
  if (isOrphaning(obj)) return { type: 'orphanDependents' };
  if (!isDeletingDependents(obj)) return none;
  const uid = obj.metadata.uid!;
  return dependents.some((d) => blocksOwner(d, uid)) ? { type: 'deleteDependents' } : { type: 'removeForegroundFinalizer' };
}

/**
 * For an object not being deleted: states holds the state of each owner (by uid); dependents
 * are the objects that reference this one.
 */
export function dependentAction(obj: KubeObject, states: Map<string, OwnerState>, dependents: KubeObject[]): Action {
  const refs = obj.metadata?.ownerReferences ?? [];
  if (obj.metadata?.deletionTimestamp || refs.length === 0) return none;
  const having = (state: OwnerState) => refs.filter((ref) => states.get(ref.uid) === state).map((ref) => ref.uid);
  const solid = having('solid');
  const dangling = having('dangling');
  const waiting = having('waitingForDependents');
  if (solid.length > 0) {
    // Kept by a live owner; references to owners that are gone, or that would wait on this
    // object forever, go.
    const drop = [...dangling, ...waiting];
    return drop.length > 0 ? { type: 'removeOwnerReferences', uids: drop } : none;
  }
  if (waiting.length > 0 && dependents.length > 0) {
    return { type: 'delete', propagationPolicy: 'Foreground', unblockOwnerReferences: dependents.some(isDeletingDependents) };
  }
  // A finalizer already on the object says how its own dependents go.
  const finalizers = obj.metadata?.finalizers ?? [];
  const policy: PropagationPolicy = finalizers.includes(orphanFinalizer) ? 'Orphan' : finalizers.includes(foregroundFinalizer) ? 'Foreground' : 'Background';
  return { type: 'delete', propagationPolicy: policy, unblockOwnerReferences: false };
}

/**
 * Whether a new or changed object may have work for the collector: it is being deleted with a
 * collector finalizer, or an owner is not known to be there (cachedOwner returns the cached
 * object with the reference's uid, if any), or an owner is deleting in the foreground.
 */
export function needsAttention(obj: KubeObject, cachedOwner: (ref: OwnerReference) => KubeObject | undefined): boolean {
  if (isOrphaning(obj) || isDeletingDependents(obj)) return true;
  if (obj.metadata?.deletionTimestamp) return false;
  return (obj.metadata?.ownerReferences ?? []).some((ref) => {
    const owner = cachedOwner(ref);
    return !owner || isDeletingDependents(owner);
  });
}
