// The plugin contract, as upstream's scheduling framework: filter plugins (with an optional
// per-attempt preFilter) decide which nodes can run a pod, score plugins rank the feasible
// ones, and each filter says which cluster events could make a pod it rejected schedulable
// again (upstream's queueing hints), so the queue retries pods only when something changed.

import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import type { SchedulerCache } from './cache.ts';
import type { NodeInfo } from './nodeInfo.ts';
import type { NamespaceLabels, PodInfo } from './podInfo.ts';
import { allocatableOf, type Allocatable } from './resources.ts';
import type { Selector } from './selectors.ts';

/** Unschedulable: preemption might help; UnschedulableAndUnresolvable: it cannot. */
export type RejectionCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface Rejection {
  plugin: string;
  code: RejectionCode;
  reasons: string[];
}

/** What plugins may read during one scheduling attempt. */
export interface CycleContext {
  pod: PodInfo;
  cache: SchedulerCache;
  namespaceLabels: NamespaceLabels;
  /** Upstream's DefaultSelector: what the pod's services and controller select, for default topology spreading; undefined when nothing. */
  defaultSpreadSelector(pod: PodInfo): Selector | undefined;
}

export type PreFilterResult<S> =
  /** Filter with this state; nodeNames, when given, are the only nodes that can fit. */
  | { state: S; nodeNames?: Set<string> }
  /** No node can fit. */
  | { rejection: Rejection }
  /** Nothing to check for this pod: the plugin's filter is not run. */
  | 'skip';

export interface FilterPlugin<S = any> {
  readonly name: string;
  preFilter?(ctx: CycleContext): PreFilterResult<S>;
  /** undefined when the node passes. */
  filter(state: S, pod: PodInfo, node: NodeInfo): Rejection | undefined;
  /** Whether the event could make a pod this plugin rejected schedulable. */
  isSchedulableAfter(pod: PodInfo, event: ClusterEvent, namespaceLabels: NamespaceLabels): boolean;
}

export interface ScorePlugin<S = any> {
  readonly name: string;
  readonly weight: number;
  /** Per-attempt setup over the feasible nodes; undefined skips the plugin for this pod. Without it, the plugin always scores. */
  preScore?(ctx: CycleContext, nodes: NodeInfo[]): S | undefined;
  /** 0-100 unless normalize rescales it. */
  score(state: S, pod: PodInfo, node: NodeInfo): number;
  normalize?(state: S, scores: Float64Array, nodes: NodeInfo[]): void;
}

export const maxNodeScore = 100;

/** The parts of a node that scheduling decisions read. */
export interface NodeView {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  allocatable: Allocatable;
}

export function nodeView(node: Node): NodeView {
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    taints: node.spec?.taints ?? [],
    unschedulable: Boolean(node.spec?.unschedulable),
    allocatable: allocatableOf(node.status?.allocatable as Record<string, string> | undefined),
  };
}

export interface NodeChanges {
  allocatable: boolean;
  labels: boolean;
  taints: boolean;
  unschedulable: boolean;
}

/** Cluster changes that can make waiting pods schedulable. */
export type ClusterEvent =
  | { type: 'NodeAdd'; node: NodeView }
  | { type: 'NodeUpdate'; old: NodeView; node: NodeView; changes: NodeChanges }
  | { type: 'AssignedPodAdd'; pod: PodInfo }
  | { type: 'AssignedPodUpdate'; old: PodInfo; pod: PodInfo }
  /** A bound or assumed pod went away or finished: its resources, ports and affinity are free. */
  | { type: 'AssignedPodDelete'; pod: PodInfo };

/** The same rejection for every node, allocated once. */
export function rejection(plugin: string, code: RejectionCode, reason: string): Rejection {
  return { plugin, code, reasons: [reason] };
}
