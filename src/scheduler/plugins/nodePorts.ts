// NodePorts: a pod's host ports must be free on the node.

import { rejection, type FilterPlugin } from '../framework.ts';
import type { HostPort } from '../podInfo.ts';

const portsTaken = rejection('NodePorts', 'Unschedulable', "node(s) didn't have free ports for the requested pod ports");

export const nodePorts: FilterPlugin<HostPort[]> = {
  name: 'NodePorts',
  preFilter: ({ pod }) => (pod.hostPorts.length > 0 ? { state: pod.hostPorts } : 'skip'),
  filter: (ports, _, node) => (node.portsConflict(ports) ? portsTaken : undefined),
  isSchedulableAfter(pod, event) {
    if (event.type === 'NodeAdd') return true;
    if (event.type !== 'AssignedPodDelete') return false;
    return event.pod.hostPorts.some((freed) => pod.hostPorts.some((p) => p.port === freed.port && p.protocol === freed.protocol));
  },
};
