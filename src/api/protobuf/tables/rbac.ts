// Protobuf wire facts of rbac/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const rbacV1: GroupVersionTable = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  prefix: 'rbac/v1',
  kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  messages: {
    'rbac/v1.AggregationRule': {
      1: ['clusterRoleSelectors', 'message:meta/v1.LabelSelector', 'repeated'],
    },
    'rbac/v1.ClusterRole': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['rules', 'message:rbac/v1.PolicyRule', 'repeated'],
      3: ['aggregationRule', 'message:rbac/v1.AggregationRule'],
    },
    'rbac/v1.ClusterRoleBinding': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['subjects', 'message:rbac/v1.Subject', 'repeated'],
      3: ['roleRef', 'message:rbac/v1.RoleRef'],
    },
    'rbac/v1.PolicyRule': {
      1: ['verbs', 'string', 'repeated'],
      2: ['apiGroups', 'string', 'repeated'],
      3: ['resources', 'string', 'repeated'],
      4: ['resourceNames', 'string', 'repeated'],
      5: ['nonResourceURLs', 'string', 'repeated'],
    },
    'rbac/v1.Role': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['rules', 'message:rbac/v1.PolicyRule', 'repeated'],
    },
    'rbac/v1.RoleBinding': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['subjects', 'message:rbac/v1.Subject', 'repeated'],
      3: ['roleRef', 'message:rbac/v1.RoleRef'],
    },
    'rbac/v1.RoleRef': {
      1: ['apiGroup', 'string'],
      2: ['kind', 'string'],
      3: ['name', 'string'],
    },
    'rbac/v1.Subject': {
      1: ['kind', 'string'],
      2: ['apiGroup', 'string', 'omitempty'],
      3: ['name', 'string'],
      4: ['namespace', 'string', 'omitempty'],
    },
  },
};
