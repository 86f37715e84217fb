// The endpoints.kubernetes.io/last-change-trigger-time annotation, as upstream's
// TriggerTimeTracker: for each sync of a Service, the earliest time among the changes not yet
// reflected (a pod's Ready transition, the Service's creation), so the time from a change to
// its endpoints being programmed can be measured.

import { parseTime } from '../replicaSet/time.ts';
import { podReadyCondition } from '../replicaSet/pods.ts';
import type { PodObject, ServiceObject } from './servicePods.ts';

export const triggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';

interface Seen {
  pods: Map<string, number>;
  service: number;
}

export class TriggerTimes {
  readonly #seen = new Map<string, Seen>();

  /** Epoch ms of the earliest change since the last call for this service, or undefined for none. */
  compute(serviceKey: string, service: ServiceObject, pods: PodObject[]): number | undefined {
    const before = this.#seen.get(serviceKey);
    const now: Seen = { pods: new Map(), service: parseTime(service.metadata?.creationTimestamp) ?? 0 };
    let earliest: number | undefined;
    const changed = (time: number) => (earliest = earliest === undefined ? time : Math.min(earliest, time));
    for (const pod of pods) {
      const time = parseTime(podReadyCondition(pod)?.lastTransitionTime);
      if (time === undefined) continue;
      now.pods.set(pod.metadata!.name!, time);
      if (time > (before?.pods.get(pod.metadata!.name!) ?? 0)) changed(time);
    }
    if (now.service > (before?.service ?? 0)) changed(now.service);
    this.#seen.set(serviceKey, now);
    return earliest;
  }

  forget(serviceKey: string): void {
    this.#seen.delete(serviceKey);
  }
}
