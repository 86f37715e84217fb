// The default profile: upstream's default plugins (those that do not need volumes, images
// or preemption) in upstream's order, with its score weights.

import type { Profile } from './schedulePod.ts';
import { balancedAllocation } from './plugins/balancedAllocation.ts';
import { interPodAffinity } from './plugins/interPodAffinity.ts';
import { nodeAffinity } from './plugins/nodeAffinity.ts';
import { nodeName } from './plugins/nodeName.ts';
import { nodePorts } from './plugins/nodePorts.ts';
import { nodeResourcesFit } from './plugins/nodeResourcesFit.ts';
import { nodeUnschedulable } from './plugins/nodeUnschedulable.ts';
import { podTopologySpread } from './plugins/podTopologySpread.ts';
import { taintToleration } from './plugins/taintToleration.ts';

export const defaultProfile: Profile = {
  filters: [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, podTopologySpread, interPodAffinity],
  scores: [taintToleration, nodeAffinity, nodeResourcesFit, podTopologySpread, interPodAffinity, balancedAllocation],
};
