// PodTopologySpread: DoNotSchedule constraints keep the count of matching pods in the node's
// domain within maxSkew of the least loaded eligible domain; ScheduleAnyway constraints
// (or, for pods with none, upstream's system defaults: hostname maxSkew 3 and zone maxSkew 5
// over what the pod's services and controller select) favour the emptier domains.

import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { maxNodeScore, rejection, type CycleContext, type FilterPlugin, type ScorePlugin } from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import type { PodInfo } from '../podInfo.ts';
import { andSelectors, labelSelector, setSelector, type Selector } from '../selectors.ts';
import { untoleratedBlockingTaint } from '../taints.ts';

const name = 'PodTopologySpread';
const hostnameKey = 'kubernetes.io/hostname';
const zoneKey = 'topology.kubernetes.io/zone';
const skewTooBig = rejection(name, 'Unschedulable', "node(s) didn't match pod topology spread constraints");
const missingLabel = rejection(name, 'UnschedulableAndUnresolvable', "node(s) didn't match pod topology spread constraints (missing required label)");

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
}

interface FilterState {
  constraints: Constraint[];
  /** Per constraint: matching pods per domain of the eligible nodes. */
  domains: Map<string, number>[];
  /** Per constraint: the global minimum (0 below minDomains). */
  minMatch: number[];
  /** Per constraint: 1 when the incoming pod matches its own selector. */
  selfMatch: number[];
}

interface ScoreState {
  constraints: Constraint[];
  /** Per constraint (not hostname): matching pods per domain of the feasible nodes. */
  domains: Map<string, number>[];
  weights: number[];
  /** Feasible nodes without every topology key, when the pod's own constraints require them. */
  ignored: Set<NodeInfo>;
}

export const podTopologySpread: FilterPlugin<FilterState> & ScorePlugin<ScoreState> = {
  name,
  weight: 2,
  preFilter({ pod, cache }) {
    const constraints = ownConstraints(pod, 'DoNotSchedule');
    if (constraints.length === 0) return 'skip';
    const domains = constraints.map(() => new Map<string, number>());
    for (const node of cache.nodeList()) {
      if (!hasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!includes(c, pod, node)) return;
        const value = node.labels[c.topologyKey];
        domains[i].set(value, (domains[i].get(value) ?? 0) + countMatching(node, c.selector, pod.namespace));
      });
    }
    const minMatch = constraints.map((c, i) => (domains[i].size < c.minDomains ? 0 : Math.min(...domains[i].values())));
    const selfMatch = constraints.map((c) => (c.selector.matches(pod.labels) ? 1 : 0));
    return { state: { constraints, domains, minMatch, selfMatch } };
  },
  filter(state, _, node) {
    for (let i = 0; i < state.constraints.length; i++) {
      const c = state.constraints[i];
      const value = node.labels[c.topologyKey];
      if (value === undefined) return missingLabel;
      if ((state.domains[i].get(value) ?? 0) + state.selfMatch[i] - state.minMatch[i] > c.maxSkew) return skewTooBig;
    }
    return undefined;
  },
  isSchedulableAfter(pod, event) {
    const constraints = ownConstraints(pod, 'DoNotSchedule');
    const selects = (p: PodInfo) => p.namespace === pod.namespace && constraints.some((c) => c.selector.matches(p.labels));
    switch (event.type) {
      case 'AssignedPodAdd':
      case 'AssignedPodDelete':
        return selects(event.pod);
      case 'AssignedPodUpdate':
        return selects(event.old) || selects(event.pod);
      case 'NodeAdd':
        return constraints.every((c) => event.node.labels[c.topologyKey] !== undefined);
      case 'NodeUpdate':
        return event.changes.labels || event.changes.taints;
    }
  },
  preScore(ctx, feasible) {
    const { pod, cache } = ctx;
    const own = pod.pod.spec?.topologySpreadConstraints ?? [];
    const constraints = own.length > 0 ? ownConstraints(pod, 'ScheduleAnyway') : defaultConstraints(ctx);
    if (constraints.length === 0) return undefined;
    // System defaults do not require every key: nodes without a zone still spread by hostname.
    const requireAll = own.length > 0;
    const ignored = new Set<NodeInfo>();
    const domains = constraints.map(() => new Map<string, number>());
    for (const node of feasible) {
      if (requireAll && !hasAllKeys(node, constraints)) {
        ignored.add(node);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey !== hostnameKey) domains[i].set(node.labels[c.topologyKey] ?? '', 0);
      });
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameKey ? feasible.length - ignored.size : domains[i].size) + 2));
    for (const node of cache.nodeList()) {
      if (requireAll && !hasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        const value = node.labels[c.topologyKey] ?? '';
        const count = domains[i].get(value);
        if (count === undefined || !includes(c, pod, node)) return;
        domains[i].set(value, count + countMatching(node, c.selector, pod.namespace));
      });
    }
    return { constraints, domains, weights, ignored };
  },
  score(state, pod, node) {
    if (state.ignored.has(node)) return 0;
    let score = 0;
    state.constraints.forEach((c, i) => {
      const value = node.labels[c.topologyKey];
      if (value === undefined) return;
      const count = c.topologyKey === hostnameKey ? countMatching(node, c.selector, pod.namespace) : (state.domains[i].get(value) ?? 0);
      score += count * state.weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalize(state, scores, nodes) {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (state.ignored.has(nodes[i])) continue;
      min = Math.min(min, scores[i]);
      max = Math.max(max, scores[i]);
    }
    for (let i = 0; i < scores.length; i++) {
      if (state.ignored.has(nodes[i])) scores[i] = 0;
      else if (max === 0) scores[i] = maxNodeScore;
      else scores[i] = Math.trunc((maxNodeScore * (max + min - scores[i])) / max);
    }
  },
};

const constraintCache = new WeakMap<PodInfo, Map<string, Constraint[]>>();

/** The pod's own constraints for one whenUnsatisfiable action, with matchLabelKeys merged into the selector. */
function ownConstraints(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  let byAction = constraintCache.get(pod);
  if (!byAction) constraintCache.set(pod, (byAction = new Map()));
  let constraints = byAction.get(action);
  if (!constraints) {
    constraints = (pod.pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === action).map((c) => compile(c, pod));
    byAction.set(action, constraints);
  }
  return constraints;
}

function compile(c: TopologySpreadConstraint, pod: PodInfo): Constraint {
  let selector = labelSelector(c.labelSelector);
  const keyed: Record<string, string> = {};
  for (const key of c.matchLabelKeys ?? []) if (pod.labels[key] !== undefined) keyed[key] = pod.labels[key];
  if (Object.keys(keyed).length > 0) selector = andSelectors(selector, setSelector(keyed));
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector,
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: c.nodeAffinityPolicy !== 'Ignore',
    honorNodeTaints: c.nodeTaintsPolicy === 'Honor',
  };
}

function defaultConstraints(ctx: CycleContext): Constraint[] {
  const selector = ctx.defaultSpreadSelector(ctx.pod);
  if (!selector || selector.empty) return [];
  const base = { selector, minDomains: 1, honorNodeAffinity: true, honorNodeTaints: false };
  return [
    { ...base, maxSkew: 3, topologyKey: hostnameKey },
    { ...base, maxSkew: 5, topologyKey: zoneKey },
  ];
}

function hasAllKeys(node: NodeInfo, constraints: Constraint[]): boolean {
  for (const c of constraints) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Whether the node counts for the constraint under its node inclusion policies. */
function includes(c: Constraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.honorNodeAffinity && pod.requiredNodeAffinity && !pod.requiredNodeAffinity(node.name, node.labels)) return false;
  return !(c.honorNodeTaints && untoleratedBlockingTaint(node.taints, pod.tolerations));
}

/** Pods on the node that the selector matches in the namespace; terminating pods and empty selectors count none, as upstream. */
function countMatching(node: NodeInfo, selector: Selector, namespace: string): number {
  if (selector.empty) return 0;
  let n = 0;
  for (const p of node.pods.values()) if (!p.terminating && p.namespace === namespace && selector.matches(p.labels)) n++;
  return n;
}
