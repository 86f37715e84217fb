// NodeName: a pod that names its node fits only there.

import { rejection, type FilterPlugin } from '../framework.ts';

const otherNode = rejection('NodeName', 'UnschedulableAndUnresolvable', "node(s) didn't match the requested node name");

export const nodeName: FilterPlugin<undefined> = {
  name: 'NodeName',
  filter(_, pod, node) {
    const wanted = pod.pod.spec?.nodeName;
    return wanted && wanted !== node.name ? otherNode : undefined;
  },
  isSchedulableAfter: (pod, event) => event.type === 'NodeAdd' && event.node.name === pod.pod.spec?.nodeName,
};
