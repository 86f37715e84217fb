// The Recreate strategy, as upstream's rolloutRecreate: scale every old ReplicaSet to zero,
// wait until none of their pods is left running, then create (or scale up) the new one.

import type { Deployment, Pod, ReplicaSet } from '../../api/objects.ts';
import { cleanupDeployment } from './cleanup.ts';
import type { DeploymentSync, SyncResult } from './deploymentSync.ts';
import { desiredReplicas } from './fenceposts.ts';
import { getAllReplicaSetsAndSyncRevision, type DeploymentReplicaSets } from './newReplicaSet.ts';
import { deploymentComplete } from './progress.ts';
import { activeReplicaSets, sumStatus } from './replicaSets.ts';
import { scaleReplicaSetAndRecordEvent } from './scaleReplicaSet.ts';
import { syncRolloutStatus } from './rolloutStatus.ts';

/** podMap: the pods of each of the Deployment's ReplicaSets (by uid), terminating ones included. */
export async function rolloutRecreate(s: DeploymentSync, d: Deployment, rsList: ReplicaSet[], found: DeploymentReplicaSets, podMap: Map<string, Pod[]>): Promise<SyncResult> {
  let { newRS, oldRSs } = found;
  let allRSs = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(s, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(s, allRSs, newRS, d);

  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  await scaleReplicaSetAndRecordEvent(s, newRS!, desiredReplicas(d), d);
  if (deploymentComplete(d, d.status)) await cleanupDeployment(s, oldRSs, d);
  return syncRolloutStatus(s, allRSs, newRS, d);
}

/** Any old ReplicaSet still reports pods, or still has a pod not in a terminal phase. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: Map<string, Pod[]>): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  for (const [uid, pods] of podMap) {
    if (uid === newRS?.metadata?.uid) continue;
    if (pods.some((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')) return true;
  }
  return false;
}
