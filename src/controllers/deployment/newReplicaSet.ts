// Finding (or creating) a Deployment's new ReplicaSet and keeping revisions in order, as
// upstream's getAllReplicaSetsAndSyncRevision / getNewReplicaSet. The new ReplicaSet is the
// one whose template is the Deployment's: after `rollout undo` (kubectl puts an old template
// back) that is an old ReplicaSet, which then gets the next revision. A created one is named
// <deployment>-<pod-template-hash>; a namesake with another template is a hash collision,
// resolved by bumping status.collisionCount and trying again. How large the new ReplicaSet
// may be (NewRSNewReplicas) is here too: creation and each rolling step ask it.

import { types } from '../../client/resourceTypes.ts';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { controllerOf, controllerRefTo } from '../replicaSet/controllerRef.ts';
import { errorMessage, isAlreadyExists, isNamespaceTerminating } from '../replicaSet/apiErrors.ts';
import { maxRevision, revisionAnnotation, setDeploymentRevision, setNewReplicaSetAnnotations } from './annotations.ts';
import { getCondition, newCondition, reasons, setCondition } from './conditions.ts';
import { updateDeploymentStatus, type DeploymentSync } from './deploymentSync.ts';
import { hasProgressDeadline } from './progress.ts';
import { findNewReplicaSet, findOldReplicaSets, replicasOf } from './replicaSets.ts';
import { desiredReplicas, maxSurge } from './fenceposts.ts';
import { computeHash, equalIgnoreHash, podTemplateHashLabel } from './templateHash.ts';

export interface DeploymentReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

export async function getAllReplicaSetsAndSyncRevision(s: DeploymentSync, d: Deployment, rsList: ReplicaSet[], createIfMissing: boolean): Promise<DeploymentReplicaSets> {
  const oldRSs = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(s, d, rsList, oldRSs, createIfMissing);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(s: DeploymentSync, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], createIfMissing: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  if (existing) return syncExisting(s, d, existing, newRevision);
  if (!createIfMissing) return undefined;
  return create(s, d, oldRSs, newRevision);
}

/** Copies the Deployment's annotations and minReadySeconds to it, raises its revision, and records that on the Deployment. */
async function syncExisting(s: DeploymentSync, d: Deployment, existing: ReplicaSet, newRevision: string): Promise<ReplicaSet> {
  const rs = structuredClone(existing);
  const annotationsChanged = setNewReplicaSetAnnotations(d, rs, newRevision, true);
  const minReadySeconds = d.spec?.minReadySeconds ?? 0;
  if (annotationsChanged || (rs.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
    rs.spec = { ...rs.spec!, minReadySeconds };
    return s.client.update<ReplicaSet>(types.replicaSets, rs);
  }
  let needsUpdate = setDeploymentRevision(d, rs.metadata?.annotations?.[revisionAnnotation]);
  // Progress is measured from the first time this ReplicaSet was seen.
  if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
    setCondition((d.status ??= {}), newCondition('Progressing', 'True', reasons.foundNewReplicaSet, `Found new replica set "${rs.metadata?.name}"`, s.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(s, d);
  return rs;
}

async function create(s: DeploymentSync, d: Deployment, oldRSs: ReplicaSet[], newRevision: string): Promise<ReplicaSet> {
  const template = structuredClone(d.spec!.template);
  const hash = computeHash(template, d.status?.collisionCount);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [podTemplateHashLabel]: hash } };
  const name = `${d.metadata!.name}-${hash}`;
  const namespace = d.metadata!.namespace!;
  const desired: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace, ownerReferences: [controllerRefTo(d, 'apps/v1', 'Deployment')], labels: template.metadata.labels },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector: withLabel(d.spec!.selector, podTemplateHashLabel, hash), template },
  };
  const replicas = newReplicaSetReplicas(d, [...oldRSs, desired], desired);
  desired.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, desired, newRevision, false);

  let created: ReplicaSet;
  let alreadyExisted = false;
  try {
    created = await s.client.create<ReplicaSet>(types.replicaSets, desired, { namespace });
  } catch (err) {
    if (isAlreadyExists(err)) {
      // A slow cache, or a sync racing this one: fine if it is ours with our template.
      const found = s.replicaSets.get(namespace, name);
      if (!found) throw err;
      if (controllerOf(found)?.uid !== d.metadata?.uid || !equalIgnoreHash(d.spec?.template, found.spec?.template)) {
        const status = (d.status ??= {});
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        await updateDeploymentStatus(s, d);
        throw err;
      }
      created = found;
      alreadyExisted = true;
    } else {
      if (isNamespaceTerminating(err)) throw err;
      const message = `Failed to create new replica set "${name}": ${errorMessage(err)}`;
      if (hasProgressDeadline(d)) {
        setCondition((d.status ??= {}), newCondition('Progressing', 'False', reasons.failedReplicaSetCreate, message, s.now()));
        // The creation error is what matters; a failed status write changes nothing.
        await updateDeploymentStatus(s, d).catch(() => {});
      }
      s.recorder.event(d, 'Warning', reasons.failedReplicaSetCreate, message);
      throw err;
    }
  }
  if (!alreadyExisted && replicas > 0) s.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`);

  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExisted && hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition('Progressing', 'True', reasons.newReplicaSetCreated, `Created new replica set "${name}"`, s.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(s, d);
  return created;
}

/**
 * Pods a ReplicaSet runs or is about to: its spec, or its status while it still reports more
 * (an old ReplicaSet scaled down whose pods are not yet gone). Upstream counts spec only; this
 * keeps maxSurge a bound on actual pods, not just on specs.
 */
function podsOf(rs: ReplicaSet | undefined): number {
  return Math.max(replicasOf(rs), rs?.status?.replicas ?? 0);
}

/** NewRSNewReplicas: what the new ReplicaSet may grow to now (Recreate: everything at once). */
export function newReplicaSetReplicas(d: Deployment, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const replicas = desiredReplicas(d);
  const strategy = d.spec?.strategy?.type ?? 'RollingUpdate';
  if (strategy === 'Recreate') return replicas;
  if (strategy !== 'RollingUpdate') throw new Error(`deployment type ${strategy} isn't supported`);
  const maxTotal = replicas + maxSurge(d);
  const current = allRSs.reduce((sum, rs) => sum + podsOf(rs), 0);
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, replicas - replicasOf(newRS));
}

/** CloneSelectorAndAddLabel. */
function withLabel(selector: LabelSelector | undefined, key: string, value: string): LabelSelector {
  const copy = structuredClone(selector ?? {});
  copy.matchLabels = { ...copy.matchLabels, [key]: value };
  return copy;
}
