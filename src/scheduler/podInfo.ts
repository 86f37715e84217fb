// A pod as the scheduler reads it: requests, host ports, tolerations, node affinity and
// pod (anti-)affinity terms parsed once, both for pods waiting to be scheduled and for the
// pods already on nodes that they are measured against.

import type { PodAffinityTerm, Toleration, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { Pod } from './objects.ts';
import { podRequests, type Resources } from './resources.ts';
import { labelSelector, nodeSelectorTerms, setSelector, type Labels, type NodeMatcher, type Selector } from './selectors.ts';

/** Looks up a namespace's labels, for terms with a namespaceSelector. */
export type NamespaceLabels = (namespace: string) => Labels;

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface AffinityTerm {
  /** Namespaces whose pods the term selects; the owning pod's when neither namespaces nor a namespaceSelector are given. */
  namespaces: Set<string>;
  /** Selects further namespaces by their labels (nothing when the term has none). */
  namespaceSelector: Selector | undefined;
  selector: Selector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface PodInfo {
  pod: Pod;
  /** namespace/name */
  key: string;
  namespace: string;
  labels: Record<string, string>;
  priority: number;
  terminating: boolean;
  requests: Resources;
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
  tolerations: Toleration[];
  /** nodeSelector and required node affinity together; undefined when the pod has neither. */
  requiredNodeAffinity: NodeMatcher | undefined;
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
}

/** namespace/name: how the scheduler keys pods. */
export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name}`;
}

export function podInfoOf(pod: Pod): PodInfo {
  const namespace = pod.metadata?.namespace ?? '';
  const spec = pod.spec;
  const affinity = spec?.affinity;
  const { requests, nonZeroMilliCPU, nonZeroMemory } = podRequests(pod);
  return {
    pod,
    key: podKey(pod),
    namespace,
    labels: pod.metadata?.labels ?? {},
    priority: spec?.priority ?? 0,
    terminating: Boolean(pod.metadata?.deletionTimestamp),
    requests,
    nonZeroMilliCPU,
    nonZeroMemory,
    hostPorts: hostPortsOf(pod),
    tolerations: spec?.tolerations ?? [],
    requiredNodeAffinity: requiredNodeAffinityOf(pod),
    requiredAffinityTerms: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(t, namespace)),
    requiredAntiAffinityTerms: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(t, namespace)),
    preferredAffinityTerms: (affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => weightedTerm(t, namespace)),
    preferredAntiAffinityTerms: (affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => weightedTerm(t, namespace)),
  };
}

/** Whether the pod has any pod affinity or anti-affinity (upstream's PodsWithAffinity). */
export function hasPodAffinity(p: PodInfo): boolean {
  const a = p.pod.spec?.affinity;
  return Boolean(a?.podAffinity || a?.podAntiAffinity);
}

function affinityTerm(term: PodAffinityTerm, ownNamespace: string): AffinityTerm {
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(ownNamespace);
  return {
    namespaces,
    namespaceSelector: term.namespaceSelector ? labelSelector(term.namespaceSelector) : undefined,
    selector: labelSelector(term.labelSelector),
    topologyKey: term.topologyKey,
  };
}

function weightedTerm(term: WeightedPodAffinityTerm, ownNamespace: string): WeightedAffinityTerm {
  return { ...affinityTerm(term.podAffinityTerm, ownNamespace), weight: term.weight };
}

/** Whether the term selects the pod; namespaceLabels looks up a namespace's labels when a namespaceSelector needs them. */
export function termMatches(term: AffinityTerm, pod: PodInfo, namespaceLabels: NamespaceLabels): boolean {
  const inNamespace = term.namespaces.has(pod.namespace) || (term.namespaceSelector !== undefined && term.namespaceSelector.matches(namespaceLabels(pod.namespace)));
  return inNamespace && term.selector.matches(pod.labels);
}

/** Whether the pod matches every term (upstream's podMatchesAllAffinityTerms: false for no terms). */
export function matchesAllTerms(terms: AffinityTerm[], pod: PodInfo, namespaceLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const term of terms) if (!termMatches(term, pod, namespaceLabels)) return false;
  return true;
}

export function matchesAnyTerm(terms: AffinityTerm[], pod: PodInfo, namespaceLabels: NamespaceLabels): boolean {
  for (const term of terms) if (termMatches(term, pod, namespaceLabels)) return true;
  return false;
}

function requiredNodeAffinityOf(pod: Pod): NodeMatcher | undefined {
  const nodeSelector = pod.spec?.nodeSelector;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const bySelector = nodeSelector && Object.keys(nodeSelector).length > 0 ? setSelector(nodeSelector) : undefined;
  const byTerms = required ? nodeSelectorTerms(required.nodeSelectorTerms ?? []) : undefined;
  if (!bySelector && !byTerms) return undefined;
  return (name, labels) => (!bySelector || bySelector.matches(labels)) && (!byTerms || byTerms(name, labels));
}

function hostPortsOf(pod: Pod): HostPort[] {
  const ports: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) ports.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return ports;
}
