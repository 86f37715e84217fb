// NodeResourcesBalancedAllocation: nodes where the pod leaves cpu and memory equally used
// (as fractions of allocatable) score higher: 100 * (1 - the fractions' standard deviation).

import { maxNodeScore, type ScorePlugin } from '../framework.ts';

export const balancedAllocation: ScorePlugin<undefined> = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(_, pod, node) {
    const { milliCPU, memory } = node.allocatable;
    const cpu = milliCPU > 0 ? Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / milliCPU) : undefined;
    const mem = memory > 0 ? Math.min(1, (node.requested.memory + pod.requests.memory) / memory) : undefined;
    // With one resource (or none) the deviation is zero.
    const std = cpu !== undefined && mem !== undefined ? Math.abs(cpu - mem) / 2 : 0;
    return Math.trunc((1 - std) * maxNodeScore);
  },
};
