// core/v1 (the legacy group, served under /api/v1).

import type { KindDeclaration } from '../kind.ts';

const core = { group: '', version: 'v1' };

export const coreKinds: KindDeclaration[] = [
  { ...core, kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], subresources: { status: true } },
  { ...core, kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: { status: true } },
  { ...core, kind: 'Binding', plural: 'bindings', singular: 'binding', namespaced: true, verbs: ['create'] },
  { ...core, kind: 'PodTemplate', plural: 'podtemplates', singular: 'podtemplate', namespaced: true },
  { ...core, kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: { status: true } },
  { ...core, kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'] },
  { ...core, kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'] },
  { ...core, kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true },
  { ...core, kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'] },
  { ...core, kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'] },
  { ...core, kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], subresources: { status: true } },
  { ...core, kind: 'PersistentVolume', plural: 'persistentvolumes', singular: 'persistentvolume', namespaced: false, shortNames: ['pv'], subresources: { status: true } },
  { ...core, kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, shortNames: ['pvc'], subresources: { status: true } },
  { ...core, kind: 'ResourceQuota', plural: 'resourcequotas', singular: 'resourcequota', namespaced: true, shortNames: ['quota'], subresources: { status: true } },
  { ...core, kind: 'LimitRange', plural: 'limitranges', singular: 'limitrange', namespaced: true, shortNames: ['limits'] },
];
