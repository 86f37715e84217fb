// What one Deployment sync works with, and the writes its steps share. The Deployment `d` a
// sync carries is a private copy whose status (and revision annotation) the steps update in
// turn, as upstream's do.

import type { Client } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { Lister } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import type { Deployment, Pod, ReplicaSet } from '../../api/objects.ts';
import { compactStatus } from './progress.ts';

export interface DeploymentSync {
  client: Client;
  deployments: Lister<Deployment>;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  recorder: EventRecorder;
  now: () => number;
}

export type SyncResult = void | { requeueAfterMs: number };

/**
 * UpdateStatus with d (its status and, as upstream's status strategy allows, its annotations).
 * d takes the new resourceVersion so the sync's later writes do not conflict with this one.
 */
export async function updateDeploymentStatus(s: DeploymentSync, d: Deployment): Promise<void> {
  const body: Deployment = { ...d, status: compactStatus(d.status ?? {}) };
  const updated = await s.client.update<Deployment>(types.deployments, body, { subresource: 'status' });
  d.metadata!.resourceVersion = updated.metadata?.resourceVersion;
}
