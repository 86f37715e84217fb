// TaintToleration: a node's NoSchedule and NoExecute taints must be tolerated; nodes with
// fewer untolerated PreferNoSchedule taints score higher.

import type { Toleration } from 'kubernetes-types/core/v1.js';
import { maxNodeScore, rejection, type FilterPlugin, type Rejection, type ScorePlugin } from '../framework.ts';
import { normalizeToMax } from '../normalize.ts';
import { tolerated, untoleratedBlockingTaint } from '../taints.ts';

const name = 'TaintToleration';
const rejections = new Map<string, Rejection>();

function untolerated(key: string, value: string): Rejection {
  const reason = `node(s) had untolerated taint {${key}: ${value}}`;
  let r = rejections.get(reason);
  if (!r) rejections.set(reason, (r = rejection(name, 'UnschedulableAndUnresolvable', reason)));
  return r;
}

export const taintToleration: FilterPlugin<undefined> & ScorePlugin<Toleration[]> = {
  name,
  weight: 3,
  filter(_, pod, node) {
    const taint = untoleratedBlockingTaint(node.taints, pod.tolerations);
    return taint ? untolerated(taint.key, taint.value ?? '') : undefined;
  },
  isSchedulableAfter(pod, event) {
    if (event.type === 'NodeAdd') return !untoleratedBlockingTaint(event.node.taints, pod.tolerations);
    return event.type === 'NodeUpdate' && event.changes.taints && !untoleratedBlockingTaint(event.node.taints, pod.tolerations);
  },
  // Tolerations that can tolerate PreferNoSchedule taints (an empty effect tolerates every effect).
  preScore: ({ pod }) => pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule'),
  score(tolerations, _, node) {
    let count = 0;
    for (const taint of node.taints) if (taint.effect === 'PreferNoSchedule' && !tolerated(tolerations, taint)) count++;
    return count;
  },
  normalize: (_, scores) => normalizeToMax(scores, maxNodeScore, true),
};
