// The smaller API groups: coordination, discovery, events, networking, rbac, storage, policy,
// scheduling, node.

import type { KindDeclaration } from '../kind.ts';

const coordination = { group: 'coordination.k8s.io', version: 'v1' };
const discovery = { group: 'discovery.k8s.io', version: 'v1' };
const events = { group: 'events.k8s.io', version: 'v1' };
const networking = { group: 'networking.k8s.io', version: 'v1' };
const rbac = { group: 'rbac.authorization.k8s.io', version: 'v1' };
const storage = { group: 'storage.k8s.io', version: 'v1' };
const policy = { group: 'policy', version: 'v1' };
const scheduling = { group: 'scheduling.k8s.io', version: 'v1' };
const node = { group: 'node.k8s.io', version: 'v1' };

export const clusterKinds: KindDeclaration[] = [
  { ...coordination, kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true },
  { ...discovery, kind: 'EndpointSlice', plural: 'endpointslices', singular: 'endpointslice', namespaced: true },
  { ...events, kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'] },
  { ...networking, kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true, shortNames: ['ing'], subresources: { status: true }, generation: true },
  { ...networking, kind: 'IngressClass', plural: 'ingressclasses', singular: 'ingressclass', namespaced: false },
  { ...networking, kind: 'NetworkPolicy', plural: 'networkpolicies', singular: 'networkpolicy', namespaced: true, shortNames: ['netpol'], generation: true },
  { ...rbac, kind: 'Role', plural: 'roles', singular: 'role', namespaced: true },
  { ...rbac, kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true },
  { ...rbac, kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false },
  { ...rbac, kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false },
  { ...storage, kind: 'StorageClass', plural: 'storageclasses', singular: 'storageclass', namespaced: false, shortNames: ['sc'] },
  { ...policy, kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true, shortNames: ['pdb'], subresources: { status: true }, generation: true },
  { ...scheduling, kind: 'PriorityClass', plural: 'priorityclasses', singular: 'priorityclass', namespaced: false, shortNames: ['pc'] },
  { ...node, kind: 'RuntimeClass', plural: 'runtimeclasses', singular: 'runtimeclass', namespaced: false },
];
