// A Deployment's view of its ReplicaSets, as upstream's deployment util: which one is new
// (its template equals the Deployment's, hash label aside), which are old, their orderings
// and replica counts.

import type { Deployment, ReplicaSet } from '../../api/objects.ts';
import { parseTime } from '../replicaSet/time.ts';
import { equalIgnoreHash } from './templateHash.ts';
import { desiredReplicasOf, revisionOf } from './annotations.ts';
import { desiredReplicas } from './fenceposts.ts';

/** spec.replicas (defaulted to 1 by the apiserver); 0 for no ReplicaSet. */
export function replicasOf(rs: ReplicaSet | undefined): number {
  return rs ? (rs.spec?.replicas ?? 1) : 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function olderFirst(a: ReplicaSet, b: ReplicaSet): number {
  const ta = parseTime(a.metadata?.creationTimestamp) ?? -Infinity;
  const tb = parseTime(b.metadata?.creationTimestamp) ?? -Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const [na, nb] = [a.metadata?.name ?? '', b.metadata?.name ?? ''];
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: larger first, older first among equals (where scaling down starts). */
export function largerOlderFirst(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(a) === replicasOf(b) ? olderFirst(a, b) : replicasOf(b) - replicasOf(a);
}

/** ReplicaSetsBySizeNewer: larger first, newer first among equals (where scaling up starts). */
export function largerNewerFirst(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(a) === replicasOf(b) ? olderFirst(b, a) : replicasOf(b) - replicasOf(a);
}

/** ReplicaSetsByRevision: lower revision first; unreadable or equal revisions by age. */
export function lowerRevisionFirst(a: ReplicaSet, b: ReplicaSet): number {
  const [ra, rb] = [revisionOf(a), revisionOf(b)];
  if (ra === undefined || rb === undefined || ra === rb) return olderFirst(a, b);
  return ra - rb;
}

/** The oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(olderFirst).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every ReplicaSet but the new one. */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): ReplicaSet[] {
  const newUid = findNewReplicaSet(d, rsList)?.metadata?.uid;
  return rsList.filter((rs) => newUid === undefined || rs.metadata?.uid !== newUid);
}

/** Those with replicas wanted (FilterActiveReplicaSets). */
export function activeReplicaSets(rss: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0);
}

export function sumReplicas(rss: (ReplicaSet | undefined)[]): number {
  return rss.reduce((sum, rs) => sum + replicasOf(rs), 0);
}

export function sumStatus(rss: (ReplicaSet | undefined)[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((sum, rs) => sum + (rs?.status?.[field] ?? 0), 0);
}

/**
 * The one active ReplicaSet, or (none active) the new one or else the newest old one; undefined
 * when several are active and scaling must be proportional.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => olderFirst(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet holds all the Deployment's replicas, both agree on that number, and all are available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasOf(rs);
  const replicas = desiredReplicas(d);
  return desired !== undefined && replicasOf(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}
