// NodeAffinity: the pod's nodeSelector and required node affinity must match the node;
// preferred terms add their weights to the nodes they match. Required terms that name
// nodes (matchFields metadata.name In) narrow the candidates before filtering, as upstream
// does for DaemonSet pods.

import { maxNodeScore, rejection, type FilterPlugin, type PreFilterResult, type ScorePlugin } from '../framework.ts';
import { normalizeToMax } from '../normalize.ts';
import type { PodInfo } from '../podInfo.ts';
import { nodeSelectorTerm, type NodeMatcher } from '../selectors.ts';

const name = 'NodeAffinity';
const noMatch = rejection(name, 'UnschedulableAndUnresolvable', "node(s) didn't match Pod's node affinity/selector");
const conflict = rejection(name, 'UnschedulableAndUnresolvable', 'pod affinity terms conflict');

interface Preference {
  weight: number;
  matches: NodeMatcher;
}

export const nodeAffinity: FilterPlugin<NodeMatcher> & ScorePlugin<Preference[]> = {
  name,
  weight: 2,
  preFilter({ pod }): PreFilterResult<NodeMatcher> {
    if (!pod.requiredNodeAffinity) return 'skip';
    const nodeNames = namedNodes(pod);
    if (nodeNames?.size === 0) return { rejection: conflict };
    return { state: pod.requiredNodeAffinity, nodeNames };
  },
  filter: (matches, _, node) => (matches(node.name, node.labels) ? undefined : noMatch),
  isSchedulableAfter(pod, event) {
    const matches = pod.requiredNodeAffinity;
    if (!matches) return false;
    if (event.type === 'NodeAdd') return matches(event.node.name, event.node.labels);
    return event.type === 'NodeUpdate' && event.changes.labels && matches(event.node.name, event.node.labels) && !matches(event.old.name, event.old.labels);
  },
  preScore({ pod }) {
    const preferences: Preference[] = [];
    for (const term of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      const matches = term.weight ? nodeSelectorTerm(term.preference) : undefined;
      if (matches) preferences.push({ weight: term.weight, matches });
    }
    return preferences.length > 0 ? preferences : undefined;
  },
  score(preferences, _, node) {
    let score = 0;
    for (const p of preferences) if (p.matches(node.name, node.labels)) score += p.weight;
    return score;
  },
  normalize: (_, scores) => normalizeToMax(scores, maxNodeScore, false),
};

/**
 * The nodes required terms name: each term's metadata.name In values (intersected within
 * the term), united over terms; undefined when some term names no node (any node may match).
 */
function namedNodes(pod: PodInfo): Set<string> | undefined {
  const terms = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  const union = new Set<string>();
  for (const term of terms) {
    let names: Set<string> | undefined;
    for (const field of term.matchFields ?? []) {
      if (field.key !== 'metadata.name' || field.operator !== 'In') continue;
      const values = new Set(field.values ?? []);
      names = names ? new Set([...names].filter((n) => values.has(n))) : values;
    }
    if (!names) return undefined;
    for (const n of names) union.add(n);
  }
  return union;
}
