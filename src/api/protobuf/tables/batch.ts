// Protobuf wire facts of batch/v1 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const batchV1: GroupVersionTable = {
  apiVersion: 'batch/v1',
  prefix: 'batch/v1',
  kinds: ['CronJob', 'Job'],
  messages: {
    'batch/v1.CronJob': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:batch/v1.CronJobSpec'],
      3: ['status', 'message:batch/v1.CronJobStatus'],
    },
    'batch/v1.CronJobSpec': {
      1: ['schedule', 'string'],
      2: ['startingDeadlineSeconds', 'int64'],
      3: ['concurrencyPolicy', 'string', 'omitempty'],
      4: ['suspend', 'bool'],
      5: ['jobTemplate', 'message:batch/v1.JobTemplateSpec'],
      6: ['successfulJobsHistoryLimit', 'int32'],
      7: ['failedJobsHistoryLimit', 'int32'],
      8: ['timeZone', 'string'],
    },
    'batch/v1.CronJobStatus': {
      1: ['active', 'message:core/v1.ObjectReference', 'repeated'],
      4: ['lastScheduleTime', 'message:meta/v1.Time'],
      5: ['lastSuccessfulTime', 'message:meta/v1.Time'],
    },
    'batch/v1.Job': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:batch/v1.JobSpec'],
      3: ['status', 'message:batch/v1.JobStatus'],
    },
    'batch/v1.JobCondition': {
      1: ['type', 'string'],
      2: ['status', 'string'],
      3: ['lastProbeTime', 'message:meta/v1.Time'],
      4: ['lastTransitionTime', 'message:meta/v1.Time'],
      5: ['reason', 'string', 'omitempty'],
      6: ['message', 'string', 'omitempty'],
    },
    'batch/v1.JobSpec': {
      1: ['parallelism', 'int32'],
      2: ['completions', 'int32'],
      3: ['activeDeadlineSeconds', 'int64'],
      4: ['selector', 'message:meta/v1.LabelSelector'],
      5: ['manualSelector', 'bool'],
      6: ['template', 'message:core/v1.PodTemplateSpec'],
      7: ['backoffLimit', 'int32'],
      8: ['ttlSecondsAfterFinished', 'int32'],
      9: ['completionMode', 'string'],
      10: ['suspend', 'bool'],
      11: ['podFailurePolicy', 'message:batch/v1.PodFailurePolicy'],
      12: ['backoffLimitPerIndex', 'int32'],
      13: ['maxFailedIndexes', 'int32'],
      14: ['podReplacementPolicy', 'string'],
      15: ['managedBy', 'string'],
      16: ['successPolicy', 'message:batch/v1.SuccessPolicy'],
    },
    'batch/v1.JobStatus': {
      1: ['conditions', 'message:batch/v1.JobCondition', 'repeated'],
      2: ['startTime', 'message:meta/v1.Time'],
      3: ['completionTime', 'message:meta/v1.Time'],
      4: ['active', 'int32', 'omitempty'],
      5: ['succeeded', 'int32', 'omitempty'],
      6: ['failed', 'int32', 'omitempty'],
      7: ['completedIndexes', 'string', 'omitempty'],
      8: ['uncountedTerminatedPods', 'message:batch/v1.UncountedTerminatedPods'],
      9: ['ready', 'int32'],
      10: ['failedIndexes', 'string'],
      11: ['terminating', 'int32'],
    },
    'batch/v1.JobTemplateSpec': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:batch/v1.JobSpec'],
    },
    'batch/v1.PodFailurePolicy': {
      1: ['rules', 'message:batch/v1.PodFailurePolicyRule', 'repeated'],
    },
    'batch/v1.PodFailurePolicyOnExitCodesRequirement': {
      1: ['containerName', 'string'],
      2: ['operator', 'string'],
      3: ['values', 'int32', 'repeated'],
    },
    'batch/v1.PodFailurePolicyOnPodConditionsPattern': {
      1: ['type', 'string'],
      2: ['status', 'string'],
    },
    'batch/v1.PodFailurePolicyRule': {
      1: ['action', 'string'],
      2: ['onExitCodes', 'message:batch/v1.PodFailurePolicyOnExitCodesRequirement'],
      3: ['onPodConditions', 'message:batch/v1.PodFailurePolicyOnPodConditionsPattern', 'repeated'],
    },
    'batch/v1.SuccessPolicy': {
      1: ['rules', 'message:batch/v1.SuccessPolicyRule', 'repeated'],
    },
    'batch/v1.SuccessPolicyRule': {
      1: ['succeededIndexes', 'string'],
      2: ['succeededCount', 'int32'],
    },
    'batch/v1.UncountedTerminatedPods': {
      1: ['succeeded', 'string', 'repeated'],
      2: ['failed', 'string', 'repeated'],
    },
  },
};
