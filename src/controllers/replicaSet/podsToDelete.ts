// Which pods a ReplicaSet deletes when it has too many, as upstream's getPodsToDelete and
// ActivePodsWithRanks: the first rule that tells two pods apart decides.
//   1. unassigned before assigned          5. more pods of the same owner on its node first
//   2. Pending < Unknown < Running         6. ready more recently first (log2 buckets)
//   3. not ready before ready              7. more container restarts first
//   4. lower pod-deletion-cost first       8. created more recently first (log2 buckets)
// Pods in the same log2 time bucket fall back to uid order, a stable pseudo-random pick.

import type { Pod } from '../../api/objects.ts';
import { isPodActive, isPodReady, podReadyCondition } from './pods.ts';
import { parseTime } from './time.ts';

export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

const phaseOrder: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

interface RankedPod {
  pod: Pod;
  /** Active pods of the same owner(s) on this pod's node. */
  colocated: number;
}

/**
 * The `count` pods to delete from `pods`; `related` are the pods of every ReplicaSet with the
 * same controller (a superset of `pods`), counted per node for rule 5.
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, now: number): Pod[] {
  if (count >= pods.length) return pods.slice(0, count);
  const onNode = new Map<string, number>();
  for (const pod of related) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked: RankedPod[] = pods.map((pod) => ({ pod, colocated: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => (deleteFirst(a, b, now) ? -1 : deleteFirst(b, a, now) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}

/** Upstream's ActivePodsWithRanks.Less: true if a should be deleted before b. */
function deleteFirst(a: RankedPod, b: RankedPod, now: number): boolean {
  const [p, q] = [a.pod, b.pod];
  const nodeP = p.spec?.nodeName ?? '';
  const nodeQ = q.spec?.nodeName ?? '';
  if (nodeP !== nodeQ && (!nodeP || !nodeQ)) return !nodeP;
  const phaseP = phaseOrder[p.status?.phase ?? ''] ?? 0;
  const phaseQ = phaseOrder[q.status?.phase ?? ''] ?? 0;
  if (phaseP !== phaseQ) return phaseP < phaseQ;
  const readyP = isPodReady(p);
  const readyQ = isPodReady(q);
  if (readyP !== readyQ) return !readyP;
  const costP = deletionCost(p);
  const costQ = deletionCost(q);
  if (costP !== costQ) return costP < costQ;
  if (a.colocated !== b.colocated) return a.colocated > b.colocated;
  if (readyP && readyQ) {
    const byReady = newerFirst(parseTime(podReadyCondition(p)?.lastTransitionTime), parseTime(podReadyCondition(q)?.lastTransitionTime), p, q, now);
    if (byReady !== undefined) return byReady;
  }
  const restartsP = maxRestarts(p);
  const restartsQ = maxRestarts(q);
  if (restartsP !== restartsQ) return restartsP > restartsQ;
  return newerFirst(parseTime(p.metadata?.creationTimestamp), parseTime(q.metadata?.creationTimestamp), p, q, now) ?? false;
}

/** Rules 6 and 8: undefined when the times are equal; a missing time counts as newest. */
function newerFirst(t1: number | undefined, t2: number | undefined, p: Pod, q: Pod, now: number): boolean | undefined {
  if (t1 === t2) return undefined;
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  const diff = log2Rank(now - t1) - log2Rank(now - t2);
  if (diff === 0) return (p.metadata?.uid ?? '') < (q.metadata?.uid ?? '');
  return diff < 0;
}

/** log2 of an age in nanoseconds, truncated (upstream's logarithmicRankDiff). */
function log2Rank(ageMs: number): number {
  return ageMs > 0 ? Math.trunc(Math.log2(ageMs * 1e6)) : -1;
}

function deletionCost(pod: Pod): number {
  const value = pod.metadata?.annotations?.[podDeletionCostAnnotation];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return 0;
  const cost = Number(value);
  return cost >= -(2 ** 31) && cost < 2 ** 31 ? cost : 0;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}
