// Why a pod fits no node, counted per reason over the nodes, and worded as upstream's
// FitError ("0/3 nodes are available: 3 Insufficient cpu. preemption: ...") including the
// part the default preemption plugin adds (preemption itself is not implemented: a node
// that preemption could help reads as having no victims).

import type { Rejection } from './framework.ts';
import type { PodInfo } from './podInfo.ts';

export class Diagnosis {
  /** Nodes per rejection reason. */
  readonly reasons = new Map<string, number>();
  /** Nodes rejected as UnschedulableAndUnresolvable (preemption cannot help) and as Unschedulable. */
  unresolvable = 0;
  unschedulable = 0;
  /** Plugins that rejected some node: the ones whose cluster events may make the pod fit. */
  readonly rejectors = new Set<string>();
  /** A PreFilter rejection: it stands for every node. */
  preFilterMessage: string | undefined;

  record(r: Rejection, nodes = 1): void {
    for (const reason of r.reasons) this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + nodes);
    if (r.code === 'UnschedulableAndUnresolvable') this.unresolvable += nodes;
    else this.unschedulable += nodes;
    this.rejectors.add(r.plugin);
  }

  recordPreFilter(r: Rejection, nodes: number): void {
    this.preFilterMessage = r.reasons.join(', ');
    this.record(r, nodes);
  }
}

/** Upstream's message for a pod no node fits, with the preemption plugin's part. */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis, pod: PodInfo): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMessage) message += ` ${d.preFilterMessage}.`;
  else if (d.reasons.size > 0) message += ` ${histogram(d.reasons)}.`;
  return `${message} ${preemptionMessage(numAllNodes, d, pod)}.`;
}

function preemptionMessage(numAllNodes: number, d: Diagnosis, pod: PodInfo): string {
  if (pod.pod.spec?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const outcomes = new Map<string, number>();
  if (d.unresolvable > 0) outcomes.set('Preemption is not helpful for scheduling', d.unresolvable);
  if (d.unschedulable > 0) outcomes.set('No preemption victims found for incoming pod', d.unschedulable);
  return `preemption: 0/${numAllNodes} nodes are available: ${histogram(outcomes)}.`;
}

/** "3 Insufficient cpu, 1 Too many pods": counted reasons, sorted as strings (as upstream). */
function histogram(counts: Map<string, number>): string {
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort().join(', ');
}

/** Upstream truncates event notes to 1024 characters. */
export function truncateMessage(message: string, max = 1024): string {
  return message.length <= max ? message : `${message.slice(0, max - 4)} ...`;
}
