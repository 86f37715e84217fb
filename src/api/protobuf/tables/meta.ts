// Protobuf wire facts of meta/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/apimachinery (meta/v1, util/intstr, api/resource, runtime) generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const metaV1: GroupVersionTable = {
  apiVersion: 'meta.k8s.io/v1',
  prefix: 'meta/v1',
  kinds: ['DeleteOptions'],
  messages: {
    'intstr.IntOrString': {
      1: ['type', 'int64'],
      2: ['intVal', 'int32'],
      3: ['strVal', 'string'],
    },
    'meta/v1.Condition': {
      1: ['type', 'string'],
      2: ['status', 'string'],
      3: ['observedGeneration', 'int64', 'omitempty'],
      4: ['lastTransitionTime', 'message:meta/v1.Time'],
      5: ['reason', 'string'],
      6: ['message', 'string'],
    },
    'meta/v1.DeleteOptions': {
      1: ['gracePeriodSeconds', 'int64'],
      2: ['preconditions', 'message:meta/v1.Preconditions'],
      3: ['orphanDependents', 'bool'],
      4: ['propagationPolicy', 'string'],
      5: ['dryRun', 'string', 'repeated'],
      6: ['ignoreStoreReadErrorWithClusterBreakingPotential', 'bool'],
    },
    'meta/v1.FieldSelectorRequirement': {
      1: ['key', 'string'],
      2: ['operator', 'string'],
      3: ['values', 'string', 'repeated'],
    },
    'meta/v1.FieldsV1': {
      1: ['Raw', 'bytes'],
    },
    'meta/v1.LabelSelector': {
      1: ['matchLabels', 'map<string,string>'],
      2: ['matchExpressions', 'message:meta/v1.LabelSelectorRequirement', 'repeated'],
    },
    'meta/v1.LabelSelectorRequirement': {
      1: ['key', 'string'],
      2: ['operator', 'string'],
      3: ['values', 'string', 'repeated'],
    },
    'meta/v1.ManagedFieldsEntry': {
      1: ['manager', 'string', 'omitempty'],
      2: ['operation', 'string', 'omitempty'],
      3: ['apiVersion', 'string', 'omitempty'],
      4: ['time', 'message:meta/v1.Time'],
      6: ['fieldsType', 'string', 'omitempty'],
      7: ['fieldsV1', 'message:meta/v1.FieldsV1'],
      8: ['subresource', 'string', 'omitempty'],
    },
    'meta/v1.MicroTime': {
      1: ['seconds', 'int64'],
      2: ['nanos', 'int32'],
    },
    'meta/v1.ObjectMeta': {
      1: ['name', 'string', 'omitempty'],
      2: ['generateName', 'string', 'omitempty'],
      3: ['namespace', 'string', 'omitempty'],
      4: ['selfLink', 'string', 'omitempty'],
      5: ['uid', 'string', 'omitempty'],
      6: ['resourceVersion', 'string', 'omitempty'],
      7: ['generation', 'int64', 'omitempty'],
      8: ['creationTimestamp', 'message:meta/v1.Time'],
      9: ['deletionTimestamp', 'message:meta/v1.Time'],
      10: ['deletionGracePeriodSeconds', 'int64'],
      11: ['labels', 'map<string,string>'],
      12: ['annotations', 'map<string,string>'],
      13: ['ownerReferences', 'message:meta/v1.OwnerReference', 'repeated'],
      14: ['finalizers', 'string', 'repeated'],
      17: ['managedFields', 'message:meta/v1.ManagedFieldsEntry', 'repeated'],
    },
    'meta/v1.OwnerReference': {
      1: ['kind', 'string'],
      3: ['name', 'string'],
      4: ['uid', 'string'],
      5: ['apiVersion', 'string'],
      6: ['controller', 'bool'],
      7: ['blockOwnerDeletion', 'bool'],
    },
    'meta/v1.Preconditions': {
      1: ['uid', 'string'],
      2: ['resourceVersion', 'string'],
    },
    'meta/v1.Time': {
      1: ['seconds', 'int64'],
      2: ['nanos', 'int32'],
    },
    'resource.Quantity': {
      1: ['string', 'string'],
    },
    'runtime.RawExtension': {
      1: ['raw', 'bytes'],
    },
  },
};
