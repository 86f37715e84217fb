// Protobuf wire facts of autoscaling/v1 and autoscaling/v2 at Kubernetes v1.32: field numbers and kinds from
// k8s.io/api generated.proto; JSON names, omitempty and inline from the Go types.
// Derived mechanically from those sources; the format is described in ../table.ts.

import type { GroupVersionTable } from '../table.ts';

export const autoscalingV1: GroupVersionTable = {
  apiVersion: 'autoscaling/v1',
  prefix: 'autoscaling/v1',
  kinds: ['HorizontalPodAutoscaler', 'Scale'],
  messages: {
    'autoscaling/v1.CrossVersionObjectReference': {
      1: ['kind', 'string'],
      2: ['name', 'string'],
      3: ['apiVersion', 'string', 'omitempty'],
    },
    'autoscaling/v1.HorizontalPodAutoscaler': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:autoscaling/v1.HorizontalPodAutoscalerSpec'],
      3: ['status', 'message:autoscaling/v1.HorizontalPodAutoscalerStatus'],
    },
    'autoscaling/v1.HorizontalPodAutoscalerSpec': {
      1: ['scaleTargetRef', 'message:autoscaling/v1.CrossVersionObjectReference'],
      2: ['minReplicas', 'int32'],
      3: ['maxReplicas', 'int32'],
      4: ['targetCPUUtilizationPercentage', 'int32'],
    },
    'autoscaling/v1.HorizontalPodAutoscalerStatus': {
      1: ['observedGeneration', 'int64'],
      2: ['lastScaleTime', 'message:meta/v1.Time'],
      3: ['currentReplicas', 'int32'],
      4: ['desiredReplicas', 'int32'],
      5: ['currentCPUUtilizationPercentage', 'int32'],
    },
    'autoscaling/v1.Scale': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:autoscaling/v1.ScaleSpec'],
      3: ['status', 'message:autoscaling/v1.ScaleStatus'],
    },
    'autoscaling/v1.ScaleSpec': {
      1: ['replicas', 'int32', 'omitempty'],
    },
    'autoscaling/v1.ScaleStatus': {
      1: ['replicas', 'int32'],
      2: ['selector', 'string', 'omitempty'],
    },
  },
};

export const autoscalingV2: GroupVersionTable = {
  apiVersion: 'autoscaling/v2',
  prefix: 'autoscaling/v2',
  kinds: ['HorizontalPodAutoscaler'],
  messages: {
    'autoscaling/v2.ContainerResourceMetricSource': {
      1: ['name', 'string'],
      2: ['target', 'message:autoscaling/v2.MetricTarget'],
      3: ['container', 'string'],
    },
    'autoscaling/v2.ContainerResourceMetricStatus': {
      1: ['name', 'string'],
      2: ['current', 'message:autoscaling/v2.MetricValueStatus'],
      3: ['container', 'string'],
    },
    'autoscaling/v2.CrossVersionObjectReference': {
      1: ['kind', 'string'],
      2: ['name', 'string'],
      3: ['apiVersion', 'string', 'omitempty'],
    },
    'autoscaling/v2.ExternalMetricSource': {
      1: ['metric', 'message:autoscaling/v2.MetricIdentifier'],
      2: ['target', 'message:autoscaling/v2.MetricTarget'],
    },
    'autoscaling/v2.ExternalMetricStatus': {
      1: ['metric', 'message:autoscaling/v2.MetricIdentifier'],
      2: ['current', 'message:autoscaling/v2.MetricValueStatus'],
    },
    'autoscaling/v2.HorizontalPodAutoscaler': {
      1: ['metadata', 'message:meta/v1.ObjectMeta'],
      2: ['spec', 'message:autoscaling/v2.HorizontalPodAutoscalerSpec'],
      3: ['status', 'message:autoscaling/v2.HorizontalPodAutoscalerStatus'],
    },
    'autoscaling/v2.HorizontalPodAutoscalerBehavior': {
      1: ['scaleUp', 'message:autoscaling/v2.HPAScalingRules'],
      2: ['scaleDown', 'message:autoscaling/v2.HPAScalingRules'],
    },
    'autoscaling/v2.HorizontalPodAutoscalerCondition': {
      1: ['type', 'string'],
      2: ['status', 'string'],
      3: ['lastTransitionTime', 'message:meta/v1.Time'],
      4: ['reason', 'string', 'omitempty'],
      5: ['message', 'string', 'omitempty'],
    },
    'autoscaling/v2.HorizontalPodAutoscalerSpec': {
      1: ['scaleTargetRef', 'message:autoscaling/v2.CrossVersionObjectReference'],
      2: ['minReplicas', 'int32'],
      3: ['maxReplicas', 'int32'],
      4: ['metrics', 'message:autoscaling/v2.MetricSpec', 'repeated'],
      5: ['behavior', 'message:autoscaling/v2.HorizontalPodAutoscalerBehavior'],
    },
    'autoscaling/v2.HorizontalPodAutoscalerStatus': {
      1: ['observedGeneration', 'int64'],
      2: ['lastScaleTime', 'message:meta/v1.Time'],
      3: ['currentReplicas', 'int32', 'omitempty'],
      4: ['desiredReplicas', 'int32'],
      5: ['currentMetrics', 'message:autoscaling/v2.MetricStatus', 'repeated'],
      6: ['conditions', 'message:autoscaling/v2.HorizontalPodAutoscalerCondition', 'repeated'],
    },
    'autoscaling/v2.HPAScalingPolicy': {
      1: ['type', 'string'],
      2: ['value', 'int32'],
      3: ['periodSeconds', 'int32'],
    },
    'autoscaling/v2.HPAScalingRules': {
      1: ['selectPolicy', 'string'],
      2: ['policies', 'message:autoscaling/v2.HPAScalingPolicy', 'repeated'],
      3: ['stabilizationWindowSeconds', 'int32'],
    },
    'autoscaling/v2.MetricIdentifier': {
      1: ['name', 'string'],
      2: ['selector', 'message:meta/v1.LabelSelector'],
    },
    'autoscaling/v2.MetricSpec': {
      1: ['type', 'string'],
      2: ['object', 'message:autoscaling/v2.ObjectMetricSource'],
      3: ['pods', 'message:autoscaling/v2.PodsMetricSource'],
      4: ['resource', 'message:autoscaling/v2.ResourceMetricSource'],
      5: ['external', 'message:autoscaling/v2.ExternalMetricSource'],
      7: ['containerResource', 'message:autoscaling/v2.ContainerResourceMetricSource'],
    },
    'autoscaling/v2.MetricStatus': {
      1: ['type', 'string'],
      2: ['object', 'message:autoscaling/v2.ObjectMetricStatus'],
      3: ['pods', 'message:autoscaling/v2.PodsMetricStatus'],
      4: ['resource', 'message:autoscaling/v2.ResourceMetricStatus'],
      5: ['external', 'message:autoscaling/v2.ExternalMetricStatus'],
      7: ['containerResource', 'message:autoscaling/v2.ContainerResourceMetricStatus'],
    },
    'autoscaling/v2.MetricTarget': {
      1: ['type', 'string'],
      2: ['value', 'message:resource.Quantity'],
      3: ['averageValue', 'message:resource.Quantity'],
      4: ['averageUtilization', 'int32'],
    },
    'autoscaling/v2.MetricValueStatus': {
      1: ['value', 'message:resource.Quantity'],
      2: ['averageValue', 'message:resource.Quantity'],
      3: ['averageUtilization', 'int32'],
    },
    'autoscaling/v2.ObjectMetricSource': {
      1: ['describedObject', 'message:autoscaling/v2.CrossVersionObjectReference'],
      2: ['target', 'message:autoscaling/v2.MetricTarget'],
      3: ['metric', 'message:autoscaling/v2.MetricIdentifier'],
    },
    'autoscaling/v2.ObjectMetricStatus': {
      1: ['metric', 'message:autoscaling/v2.MetricIdentifier'],
      2: ['current', 'message:autoscaling/v2.MetricValueStatus'],
      3: ['describedObject', 'message:autoscaling/v2.CrossVersionObjectReference'],
    },
    'autoscaling/v2.PodsMetricSource': {
      1: ['metric', 'message:autoscaling/v2.MetricIdentifier'],
      2: ['target', 'message:autoscaling/v2.MetricTarget'],
    },
    'autoscaling/v2.PodsMetricStatus': {
      1: ['metric', 'message:autoscaling/v2.MetricIdentifier'],
      2: ['current', 'message:autoscaling/v2.MetricValueStatus'],
    },
    'autoscaling/v2.ResourceMetricSource': {
      1: ['name', 'string'],
      2: ['target', 'message:autoscaling/v2.MetricTarget'],
    },
    'autoscaling/v2.ResourceMetricStatus': {
      1: ['name', 'string'],
      2: ['current', 'message:autoscaling/v2.MetricValueStatus'],
    },
  },
};
