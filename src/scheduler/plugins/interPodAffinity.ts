// InterPodAffinity: required pod affinity (some pod matching every term in the node's
// domain), required anti-affinity (no matching pod in the domain), and existing pods'
// anti-affinity against the incoming pod; preferred terms of both sides score the domains.

import { maxNodeScore, rejection, type FilterPlugin, type ScorePlugin } from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import { matchesAllTerms, matchesAnyTerm, termMatches, type AffinityTerm, type NamespaceLabels, type PodInfo, type WeightedAffinityTerm } from '../podInfo.ts';
import { addToDomain, countIn, type TopologyCounts } from '../topologyCounts.ts';

const name = 'InterPodAffinity';
const affinityNotMatched = rejection(name, 'UnschedulableAndUnresolvable', "node(s) didn't match pod affinity rules");
const antiAffinityNotMatched = rejection(name, 'Unschedulable', "node(s) didn't match pod anti-affinity rules");
const existingAntiAffinity = rejection(name, 'Unschedulable', "node(s) didn't satisfy existing pods anti-affinity rules");

/** Upstream's default hardPodAffinityWeight: how much an existing pod's required affinity to the incoming pod counts when scoring. */
const hardPodAffinityWeight = 1;

interface FilterState {
  /** Domains holding pods that match all of the incoming pod's affinity terms. */
  affinity: TopologyCounts;
  /** Domains holding pods that match one of its anti-affinity terms. */
  antiAffinity: TopologyCounts;
  /** Domains where existing pods' anti-affinity selects the incoming pod. */
  existingAntiAffinity: TopologyCounts;
  /** No pod anywhere matches the affinity terms, but the pod matches its own (the first of a group). */
  selfAffine: boolean;
}

export const interPodAffinity: FilterPlugin<FilterState> & ScorePlugin<TopologyCounts> = {
  name,
  weight: 2,
  preFilter(ctx) {
    const { pod, cache } = ctx;
    const existing: TopologyCounts = new Map();
    for (const node of cache.nodesWithRequiredAntiAffinityPods()) {
      for (const other of node.podsWithRequiredAntiAffinity) {
        for (const term of other.requiredAntiAffinityTerms) if (termMatches(term, pod, ctx.namespaceLabels)) addToDomain(existing, node.labels, term.topologyKey, 1);
      }
    }
    const { requiredAffinityTerms: affinityTerms, requiredAntiAffinityTerms: antiTerms } = pod;
    if (existing.size === 0 && affinityTerms.length === 0 && antiTerms.length === 0) return 'skip';
    const affinity: TopologyCounts = new Map();
    const antiAffinity: TopologyCounts = new Map();
    if (affinityTerms.length > 0 || antiTerms.length > 0) {
      for (const node of cache.nodeList()) {
        for (const other of node.pods.values()) {
          if (matchesAllTerms(affinityTerms, other, ctx.namespaceLabels)) for (const t of affinityTerms) addToDomain(affinity, node.labels, t.topologyKey, 1);
          for (const t of antiTerms) if (termMatches(t, other, ctx.namespaceLabels)) addToDomain(antiAffinity, node.labels, t.topologyKey, 1);
        }
      }
    }
    const selfAffine = affinity.size === 0 && matchesAllTerms(affinityTerms, pod, ctx.namespaceLabels);
    return { state: { affinity, antiAffinity, existingAntiAffinity: existing, selfAffine } };
  },
  filter(state, pod, node) {
    if (!satisfiesAffinity(state, pod.requiredAffinityTerms, node)) return affinityNotMatched;
    if (state.antiAffinity.size > 0) {
      for (const t of pod.requiredAntiAffinityTerms) {
        const value = node.labels[t.topologyKey];
        if (value !== undefined && countIn(state.antiAffinity, t.topologyKey, value) > 0) return antiAffinityNotMatched;
      }
    }
    if (state.existingAntiAffinity.size > 0) {
      for (const key in node.labels) if (countIn(state.existingAntiAffinity, key, node.labels[key]) > 0) return existingAntiAffinity;
    }
    return undefined;
  },
  isSchedulableAfter(pod, event, namespaceLabels) {
    switch (event.type) {
      case 'AssignedPodAdd':
        return matchesAllTerms(pod.requiredAffinityTerms, event.pod, namespaceLabels);
      case 'AssignedPodUpdate':
        return (
          (!matchesAllTerms(pod.requiredAffinityTerms, event.old, namespaceLabels) && matchesAllTerms(pod.requiredAffinityTerms, event.pod, namespaceLabels)) ||
          (matchesAnyTerm(pod.requiredAntiAffinityTerms, event.old, namespaceLabels) && !matchesAnyTerm(pod.requiredAntiAffinityTerms, event.pod, namespaceLabels))
        );
      case 'AssignedPodDelete':
        return matchesAnyTerm(pod.requiredAntiAffinityTerms, event.pod, namespaceLabels) || matchesAnyTerm(event.pod.requiredAntiAffinityTerms, pod, namespaceLabels);
      case 'NodeAdd':
        return true;
      case 'NodeUpdate':
        return event.changes.labels;
    }
  },
  preScore(ctx) {
    const { pod, cache } = ctx;
    const hasPreferences = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
    // Without preferences of its own, only pods with affinity terms can score the incoming pod.
    const nodes = hasPreferences ? cache.nodeList() : cache.nodesWithAffinityPods();
    const scores: TopologyCounts = new Map();
    for (const node of nodes) {
      if (!node.node) continue;
      for (const other of hasPreferences ? node.pods.values() : node.podsWithAffinity) {
        addWeights(scores, pod.preferredAffinityTerms, other, node, 1, ctx.namespaceLabels);
        addWeights(scores, pod.preferredAntiAffinityTerms, other, node, -1, ctx.namespaceLabels);
        for (const t of other.requiredAffinityTerms) if (termMatches(t, pod, ctx.namespaceLabels)) addToDomain(scores, node.labels, t.topologyKey, hardPodAffinityWeight);
        addWeights(scores, other.preferredAffinityTerms, pod, node, 1, ctx.namespaceLabels);
        addWeights(scores, other.preferredAntiAffinityTerms, pod, node, -1, ctx.namespaceLabels);
      }
    }
    return scores.size > 0 ? scores : undefined;
  },
  score(scores, _, node) {
    let score = 0;
    for (const [key, values] of scores) {
      const value = node.labels[key];
      if (value !== undefined) score += values.get(value) ?? 0;
    }
    return score;
  },
  normalize(_, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const range = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = range > 0 ? Math.trunc((maxNodeScore * (scores[i] - min)) / range) : 0;
  },
};

function satisfiesAffinity(state: FilterState, terms: AffinityTerm[], node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of terms) {
    const value = node.labels[t.topologyKey];
    if (value === undefined) return false; // every term's topology key must be on the node
    if (countIn(state.affinity, t.topologyKey, value) <= 0) podsExist = false;
  }
  return podsExist || state.selfAffine;
}

/** For each term selecting `target`, adds its weight (times sign) to the domain of `node`. */
function addWeights(scores: TopologyCounts, terms: WeightedAffinityTerm[], target: PodInfo, node: NodeInfo, sign: 1 | -1, namespaceLabels: NamespaceLabels): void {
  for (const t of terms) if (termMatches(t, target, namespaceLabels)) addToDomain(scores, node.labels, t.topologyKey, sign * t.weight);
}
