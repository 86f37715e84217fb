// Protobuf wire facts of scheduling/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const schedulingV1: GroupVersionTable = {
  apiVersion: 'scheduling.k8s.io/v1',
  prefix: 'scheduling/v1',
  kinds: ['PriorityClass'],
  messages: {
    'scheduling/v1.PriorityClass': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['value', 'int32'],
      3: ['globalDefault', 'bool', 'omitempty'],
      4: ['description', 'string', 'omitempty'],
      5: ['preemptionPolicy', 'string'],
    },
  },
};
