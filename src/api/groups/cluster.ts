// The smaller API groups, one file per kind under cluster/: coordination, discovery,
// events, networking, rbac, storage, policy, scheduling, node.

import type { KindDeclaration } from '../kind.ts';
import { coreFromEventsV1, eventsV1FromCore } from './eventConversion.ts';
import { endpointSlice } from './cluster/endpointSlice.ts';
import { ingress, ingressClass } from './cluster/ingress.ts';
import { lease } from './cluster/lease.ts';
import { networkPolicy } from './cluster/networkPolicy.ts';
import { podDisruptionBudget } from './cluster/podDisruptionBudget.ts';
import { priorityClass } from './cluster/priorityClass.ts';
import { clusterRole, clusterRoleBinding, role, roleBinding } from './cluster/rbac.ts';
import { runtimeClass } from './cluster/runtimeClass.ts';
import { storageClass } from './cluster/storageClass.ts';

// events.k8s.io/v1 Events are core/v1 Events under other field names (eventConversion.ts).
const event: KindDeclaration = {
  group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'],
  storedAs: { group: '', plural: 'events', toStored: coreFromEventsV1, fromStored: eventsV1FromCore },
};

export const clusterKinds: KindDeclaration[] = [
  lease,
  endpointSlice,
  event,
  ingress,
  ingressClass,
  networkPolicy,
  role,
  roleBinding,
  clusterRole,
  clusterRoleBinding,
  storageClass,
  podDisruptionBudget,
  priorityClass,
  runtimeClass,
];
