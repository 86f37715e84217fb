// NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.

import type { Taint } from 'kubernetes-types/core/v1.js';
import { rejection, type FilterPlugin } from '../framework.ts';
import { tolerated } from '../taints.ts';

const cordonTaint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const unschedulable = rejection('NodeUnschedulable', 'UnschedulableAndUnresolvable', 'node(s) were unschedulable');

export const nodeUnschedulable: FilterPlugin<undefined> = {
  name: 'NodeUnschedulable',
  filter: (_, pod, node) => (node.unschedulable && !tolerated(pod.tolerations, cordonTaint) ? unschedulable : undefined),
  isSchedulableAfter(pod, event) {
    if (event.type === 'NodeAdd') return !event.node.unschedulable || tolerated(pod.tolerations, cordonTaint);
    return event.type === 'NodeUpdate' && event.changes.unschedulable && !event.node.unschedulable;
  },
};
