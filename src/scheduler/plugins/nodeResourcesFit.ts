// NodeResourcesFit: the pod's requests must fit in what the node has left (and one more pod
// within its pod capacity); nodes with more left score higher (LeastAllocated, cpu and
// memory weighted 1 each, counting upstream's defaults for containers without requests).

import { maxNodeScore, type FilterPlugin, type ScorePlugin } from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import type { PodInfo } from '../podInfo.ts';
import type { Allocatable, Resources } from '../resources.ts';

const name = 'NodeResourcesFit';

export const nodeResourcesFit: FilterPlugin<undefined> & ScorePlugin<undefined> = {
  name,
  weight: 1,
  filter(_, pod, node) {
    const reasons = insufficient(pod, node.allocatable, node.requested, node.pods.size);
    return reasons ? { plugin: name, code: 'Unschedulable', reasons } : undefined;
  },
  isSchedulableAfter(pod, event) {
    switch (event.type) {
      case 'AssignedPodDelete':
        return true;
      case 'NodeAdd':
        return fitsEmpty(pod, event.node.allocatable);
      case 'NodeUpdate':
        return event.changes.allocatable && fitsEmpty(pod, event.node.allocatable);
      default:
        return false;
    }
  },
  score: (_, pod, node) => leastAllocated(pod, node),
};

const noRequests: Resources = { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined };

function fitsEmpty(pod: PodInfo, allocatable: Allocatable): boolean {
  return !insufficient(pod, allocatable, noRequests, 0);
}

/** Upstream's fitsRequest: the reasons the pod does not fit, or undefined. */
function insufficient(pod: PodInfo, allocatable: Allocatable, requested: Resources, podCount: number): string[] | undefined {
  let reasons: string[] | undefined;
  if (podCount + 1 > allocatable.allowedPods) (reasons ??= []).push('Too many pods');
  const want = pod.requests;
  if (want.milliCPU > 0 && want.milliCPU > allocatable.milliCPU - requested.milliCPU) (reasons ??= []).push('Insufficient cpu');
  if (want.memory > 0 && want.memory > allocatable.memory - requested.memory) (reasons ??= []).push('Insufficient memory');
  if (want.ephemeralStorage > 0 && want.ephemeralStorage > allocatable.ephemeralStorage - requested.ephemeralStorage) {
    (reasons ??= []).push('Insufficient ephemeral-storage');
  }
  if (want.scalar) {
    for (const [resource, amount] of want.scalar) {
      if (amount > 0 && amount > (allocatable.scalar?.get(resource) ?? 0) - (requested.scalar?.get(resource) ?? 0)) {
        (reasons ??= []).push(`Insufficient ${resource}`);
      }
    }
  }
  return reasons;
}

function leastAllocated(pod: PodInfo, node: NodeInfo): number {
  let score = 0;
  let weights = 0;
  const { milliCPU, memory } = node.allocatable;
  if (milliCPU > 0) {
    score += leastRequestedScore(node.nonZeroMilliCPU + pod.nonZeroMilliCPU, milliCPU);
    weights++;
  }
  if (memory > 0) {
    score += leastRequestedScore(node.nonZeroMemory + pod.nonZeroMemory, memory);
    weights++;
  }
  return weights === 0 ? 0 : Math.floor(score / weights);
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (requested > capacity) return 0;
  return Math.floor(((capacity - requested) * maxNodeScore) / capacity);
}
