// Writing a Deployment's status after a step: syncDeploymentStatus (counts and Available) for
// scaling and paused syncs, syncRolloutStatus (also progress) for rollouts. An unchanged
// rollout still in progress asks to be looked at again when its deadline could pass.

import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { updateDeploymentStatus, type DeploymentSync, type SyncResult } from './deploymentSync.ts';
import { calculateStatus, progressCheckDelayMs, rolloutStatus, sameStatus } from './progress.ts';

export async function syncDeploymentStatus(s: DeploymentSync, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, s.now());
  if (sameStatus(d.status, status)) return;
  d.status = status;
  await updateDeploymentStatus(s, d);
}

export async function syncRolloutStatus(s: DeploymentSync, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<SyncResult> {
  const now = s.now();
  const status = rolloutStatus(allRSs, newRS, d, now);
  if (sameStatus(d.status, status)) {
    const delay = progressCheckDelayMs(d, status, now);
    return delay === undefined ? undefined : { requeueAfterMs: delay };
  }
  d.status = status;
  await updateDeploymentStatus(s, d);
}
