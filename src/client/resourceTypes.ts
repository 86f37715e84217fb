// ResourceTypes of the built-in kinds, derived from their declarations.

import { builtinKinds } from '../api/registry.ts';
import type { KindDeclaration } from '../api/kind.ts';
import type { ResourceType } from './client.ts';

export function resourceTypeOf(decl: KindDeclaration, version = decl.version): ResourceType {
  return { group: decl.group, version, plural: decl.plural, kind: decl.kind, namespaced: decl.namespaced };
}

function builtin(group: string, plural: string): ResourceType {
  const decl = builtinKinds.find((k) => k.group === group && k.plural === plural);
  if (!decl) throw new Error(`no built-in kind ${plural}.${group}`);
  return resourceTypeOf(decl);
}

export const types = {
  namespaces: builtin('', 'namespaces'),
  pods: builtin('', 'pods'),
  nodes: builtin('', 'nodes'),
  services: builtin('', 'services'),
  endpoints: builtin('', 'endpoints'),
  configMaps: builtin('', 'configmaps'),
  secrets: builtin('', 'secrets'),
  serviceAccounts: builtin('', 'serviceaccounts'),
  events: builtin('', 'events'),
  persistentVolumes: builtin('', 'persistentvolumes'),
  persistentVolumeClaims: builtin('', 'persistentvolumeclaims'),
  resourceQuotas: builtin('', 'resourcequotas'),
  limitRanges: builtin('', 'limitranges'),
  deployments: builtin('apps', 'deployments'),
  replicaSets: builtin('apps', 'replicasets'),
  statefulSets: builtin('apps', 'statefulsets'),
  daemonSets: builtin('apps', 'daemonsets'),
  controllerRevisions: builtin('apps', 'controllerrevisions'),
  jobs: builtin('batch', 'jobs'),
  cronJobs: builtin('batch', 'cronjobs'),
  horizontalPodAutoscalers: builtin('autoscaling', 'horizontalpodautoscalers'),
  leases: builtin('coordination.k8s.io', 'leases'),
  endpointSlices: builtin('discovery.k8s.io', 'endpointslices'),
  eventsV1: builtin('events.k8s.io', 'events'),
  ingresses: builtin('networking.k8s.io', 'ingresses'),
  networkPolicies: builtin('networking.k8s.io', 'networkpolicies'),
  priorityClasses: builtin('scheduling.k8s.io', 'priorityclasses'),
  podDisruptionBudgets: builtin('policy', 'poddisruptionbudgets'),
  customResourceDefinitions: builtin('apiextensions.k8s.io', 'customresourcedefinitions'),
} as const;
