// revisionHistoryLimit, as upstream's cleanupDeployment: beyond the limit, the oldest old
// ReplicaSets (by revision) are deleted, but only those already scaled to and at zero pods.

import { types } from '../../client/resourceTypes.ts';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { isNotFound } from '../replicaSet/apiErrors.ts';
import type { DeploymentSync } from './deploymentSync.ts';
import { lowerRevisionFirst, replicasOf } from './replicaSets.ts';

const maxInt32 = 2 ** 31 - 1;

export async function cleanupDeployment(s: DeploymentSync, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null || limit === maxInt32) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const excess = cleanable.length - limit;
  if (excess <= 0) return;
  for (const rs of cleanable.sort(lowerRevisionFirst).slice(0, excess)) {
    const settled = (rs.status?.replicas ?? 0) === 0 && replicasOf(rs) === 0 && (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0);
    if (!settled) continue;
    try {
      await s.client.delete(types.replicaSets, rs.metadata?.namespace, rs.metadata!.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
