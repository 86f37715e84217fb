// The Deployment controller: wires the Deployment, ReplicaSet and Pod informers to a work
// queue of Deployment keys and syncDeployment. A ReplicaSet change wakes its controlling
// Deployment (or, for an orphan, every Deployment selecting it); a pod deletion wakes a
// Recreate Deployment waiting for its old pods to go.

import { runWorkers, type Controller, type ControllerContext } from '../controller.ts';
import { keyOf, type Informer, type Lister } from '../../client/informer.ts';
import { createWorkQueue, type WorkQueue } from '../../client/workqueue.ts';
import { types } from '../../client/resourceTypes.ts';
import type { OwnerReference } from '../../api/kind.ts';
import { selectorMatches } from '../../api/validation.ts';
import { logUnlessConflict } from '../replicaSet/apiErrors.ts';
import type { Deployment, Pod, ReplicaSet } from '../../api/objects.ts';
import { controllerOf } from '../replicaSet/controllerRef.ts';
import { selectsEverything } from '../replicaSet/selection.ts';
import { syncDeployment } from './syncDeployment.ts';

/** Upstream's --concurrent-deployment-syncs. */
const workers = 5;

export const deploymentController: Controller = {
  name: 'deployment-controller',
  start(ctx: ControllerContext) {
    const deployments = ctx.informers.informer<Deployment>(types.deployments);
    const replicaSets = ctx.informers.informer<ReplicaSet>(types.replicaSets);
    const pods = ctx.informers.informer<Pod>(types.pods);
    const queue = createWorkQueue({ name: 'deployment', onError: logUnlessConflict });
    const enqueue = (d: Deployment) => queue.add(keyOf(d));
    deployments.addHandler({ onAdd: enqueue, onUpdate: (_old, d) => enqueue(d), onDelete: enqueue });
    watchReplicaSets(replicaSets, deployments, queue);
    watchPodDeletions(pods, replicaSets, deployments, queue);
    const sync = { client: ctx.client, deployments, replicaSets, pods, recorder: ctx.recorder('deployment-controller'), now: Date.now };
    runWorkers(ctx, 'deployment-controller', queue, workers, (key) => syncDeployment(key, sync));
  },
};

function watchReplicaSets(replicaSets: Informer<ReplicaSet>, deployments: Lister<Deployment>, queue: WorkQueue): void {
  const wake = (rs: ReplicaSet, ref: OwnerReference | undefined) => {
    const d = ref && resolveDeployment(deployments, rs.metadata?.namespace, ref);
    if (d) queue.add(keyOf(d));
  };
  const orphan = (rs: ReplicaSet) => {
    for (const d of selecting(deployments, rs)) queue.add(keyOf(d));
  };
  replicaSets.addHandler({
    onAdd: (rs) => {
      const ref = controllerOf(rs);
      if (ref || rs.metadata?.deletionTimestamp) wake(rs, ref);
      else orphan(rs);
    },
    onUpdate: (old, rs) => {
      if (old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
      const ref = controllerOf(rs);
      const oldRef = controllerOf(old);
      const refChanged = JSON.stringify(ref) !== JSON.stringify(oldRef);
      if (refChanged && oldRef) wake(old, oldRef);
      if (ref) return wake(rs, ref);
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(rs.metadata?.labels ?? {});
      if (labelsChanged || refChanged) orphan(rs);
    },
    onDelete: (rs) => wake(rs, controllerOf(rs)),
  });
}

function watchPodDeletions(pods: Informer<Pod>, replicaSets: Lister<ReplicaSet>, deployments: Lister<Deployment>, queue: WorkQueue): void {
  pods.addHandler({
    onDelete: (pod) => {
      const podRef = controllerOf(pod);
      if (podRef?.kind !== 'ReplicaSet') return;
      const rs = replicaSets.get(pod.metadata?.namespace, podRef.name);
      if (rs?.metadata?.uid !== podRef.uid) return;
      const rsRef = controllerOf(rs);
      const d = rsRef && resolveDeployment(deployments, rs.metadata?.namespace, rsRef);
      // Level-triggered: the sync itself checks whether old pods are still running.
      if (d?.spec?.strategy?.type === 'Recreate') queue.add(keyOf(d));
    },
  });
}

function resolveDeployment(deployments: Lister<Deployment>, namespace: string | undefined, ref: OwnerReference): Deployment | undefined {
  if (ref.kind !== 'Deployment') return undefined;
  const d = deployments.get(namespace, ref.name);
  return d?.metadata?.uid === ref.uid ? d : undefined;
}

/** Deployments whose (non-empty) selector matches the ReplicaSet's labels. */
function selecting(deployments: Lister<Deployment>, rs: ReplicaSet): Deployment[] {
  if (!Object.keys(rs.metadata?.labels ?? {}).length) return [];
  return deployments.list(rs.metadata?.namespace, (d) => {
    const selector = d.spec?.selector;
    return Boolean(selector) && !selectsEverything(selector) && selectorMatches(selector!, rs.metadata?.labels);
  });
}
