// The ReplicaSet controller: wires the ReplicaSet and Pod informers to a work queue of
// ReplicaSet keys and syncReplicaSet. Handlers only say which ReplicaSet to look at (and
// record what the expectations were waiting for); the reconcile reads everything again.

import { runWorkers, type Controller, type ControllerContext } from '../controller.ts';
import { keyOf, type Informer, type Lister } from '../../client/informer.ts';
import { createWorkQueue, type WorkQueue } from '../../client/workqueue.ts';
import { types } from '../../client/resourceTypes.ts';
import type { OwnerReference } from '../../api/kind.ts';
import { selectorMatches } from '../../api/validation.ts';
import { logUnlessConflict } from './apiErrors.ts';
import type { Pod, ReplicaSet } from '../../api/objects.ts';
import { createExpectations, type Expectations } from './expectations.ts';
import { controllerOf } from './controllerRef.ts';
import { isPodReady, podKey } from './pods.ts';
import { selectsEverything } from './selection.ts';
import { syncReplicaSet } from './syncReplicaSet.ts';

/** Upstream's --concurrent-replicaset-syncs. */
const workers = 5;

export const replicaSetController: Controller = {
  name: 'replicaset-controller',
  start(ctx: ControllerContext) {
    const replicaSets = ctx.informers.informer<ReplicaSet>(types.replicaSets);
    const pods = ctx.informers.informer<Pod>(types.pods);
    const queue = createWorkQueue({ name: 'replicaset', onError: logUnlessConflict });
    const expectations = createExpectations();
    watchReplicaSets(replicaSets, queue, expectations);
    watchPods(pods, replicaSets, queue, expectations);
    const sync = { client: ctx.client, replicaSets, pods, expectations, recorder: ctx.recorder('replicaset-controller'), now: Date.now };
    runWorkers(ctx, 'replicaset-controller', queue, workers, (key) => syncReplicaSet(key, sync));
  },
};

function watchReplicaSets(replicaSets: Informer<ReplicaSet>, queue: WorkQueue, expectations: Expectations): void {
  const deleted = (rs: ReplicaSet) => {
    // A ReplicaSet created again under this name starts with clean expectations.
    expectations.forget(keyOf(rs));
    queue.add(keyOf(rs));
  };
  replicaSets.addHandler({
    onAdd: (rs) => queue.add(keyOf(rs)),
    onUpdate: (old, rs) => {
      if (old.metadata?.uid !== rs.metadata?.uid) deleted(old);
      queue.add(keyOf(rs));
    },
    onDelete: deleted,
  });
}

function watchPods(pods: Informer<Pod>, replicaSets: Lister<ReplicaSet>, queue: WorkQueue, expectations: Expectations): void {
  const owner = (pod: Pod, ref: OwnerReference) => resolveReplicaSet(replicaSets, pod.metadata?.namespace, ref);
  const deleted = (pod: Pod) => {
    const ref = controllerOf(pod);
    const rs = ref && owner(pod, ref);
    if (!rs) return;
    expectations.deletionObserved(keyOf(rs), podKey(pod));
    queue.add(keyOf(rs));
  };
  pods.addHandler({
    onAdd: (pod) => {
      if (pod.metadata?.deletionTimestamp) return deleted(pod);
      const ref = controllerOf(pod);
      if (ref) {
        const rs = owner(pod, ref);
        if (!rs) return;
        expectations.creationObserved(keyOf(rs));
        queue.add(keyOf(rs));
        return;
      }
      // An orphan: whoever selects it may adopt it.
      for (const rs of selecting(replicaSets, pod)) queue.add(keyOf(rs));
    },
    onUpdate: (old, pod) => {
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
      if (pod.metadata?.deletionTimestamp) {
        // A graceful deletion began: replace the pod now, not when it is finally gone.
        deleted(pod);
        if (labelsChanged) deleted(old);
        return;
      }
      const ref = controllerOf(pod);
      const oldRef = controllerOf(old);
      const refChanged = JSON.stringify(ref) !== JSON.stringify(oldRef);
      if (refChanged && oldRef) {
        const previous = owner(old, oldRef);
        if (previous) queue.add(keyOf(previous));
      }
      if (ref) {
        const rs = owner(pod, ref);
        if (!rs) return;
        queue.add(keyOf(rs));
        const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
        if (!isPodReady(old) && isPodReady(pod) && minReadySeconds > 0) queue.addAfter(keyOf(rs), minReadySeconds * 1000 + 1000);
        return;
      }
      if (labelsChanged || refChanged) for (const rs of selecting(replicaSets, pod)) queue.add(keyOf(rs));
    },
    onDelete: deleted,
  });
}

/** The ReplicaSet a controller reference names, if it is still that object (same uid). */
function resolveReplicaSet(replicaSets: Lister<ReplicaSet>, namespace: string | undefined, ref: OwnerReference): ReplicaSet | undefined {
  if (ref.kind !== 'ReplicaSet') return undefined;
  const rs = replicaSets.get(namespace, ref.name);
  return rs?.metadata?.uid === ref.uid ? rs : undefined;
}

/** ReplicaSets in the pod's namespace whose (non-empty) selector matches it. */
function selecting(replicaSets: Lister<ReplicaSet>, pod: Pod): ReplicaSet[] {
  return replicaSets.list(pod.metadata?.namespace, (rs) => {
    const selector = rs.spec?.selector;
    return Boolean(selector) && !selectsEverything(selector) && selectorMatches(selector!, pod.metadata?.labels);
  });
}
