// A Deployment's status from its ReplicaSets, and its rollout progress, as upstream's
// calculateStatus and syncRolloutStatus: counts summed from the ReplicaSets' statuses; the
// Available condition (at least replicas - maxUnavailable available); the Progressing
// condition (NewReplicaSetAvailable when complete, ReplicaSetUpdated while anything moves,
// ProgressDeadlineExceeded once nothing has for progressDeadlineSeconds); ReplicaFailure
// surfaced from the ReplicaSets.

import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { semanticEqual } from '../../api/groups/semanticEqual.ts';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { parseTime } from '../replicaSet/time.ts';
import { desiredReplicas, maxUnavailable } from './fenceposts.ts';
import { fromReplicaSetCondition, getCondition, newCondition, reasons, removeCondition, setCondition } from './conditions.ts';
import { sumReplicas, sumStatus } from './replicaSets.ts';

const maxInt32 = 2 ** 31 - 1;

/** progressDeadlineSeconds set and not "forever" (MaxInt32). */
export function hasProgressDeadline(d: Deployment): boolean {
  const deadline = d.spec?.progressDeadlineSeconds;
  return deadline !== undefined && deadline !== null && deadline !== maxInt32;
}

export function calculateStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = sumStatus(allRSs, 'availableReplicas');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: sumStatus([newRS], 'replicas'),
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    // Negative when scaling down with more available than wanted: then none are missing.
    unavailableReplicas: Math.max(sumReplicas(allRSs) - available, 0),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length) status.conditions = [...d.status.conditions];
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** The status syncRolloutStatus would write: calculateStatus plus progress and failures. */
export function rolloutStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  // A finished rollout being resynced has no progress to estimate.
  const complete = status.replicas === status.updatedReplicas && current?.reason === reasons.newReplicaSetAvailable;
  const subject = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', reasons.newReplicaSetAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even with the same reason (where setCondition would not).
      let condition = newCondition('Progressing', 'True', reasons.replicaSetUpdated, `${subject} is progressing.`, now);
      if (current) {
        if (current.status === 'True') condition = { ...condition, lastTransitionTime: current.lastTransitionTime };
        removeCondition(status, 'Progressing');
      }
      setCondition(status, condition);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition('Progressing', 'False', reasons.progressDeadlineExceeded, `${subject} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');
  return status;
}

/** All replicas updated and available, no old ones left, and this generation observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus | undefined): boolean {
  const replicas = desiredReplicas(d);
  return (
    (status?.updatedReplicas ?? 0) === replicas &&
    (status?.replicas ?? 0) === replicas &&
    (status?.availableReplicas ?? 0) === replicas &&
    (status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** More updated, ready or available pods, or fewer old ones, than the last status said. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** The Progressing condition was last updated more than progressDeadlineSeconds ago (or already says so). */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(status, 'Progressing');
  if (!condition || condition.reason === reasons.newReplicaSetAvailable) return false;
  if (condition.reason === reasons.progressDeadlineExceeded) return true;
  const from = parseTime(condition.lastUpdateTime);
  return from !== undefined && from + d.spec!.progressDeadlineSeconds! * 1000 < now;
}

/**
 * requeueStuckDeployment: when a rollout that shows no progress should be looked at again to
 * see whether its deadline passed (a second late, against timer skew); undefined if never.
 */
export function progressCheckDelayMs(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const current = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, status) || current.reason === reasons.progressDeadlineExceeded) return undefined;
  const from = parseTime(current.lastUpdateTime) ?? now;
  return Math.max(from + d.spec!.progressDeadlineSeconds! * 1000 - now, 0) + 1000;
}

/** The new ReplicaSet's ReplicaFailure, else any old one's. */
function replicaFailure(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  for (const rs of [newRS, ...allRSs]) {
    const failure = rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    if (failure) return fromReplicaSetCondition(failure);
  }
  return undefined;
}

/** Status as the API holds it: zero counts omitted (Go's omitempty), collisionCount kept when set. */
export function compactStatus(status: DeploymentStatus): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(status)) if (v !== undefined && (v !== 0 || k === 'collisionCount')) out[k] = v;
  return out as DeploymentStatus;
}

export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return semanticEqual(compactStatus(a ?? {}), compactStatus(b));
}
