// Scaling a Deployment mid-rollout (or while paused), as upstream's scale(): a single active
// ReplicaSet simply takes spec.replicas; otherwise the replicas added or removed are shared
// among the active ReplicaSets in proportion to their size (read against the max-replicas
// each was last scaled for), leftovers going to the largest, so a rollout's progress is
// neither hastened nor undone by a scale.

import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { maxReplicasOf } from './annotations.ts';
import { desiredReplicas, isRollingUpdate, maxSurge } from './fenceposts.ts';
import { activeReplicaSets, findActiveOrLatest, isSaturated, largerNewerFirst, largerOlderFirst, replicasOf, sumReplicas } from './replicaSets.ts';

export interface ScaleStep {
  rs: ReplicaSet;
  replicas: number;
  /**
   * The direction the event reports for a proportional step (always written: annotations may
   * need updating); absent for a plain step, taken only if the size differs.
   */
  operation?: 'up' | 'down' | '';
}

export function proportionalScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ScaleStep[] {
  const replicas = desiredReplicas(d);
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) return replicasOf(single) === replicas ? [] : [{ rs: single, replicas }];
  // A saturated new ReplicaSet (e.g. one just adopted) means the old ones should be gone.
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];

  const active = activeReplicaSets([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - sumReplicas(active);
  let operation: ScaleStep['operation'] = '';
  if (toAdd > 0) {
    active.sort(largerNewerFirst);
    operation = 'up';
  } else if (toAdd < 0) {
    active.sort(largerOlderFirst);
    operation = 'down';
  }
  let added = 0;
  const sizes = active.map((rs) => {
    if (toAdd === 0) return replicasOf(rs);
    const share = proportion(rs, d, toAdd, added);
    added += share;
    return replicasOf(rs) + share;
  });
  if (toAdd !== 0 && sizes.length) sizes[0] = Math.max(sizes[0]! + toAdd - added, 0);
  return active.map((rs, i) => ({ rs, replicas: sizes[i]!, operation }));
}

/** GetProportion: the replica set's share, never beyond what is left to add (or remove). */
function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** getReplicaSetFraction: its size scaled from the max-replicas it was sized for to the current one. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredReplicas(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  // Without the annotation, the current size is the best guess (min/max in proportion() keep it in bounds).
  const annotated = maxReplicasOf(rs) ?? d.status?.replicas ?? 0;
  if (annotated <= 0) return 0;
  return roundHalfAwayFromZero((replicasOf(rs) * deploymentReplicas) / annotated) - replicasOf(rs);
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}
