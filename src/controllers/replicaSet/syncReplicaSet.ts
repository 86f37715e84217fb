// The ReplicaSet reconcile, as upstream's syncReplicaSet: claim the active pods the selector
// matches, create or delete the difference (when the last round's expectations are met), and
// write status. Level-triggered: everything is read again from the listers on every call.

import type { OwnerReference } from '../../api/kind.ts';
import type { Client } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { indexes, splitKey, type Lister } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { selectorMatches } from '../../api/validation.ts';
import type { Pod, ReplicaSet } from '../../api/objects.ts';
import type { Expectations } from './expectations.ts';
import { claimObjects, controllerOf, controllerRefTo, recheckOwner } from './controllerRef.ts';
import { controlledOrSelectable } from './selection.ts';
import { isPodActive, podKey } from './pods.ts';
import { podFromTemplate } from './podTemplate.ts';
import { podsToDelete } from './podsToDelete.ts';
import { slowStartBatch } from './slowStartBatch.ts';
import { calculateReplicaSetStatus, nextAvailabilityMs, replicaSetStatusChanged } from './status.ts';
import { errorMessage, isConflict, isNamespaceTerminating, isNotFound } from './apiErrors.ts';

/** Upstream's --replicaset burst: at most this many creates or deletes per sync. */
export const burstReplicas = 500;

export interface ReplicaSetSync {
  client: Client;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  expectations: Expectations;
  recorder: EventRecorder;
  now: () => number;
}

export async function syncReplicaSet(key: string, s: ReplicaSetSync): Promise<void | { requeueAfterMs: number }> {
  const { namespace, name } = splitKey(key);
  const rs = s.replicaSets.get(namespace, name);
  if (!rs) {
    s.expectations.forget(key);
    return;
  }
  const needsSync = s.expectations.satisfied(key);
  const selector = rs.spec?.selector;
  if (!selector) return; // selects nothing (validation requires one)
  const active = controlledOrSelectable(s.pods, rs, selector).filter(isPodActive);
  const pods = await claimObjects(active, {
    owner: rs,
    ownerRef: controllerRefTo(rs, 'apps/v1', 'ReplicaSet'),
    matches: (pod) => selectorMatches(selector, pod.metadata?.labels),
    canAdopt: recheckOwner(s.client, types.replicaSets, rs),
    patch: (pod, patch) => s.client.patch(types.pods, namespace, pod.metadata!.name!, 'strategic', patch),
  });

  let manageError: unknown;
  if (needsSync && !rs.metadata?.deletionTimestamp) {
    try {
      await manageReplicas(s, key, rs, pods);
    } catch (err) {
      manageError = err;
    }
  }
  const now = s.now();
  const status = calculateReplicaSetStatus(rs, pods, manageError, now);
  if (replicaSetStatusChanged(rs, status)) await updateStatus(s, rs, { ...status, observedGeneration: rs.metadata?.generation });
  if (manageError) throw manageError;
  // Pods ready but not yet for minReadySeconds become available with no event to say so.
  const wait = nextAvailabilityMs(rs, pods, now);
  return wait === undefined ? undefined : { requeueAfterMs: wait + 10 };
}

async function manageReplicas(s: ReplicaSetSync, key: string, rs: ReplicaSet, pods: Pod[]): Promise<void> {
  const diff = pods.length - (rs.spec?.replicas ?? 1);
  if (diff < 0) {
    const count = Math.min(-diff, burstReplicas);
    s.expectations.expectCreations(key, count);
    const ref = controllerRefTo(rs, 'apps/v1', 'ReplicaSet');
    const { successes, error } = await slowStartBatch(count, 1, () => createPod(s, rs, ref));
    // Creations never attempted will never be observed.
    for (let skipped = count - successes; skipped > 0; skipped--) s.expectations.creationObserved(key);
    if (error) throw error;
  } else if (diff > 0) {
    const victims = podsToDelete(pods, relatedPods(s, rs), Math.min(diff, burstReplicas), s.now());
    s.expectations.expectDeletions(key, victims.map(podKey));
    const results = await Promise.allSettled(victims.map((pod) => deletePod(s, key, rs, pod)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

async function createPod(s: ReplicaSetSync, rs: ReplicaSet, ref: OwnerReference): Promise<void> {
  const pod = podFromTemplate(rs.spec!.template!, rs.metadata!.name!, rs.metadata!.namespace!, ref);
  if (!Object.keys(pod.metadata?.labels ?? {}).length) throw new Error('unable to create pods, no labels');
  try {
    const created = await s.client.create(types.pods, pod, { namespace: rs.metadata!.namespace });
    s.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
  } catch (err) {
    // Nothing can be created in a terminating namespace; that is not this controller's failure.
    if (isNamespaceTerminating(err)) return;
    s.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
    throw err;
  }
}

async function deletePod(s: ReplicaSetSync, key: string, rs: ReplicaSet, pod: Pod): Promise<void> {
  const name = pod.metadata!.name!;
  try {
    await s.client.delete(types.pods, pod.metadata?.namespace, name);
    s.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  } catch (err) {
    // The informer will not report a deletion that did not happen.
    s.expectations.deletionObserved(key, podKey(pod));
    if (isNotFound(err)) return;
    s.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
    throw err;
  }
}

/** Pods of every ReplicaSet sharing this one's controller (or of this one alone), for spreading deletions. */
function relatedPods(s: ReplicaSetSync, rs: ReplicaSet): Pod[] {
  const owner = controllerOf(rs);
  const siblings = owner ? s.replicaSets.byIndex(indexes.controllerUid, owner.uid) : [rs];
  return siblings.flatMap((sibling) => s.pods.byIndex(indexes.controllerUid, sibling.metadata!.uid!));
}

/** UpdateStatus, retried once on a conflict against a fresh read (as upstream). */
async function updateStatus(s: ReplicaSetSync, rs: ReplicaSet, status: ReplicaSet['status']): Promise<void> {
  try {
    await s.client.update(types.replicaSets, { ...rs, status }, { subresource: 'status' });
  } catch (err) {
    if (!isConflict(err)) throw err;
    const fresh = await s.client.get<ReplicaSet>(types.replicaSets, rs.metadata?.namespace, rs.metadata!.name!);
    await s.client.update(types.replicaSets, { ...fresh, status }, { subresource: 'status' });
  }
}
