// A ReplicaSet's status from its active pods, as upstream's calculateStatus: replicas,
// fullyLabeledReplicas (pods carrying every template label), readyReplicas, availableReplicas
// (ready for minReadySeconds), and a ReplicaFailure condition while creating or deleting fails.

import type { ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { semanticEqual } from '../../api/groups/semanticEqual.ts';
import type { Pod, ReplicaSet } from '../../api/objects.ts';
import { isPodAvailable, isPodReady, msUntilAvailable } from './pods.ts';
import { errorMessage } from './apiErrors.ts';
import { rfc3339 } from './time.ts';

export function calculateReplicaSetStatus(rs: ReplicaSet, pods: Pod[], manageError: unknown, now: number): ReplicaSetStatus {
  const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.every(([k, v]) => pod.metadata?.labels?.[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  let conditions = rs.status?.conditions;
  const failure = conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const condition: ReplicaSetCondition = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message: errorMessage(manageError) };
    conditions = [...(conditions ?? []), condition];
  } else if (!manageError && failure) {
    conditions = conditions!.filter((c) => c.type !== 'ReplicaFailure');
  }
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.status?.observedGeneration) status.observedGeneration = rs.status.observedGeneration;
  if (conditions?.length) status.conditions = conditions;
  return status;
}

/** Whether the status must be written: counts or conditions differ, or the generation is unobserved. */
export function replicaSetStatusChanged(rs: ReplicaSet, status: ReplicaSetStatus): boolean {
  const old = rs.status ?? { replicas: 0 };
  return (
    (old.replicas ?? 0) !== status.replicas ||
    (old.fullyLabeledReplicas ?? 0) !== (status.fullyLabeledReplicas ?? 0) ||
    (old.readyReplicas ?? 0) !== (status.readyReplicas ?? 0) ||
    (old.availableReplicas ?? 0) !== (status.availableReplicas ?? 0) ||
    (rs.metadata?.generation ?? 0) !== (old.observedGeneration ?? 0) ||
    !semanticEqual(old.conditions, status.conditions)
  );
}

/** When the next ready pod becomes available (minReadySeconds), so status can be refreshed then. */
export function nextAvailabilityMs(rs: ReplicaSet, pods: Pod[], now: number): number | undefined {
  let next: number | undefined;
  for (const pod of pods) {
    const left = msUntilAvailable(pod, rs.spec?.minReadySeconds ?? 0, now);
    if (left !== undefined && (next === undefined || left < next)) next = left;
  }
  return next;
}
