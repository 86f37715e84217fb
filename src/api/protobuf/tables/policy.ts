// Protobuf wire facts of policy/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const policyV1: GroupVersionTable = {
  apiVersion: 'policy/v1',
  prefix: 'policy/v1',
  kinds: ['Eviction', 'PodDisruptionBudget'],
  messages: {
    'policy/v1.Eviction': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['deleteOptions', 'message:meta/v1.DeleteOptions'],
    },
    'policy/v1.PodDisruptionBudget': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:policy/v1.PodDisruptionBudgetSpec'],
      3: ['status', 'message:policy/v1.PodDisruptionBudgetStatus'],
    },
    'policy/v1.PodDisruptionBudgetSpec': {
      1: ['minAvailable', 'message:intstr.IntOrString'],
      2: ['selector', 'message:meta/v1.LabelSelector'],
      3: ['maxUnavailable', 'message:intstr.IntOrString'],
      4: ['unhealthyPodEvictionPolicy', 'string'],
    },
    'policy/v1.PodDisruptionBudgetStatus': {
      1: ['observedGeneration', 'int64', 'omitempty'],
      2: ['disruptedPods', 'map<string,message:meta/v1.Time>'],
      3: ['disruptionsAllowed', 'int32'],
      4: ['currentHealthy', 'int32'],
      5: ['desiredHealthy', 'int32'],
      6: ['expectedPods', 'int32'],
      7: ['conditions', 'message:meta/v1.Condition', 'repeated'],
    },
  },
};
