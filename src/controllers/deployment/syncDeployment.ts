// The Deployment reconcile, as upstream's syncDeployment: claim the ReplicaSets the selector
// matches; then, in order of precedence, only report status (being deleted), keep scale and
// status while paused, share a replica count change proportionally (a scaling event), or take
// one rollout step of the strategy.

import { splitKey, indexes } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { selectorMatches } from '../../api/validation.ts';
import type { Deployment, Pod, ReplicaSet } from '../../api/objects.ts';
import { claimObjects, controllerRefTo, recheckOwner } from '../replicaSet/controllerRef.ts';
import { controlledOrSelectable, selectsEverything } from '../replicaSet/selection.ts';
import { desiredReplicasOf } from './annotations.ts';
import { getCondition, newCondition, reasons, setCondition } from './conditions.ts';
import { updateDeploymentStatus, type DeploymentSync, type SyncResult } from './deploymentSync.ts';
import { cleanupDeployment } from './cleanup.ts';
import { desiredReplicas } from './fenceposts.ts';
import { getAllReplicaSetsAndSyncRevision, type DeploymentReplicaSets } from './newReplicaSet.ts';
import { hasProgressDeadline } from './progress.ts';
import { proportionalScale } from './proportionalScale.ts';
import { activeReplicaSets } from './replicaSets.ts';
import { rolloutRecreate } from './recreate.ts';
import { rolloutRolling } from './rolling.ts';
import { syncDeploymentStatus } from './rolloutStatus.ts';
import { scaleReplicaSet, scaleReplicaSetAndRecordEvent } from './scaleReplicaSet.ts';

export async function syncDeployment(key: string, s: DeploymentSync): Promise<SyncResult> {
  const { namespace, name } = splitKey(key);
  const cached = s.deployments.get(namespace, name);
  if (!cached) return;
  const d = structuredClone(cached);
  d.status ??= {};

  if (selectsEverything(d.spec?.selector)) {
    s.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
      d.status.observedGeneration = d.metadata?.generation;
      await updateDeploymentStatus(s, d);
    }
    return;
  }

  const rsList = await claimReplicaSets(s, d);
  if (d.metadata?.deletionTimestamp) {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, d, rsList, false);
    return syncDeploymentStatus(s, [...oldRSs, newRS], newRS, d);
  }

  await checkPausedConditions(s, d);
  const found = await getAllReplicaSetsAndSyncRevision(s, d, rsList, false);
  if (d.spec?.paused || isScalingEvent(d, found)) return sync(s, d, found);

  if (d.spec?.strategy?.type === 'Recreate') return rolloutRecreate(s, d, rsList, found, podsByReplicaSet(s, d, rsList));
  return rolloutRolling(s, d, rsList, found);
}

/** Adopts matching orphan ReplicaSets, releases owned ones that no longer match. */
function claimReplicaSets(s: DeploymentSync, d: Deployment): Promise<ReplicaSet[]> {
  const selector = d.spec!.selector;
  const namespace = d.metadata!.namespace!;
  return claimObjects(controlledOrSelectable(s.replicaSets, d, selector), {
    owner: d,
    ownerRef: controllerRefTo(d, 'apps/v1', 'Deployment'),
    matches: (rs) => selectorMatches(selector, rs.metadata?.labels),
    canAdopt: recheckOwner(s.client, types.deployments, d),
    patch: (rs, patch) => s.client.patch(types.replicaSets, namespace, rs.metadata!.name!, 'strategic', patch),
  });
}

/** The pods each of the Deployment's ReplicaSets controls (terminating and finished ones too). */
function podsByReplicaSet(s: DeploymentSync, d: Deployment, rsList: ReplicaSet[]): Map<string, Pod[]> {
  const selector = d.spec!.selector;
  return new Map(
    rsList.map((rs) => {
      const uid = rs.metadata!.uid!;
      return [uid, s.pods.byIndex(indexes.controllerUid, uid).filter((pod) => selectorMatches(selector, pod.metadata?.labels))];
    }),
  );
}

/**
 * A Progressing condition of Unknown while paused (and on resume) so time spent paused never
 * counts against progressDeadlineSeconds; a timed-out rollout keeps saying so.
 */
async function checkPausedConditions(s: DeploymentSync, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const condition = getCondition(d.status, 'Progressing');
  if (condition?.reason === reasons.progressDeadlineExceeded) return;
  const pausedCondition = condition?.reason === reasons.paused;
  if (d.spec?.paused && !pausedCondition) {
    setCondition(d.status!, newCondition('Progressing', 'Unknown', reasons.paused, 'Deployment is paused', s.now()));
  } else if (!d.spec?.paused && pausedCondition) {
    setCondition(d.status!, newCondition('Progressing', 'Unknown', reasons.resumed, 'Deployment is resumed', s.now()));
  } else {
    return;
  }
  await updateDeploymentStatus(s, d);
}

/** spec.replicas differs from what an active ReplicaSet was last sized for. */
function isScalingEvent(d: Deployment, { newRS, oldRSs }: DeploymentReplicaSets): boolean {
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasOf(rs);
    return desired !== undefined && desired !== desiredReplicas(d);
  });
}

/** Scaling events and paused Deployments: scale proportionally, prune history while paused, report status. */
async function sync(s: DeploymentSync, d: Deployment, { newRS, oldRSs }: DeploymentReplicaSets): Promise<SyncResult> {
  for (const step of proportionalScale(d, newRS, oldRSs)) {
    if (step.operation === undefined) await scaleReplicaSetAndRecordEvent(s, step.rs, step.replicas, d);
    else await scaleReplicaSet(s, step.rs, step.replicas, d, step.operation);
  }
  if (d.spec?.paused) await cleanupDeployment(s, oldRSs, d);
  await syncDeploymentStatus(s, [...oldRSs, newRS], newRS, d);
}
