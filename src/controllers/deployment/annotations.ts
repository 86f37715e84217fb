// The annotations a Deployment keeps on its ReplicaSets (and itself), as upstream's
// deployment util: the revision (and, after a rollback, the revisions an RS served before),
// desired and max replicas for proportional scaling, and the Deployment's own annotations
// copied onto its new ReplicaSet (kubernetes.io/change-cause is how `rollout history` reads).

import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { desiredReplicas, maxSurge } from './fenceposts.ts';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
const rollbackToAnnotation = 'deprecated.deployment.rollback.to';

/** upstream's maxRevHistoryLengthInChars. */
const revisionHistoryLimitChars = 2000;

const notCopied = new Set([lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, rollbackToAnnotation]);

/** Go's strconv.ParseInt / Atoi: an optionally signed decimal, else undefined. */
export function parseGoInt(value: string | undefined): number | undefined {
  return value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

/** The revision annotation: 0 when absent, undefined when unreadable. */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const value = obj.metadata?.annotations?.[revisionAnnotation];
  return value === undefined ? 0 : parseGoInt(value);
}

export function maxRevision(rss: ReplicaSet[]): number {
  return Math.max(0, ...rss.map((rs) => revisionOf(rs) ?? 0));
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision to
 * newRevision if lower (recording the old one in revision-history: a rollback), and for a
 * ReplicaSet about to be created adds the replicas annotations. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean): boolean {
  const annotations = (rs.metadata!.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (notCopied.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const oldRevision = annotations[revisionAnnotation];
  const oldValue = oldRevision === undefined || oldRevision === '' ? 0 : parseGoInt(oldRevision);
  const newValue = parseGoInt(newRevision);
  // As upstream: an unreadable revision leaves the ReplicaSet alone.
  if (oldValue === undefined || newValue === undefined) return false;
  if (oldValue < newValue) {
    annotations[revisionAnnotation] = newRevision;
    changed = true;
    if (oldRevision !== undefined) appendRevisionHistory(annotations, oldRevision);
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Adds oldRevision to revision-history, dropping the oldest entries beyond 2000 characters. */
function appendRevisionHistory(annotations: Record<string, string>, oldRevision: string): void {
  const history = annotations[revisionHistoryAnnotation] ?? '';
  if (!history) {
    annotations[revisionHistoryAnnotation] = oldRevision;
    return;
  }
  const revisions = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > revisionHistoryLimitChars && start < revisions.length) total -= revisions[start++]!.length + 1;
  if (total <= revisionHistoryLimitChars) annotations[revisionHistoryAnnotation] = [...revisions.slice(start), oldRevision].join(',');
}

export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = (rs.metadata!.annotations ??= {});
  let changed = false;
  if (annotations[desiredReplicasAnnotation] !== String(desired)) {
    annotations[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (annotations[maxReplicasAnnotation] !== String(max)) {
    annotations[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata?.annotations;
  return annotations?.[desiredReplicasAnnotation] !== String(desired) || annotations?.[maxReplicasAnnotation] !== String(max);
}

export function desiredReplicasOf(rs: ReplicaSet): number | undefined {
  return parseGoInt(rs.metadata?.annotations?.[desiredReplicasAnnotation]);
}

export function maxReplicasOf(rs: ReplicaSet): number | undefined {
  return parseGoInt(rs.metadata?.annotations?.[maxReplicasAnnotation]);
}

/** Sets the Deployment's revision annotation; returns whether it changed. */
export function setDeploymentRevision(d: Deployment, revision: string | undefined): boolean {
  const annotations = (d.metadata!.annotations ??= {});
  if (annotations[revisionAnnotation] === revision) return false;
  if (revision === undefined) delete annotations[revisionAnnotation];
  else annotations[revisionAnnotation] = revision;
  return true;
}
