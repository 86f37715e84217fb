// Setting a ReplicaSet's size (with the desired/max replicas annotations proportional scaling
// reads) and saying so in a ScalingReplicaSet event, as upstream's scaleReplicaSet.

import { types } from '../../client/resourceTypes.ts';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations.ts';
import type { DeploymentSync } from './deploymentSync.ts';
import { desiredReplicas, maxSurge } from './fenceposts.ts';
import { replicasOf } from './replicaSets.ts';

export interface Scaled {
  /** The size changed. */
  scaled: boolean;
  rs: ReplicaSet;
}

/** Scales only if the size differs, naming the direction from it. */
export async function scaleReplicaSetAndRecordEvent(s: DeploymentSync, rs: ReplicaSet, size: number, d: Deployment): Promise<Scaled> {
  if (replicasOf(rs) === size) return { scaled: false, rs };
  return scaleReplicaSet(s, rs, size, d, replicasOf(rs) < size ? 'up' : 'down');
}

/** Writes the size and the replicas annotations if either is out of date. */
export async function scaleReplicaSet(s: DeploymentSync, rs: ReplicaSet, size: number, d: Deployment, operation: string): Promise<Scaled> {
  const desired = desiredReplicas(d);
  const max = desired + maxSurge(d);
  const oldSize = replicasOf(rs);
  const sizeChanged = oldSize !== size;
  if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = structuredClone(rs);
  copy.spec = { ...copy.spec!, replicas: size };
  setReplicasAnnotations(copy, desired, max);
  const updated = await s.client.update<ReplicaSet>(types.replicaSets, copy);
  if (sizeChanged) s.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata?.name} from ${oldSize} to ${size}`);
  return { scaled: sizeChanged, rs: updated };
}
