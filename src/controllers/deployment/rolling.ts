// The RollingUpdate strategy, as upstream's rolloutRolling: each sync first scales the new
// ReplicaSet up as far as maxSurge allows; if it could not, scales old ReplicaSets down as
// far as maxUnavailable allows (their unhealthy pods first); when neither moves and the
// rollout is complete, prunes history. The decisions are pure functions of the ReplicaSets.

import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { cleanupDeployment } from './cleanup.ts';
import type { DeploymentSync, SyncResult } from './deploymentSync.ts';
import { desiredReplicas, isRollingUpdate, maxUnavailable } from './fenceposts.ts';
import { getAllReplicaSetsAndSyncRevision, newReplicaSetReplicas, type DeploymentReplicaSets } from './newReplicaSet.ts';
import { deploymentComplete } from './progress.ts';
import { activeReplicaSets, olderFirst, replicasOf, sumReplicas, sumStatus } from './replicaSets.ts';
import { scaleReplicaSetAndRecordEvent } from './scaleReplicaSet.ts';
import { syncRolloutStatus } from './rolloutStatus.ts';

export async function rolloutRolling(s: DeploymentSync, d: Deployment, rsList: ReplicaSet[], found: DeploymentReplicaSets): Promise<SyncResult> {
  const { newRS, oldRSs } = found.newRS ? found : await getAllReplicaSetsAndSyncRevision(s, d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  if ((await scaleReplicaSetAndRecordEvent(s, newRS!, newReplicaSetTarget(d, allRSs, newRS!), d)).scaled) return syncRolloutStatus(s, allRSs, newRS, d);

  let scaledDown = false;
  for (const step of oldReplicaSetsScaleDown(d, allRSs, activeReplicaSets(oldRSs), newRS!)) {
    if ((await scaleReplicaSetAndRecordEvent(s, step.rs, step.replicas, d)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(s, allRSs, newRS, d);

  if (deploymentComplete(d, d.status)) await cleanupDeployment(s, oldRSs, d);
  return syncRolloutStatus(s, allRSs, newRS, d);
}

/** reconcileNewReplicaSet: the new ReplicaSet's size for this step (down at once if over spec.replicas). */
export function newReplicaSetTarget(d: Deployment, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const replicas = desiredReplicas(d);
  if (replicasOf(newRS) >= replicas) return replicas;
  return newReplicaSetReplicas(d, allRSs, newRS);
}

export interface ScaleDown {
  rs: ReplicaSet;
  replicas: number;
}

/**
 * reconcileOldReplicaSets: how far old ReplicaSets may shrink now. At most
 * allPods - minAvailable - (new pods not yet available) go: first unhealthy replicas of old
 * ReplicaSets (oldest first), then, while more than minAvailable are available, old replicas
 * oldest first. `oldRSs` are the active ones.
 */
export function oldReplicaSetsScaleDown(d: Deployment, allRSs: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], newRS: ReplicaSet): ScaleDown[] {
  if (sumReplicas(oldRSs) === 0 || !isRollingUpdate(d)) return [];
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumReplicas(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const byAge = [...oldRSs].sort(olderFirst);
  const sizes = new Map(byAge.map((rs) => [rs, replicasOf(rs)]));
  // cleanupUnhealthyReplicas: replicas that are not available can go without lowering availability.
  let cleaned = 0;
  for (const rs of byAge) {
    if (cleaned >= maxScaledDown) break;
    const size = sizes.get(rs)!;
    const available = rs.status?.availableReplicas ?? 0;
    if (size === 0 || size === available) continue;
    // Status not yet caught up with a scale-down: upstream gives up this round, and so do we.
    if (size < available) return [];
    const count = Math.min(maxScaledDown - cleaned, size - available);
    sizes.set(rs, size - count);
    cleaned += count;
  }
  // scaleDownOldReplicaSetsForRollingUpdate: available replicas beyond minAvailable.
  const available = sumStatus([...byAge, newRS], 'availableReplicas');
  let budget = available - minAvailable;
  for (const rs of byAge) {
    if (budget <= 0) break;
    const size = sizes.get(rs)!;
    if (size === 0) continue;
    const count = Math.min(size, budget);
    sizes.set(rs, size - count);
    budget -= count;
  }
  return byAge.filter((rs) => sizes.get(rs) !== replicasOf(rs)).map((rs) => ({ rs, replicas: sizes.get(rs)! }));
}
