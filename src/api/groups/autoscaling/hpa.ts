// autoscaling/v2 HorizontalPodAutoscaler: printer columns (TARGETS as upstream formats
// them), SetDefaults_HorizontalPodAutoscaler and ValidateHorizontalPodAutoscaler.

import type { FieldError } from '../../../apiserver/errors.ts';
import type { Column } from '../../kind.ts';
import { dns1123Label, forbidden, invalidEach, invalidValue, pathSegmentNameErrors, required, unsupported } from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import { parseQuantity } from '../core/quantity.ts';
import { validateContainerResourceName } from '../core/resources.ts';

export const hpaColumns: Column[] = [
  { name: 'Reference', type: 'string', description: 'The workload this autoscaler scales.', cell: (h) => `${h.spec?.scaleTargetRef?.kind ?? ''}/${h.spec?.scaleTargetRef?.name ?? ''}` },
  { name: 'Targets', type: 'string', description: 'Current and target values of each metric.', cell: (h) => formatMetrics(h.spec?.metrics ?? [], h.status?.currentMetrics ?? []) },
  { name: 'MinPods', type: 'string', description: 'The lower limit of replicas.', cell: (h) => (h.spec?.minReplicas == null ? '<unset>' : String(h.spec.minReplicas)) },
  { name: 'MaxPods', type: 'string', description: 'The upper limit of replicas.', cell: (h) => h.spec?.maxReplicas ?? 0 },
  { name: 'Replicas', type: 'string', description: 'Replicas the target currently has.', cell: (h) => h.status?.currentReplicas ?? 0 },
  ageColumn,
];

const quantity = (q: unknown) => (q === undefined || q === null ? '<nil>' : String(q));
const unknown = '<unknown>';

/** formatHPAMetrics: "cpu: 40%/80%, memory: <unknown>/1Gi + 1 more...". Statuses pair with specs by position. */
export function formatMetrics(specs: any[], statuses: any[]): string {
  if (specs.length === 0) return '<none>';
  const max = 2;
  const list = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  const shown = list.slice(0, max).join(', ');
  return list.length > max ? `${shown} + ${list.length - max} more...` : shown;
}

function formatMetric(spec: any, status: any): string {
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const key = spec.type === 'External' ? 'external' : 'object';
      const target = spec[key]?.target ?? {};
      const current = status?.[key]?.current;
      if (target.averageValue != null) return `${current?.averageValue != null ? quantity(current.averageValue) : unknown}/${quantity(target.averageValue)} (avg)`;
      return `${current ? quantity(current.value) : unknown}/${quantity(target.value)}`;
    }
    case 'Pods':
      return `${status?.pods ? quantity(status.pods.current?.averageValue) : unknown}/${quantity(spec.pods?.target?.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const source = spec[key] ?? {};
      const target = source.target ?? {};
      const current = status?.[key]?.current;
      if (target.averageValue != null) return `${source.name}: ${status?.[key] ? quantity(current?.averageValue) : unknown}/${quantity(target.averageValue)}`;
      const now = current?.averageUtilization != null ? `${current.averageUtilization}%` : unknown;
      return `${source.name}: ${now}/${target.averageUtilization != null ? `${target.averageUtilization}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** The CPU utilization HPAs target when no metric is given. */
export const defaultCPUUtilization = 80;

export function defaultHPA(h: any): void {
  const spec = (h.spec ??= {});
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) spec.metrics = [cpuUtilizationMetric(defaultCPUUtilization)];
  if (spec.behavior) {
    spec.behavior.scaleUp = withDefaults(spec.behavior.scaleUp, { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] });
    // The scale-down window stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization decides.
    spec.behavior.scaleDown = withDefaults(spec.behavior.scaleDown, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  }
}

export function cpuUtilizationMetric(averageUtilization: number): any {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } };
}

function withDefaults(rules: any, defaults: any): any {
  const out = { ...defaults };
  for (const key of ['stabilizationWindowSeconds', 'selectPolicy', 'policies']) if (rules?.[key] != null) out[key] = rules[key];
  return out;
}

const maxPeriodSeconds = 1800;
const maxStabilizationWindowSeconds = 3600;
const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const sourceFields: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

/** ValidateHorizontalPodAutoscaler(Update): minReplicas may be 0 only if it already was (HPAScaleToZero is alpha). */
export function validateHPA(h: any, old?: any): FieldError[] {
  const spec = h.spec ?? {};
  const minLowerBound = old?.spec?.minReplicas === 0 ? 0 : 1;
  const errs: FieldError[] = [];
  if (spec.minReplicas != null && spec.minReplicas < minLowerBound) errs.push(invalidValue('spec.minReplicas', spec.minReplicas, `must be greater than or equal to ${minLowerBound}`));
  const max = spec.maxReplicas ?? 0;
  if (max < 1) errs.push(invalidValue('spec.maxReplicas', max, 'must be greater than 0'));
  if (spec.minReplicas != null && max < spec.minReplicas) errs.push(invalidValue('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateObjectReference(spec.scaleTargetRef ?? {}, 'spec.scaleTargetRef'));
  errs.push(...validateMetrics(spec.metrics ?? [], 'spec.metrics', spec.minReplicas));
  if (spec.behavior) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}

function validateObjectReference(ref: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['kind', 'name']) {
    if (!ref[field]) errs.push(required(`${path}.${field}`, ''));
    else errs.push(...invalidEach(`${path}.${field}`, ref[field], pathSegmentNameErrors(ref[field])));
  }
  return errs;
}

function validateMetrics(metrics: any[], path: string, minReplicas: number | undefined): FieldError[] {
  const errs = metrics.flatMap((metric, i) => validateMetricSpec(metric, `${path}[${i}]`));
  if (minReplicas === 0 && !metrics.some((m) => m.type === 'Object' || m.type === 'External')) {
    errs.push(forbidden(path, 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  return errs;
}

function validateMetricSpec(spec: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.type) errs.push(required(`${path}.type`, 'must specify a metric source type'));
  if (!metricSourceTypes.includes(spec.type)) errs.push(unsupported(`${path}.type`, spec.type ?? '', metricSourceTypes));
  // Only the first source given is validated; the others are forbidden below.
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((field) => spec[field] != null);
  const first = present[0];
  if (first) errs.push(...validateSource(first, spec[first], `${path}.${first}`));
  const expected = sourceFields[spec.type];
  if (expected) {
    if (spec[expected] == null) errs.push(required(`${path}.${expected}`, 'must populate information for the given metric source'));
  } else {
    errs.push(unsupported(`${path}.type`, spec.type ?? '', metricSourceTypes));
  }
  if (present.length !== 1) {
    for (const field of present.filter((f) => f !== expected).sort()) errs.push(forbidden(`${path}.${field}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateSource(field: string, source: any, path: string): FieldError[] {
  const target = source.target ?? {};
  const targetPath = `${path}.target`;
  const errs: FieldError[] = [];
  switch (field) {
    case 'object':
      errs.push(...validateObjectReference(source.describedObject ?? {}, `${path}.describedObject`), ...validateMetricIdentifier(source.metric ?? {}, `${path}.metric`), ...validateTarget(target, targetPath));
      if (target.value == null && target.averageValue == null) errs.push(required(`${targetPath}.averageValue`, 'must set either a target value or averageValue'));
      break;
    case 'external':
      errs.push(...validateMetricIdentifier(source.metric ?? {}, `${path}.metric`), ...validateTarget(target, targetPath));
      if (target.value == null && target.averageValue == null) errs.push(required(`${targetPath}.averageValue`, 'must set either a target value for metric or a per-pod target'));
      if (target.value != null && target.averageValue != null) errs.push(forbidden(`${targetPath}.value`, 'may not set both a target value for metric and a per-pod target'));
      break;
    case 'pods':
      errs.push(...validateMetricIdentifier(source.metric ?? {}, `${path}.metric`), ...validateTarget(target, targetPath));
      if (target.averageValue == null) errs.push(required(`${targetPath}.averageValue`, 'must specify a positive target averageValue'));
      break;
    default: {
      if (!source.name) errs.push(required(`${path}.name`, 'must specify a resource name'));
      else if (field === 'containerResource') errs.push(...validateContainerResourceName(source.name, `${path}.name`));
      if (field === 'containerResource') {
        if (!source.container) errs.push(required(`${path}.container`, 'must specify a container'));
        else errs.push(...dns1123Label(source.container, `${path}.container`));
      }
      errs.push(...validateTarget(target, targetPath));
      if (target.averageUtilization == null && target.averageValue == null) errs.push(required(`${targetPath}.averageUtilization`, 'must set either a target raw value or a target utilization'));
      if (target.averageUtilization != null && target.averageValue != null) errs.push(forbidden(`${targetPath}.averageValue`, 'may not set both a target raw value and a target utilization'));
    }
  }
  return errs;
}

function validateTarget(target: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!target.type) errs.push(required(`${path}.type`, 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(target.type)) errs.push(invalidValue(`${path}.type`, target.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  for (const field of ['value', 'averageValue']) {
    if (target[field] != null && !((parseQuantity(target[field]) ?? 0) > 0)) errs.push(invalidValue(`${path}.${field}`, target[field], 'must be positive'));
  }
  if (target.averageUtilization != null && target.averageUtilization < 1) errs.push(invalidValue(`${path}.averageUtilization`, target.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(id: any, path: string): FieldError[] {
  if (!id.name) return [required(`${path}.name`, 'must specify a metric name')];
  return invalidEach(`${path}.name`, id.name, pathSegmentNameErrors(id.name));
}

const selectPolicies = ['Disabled', 'Max', 'Min'];

function validateScalingRules(rules: any, path: string): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (window != null && window < 0) errs.push(invalidValue(`${path}.stabilizationWindowSeconds`, window, 'must be greater than or equal to zero'));
  if (window != null && window > maxStabilizationWindowSeconds) errs.push(invalidValue(`${path}.stabilizationWindowSeconds`, window, `must be less than or equal to ${maxStabilizationWindowSeconds}`));
  if (rules.selectPolicy != null && !selectPolicies.includes(rules.selectPolicy)) errs.push(unsupported(`${path}.selectPolicy`, rules.selectPolicy, selectPolicies));
  const policies: any[] = rules.policies ?? [];
  if (policies.length === 0) errs.push(required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((policy, i) => {
    const at = `${path}.policies[${i}]`;
    if (policy.type !== 'Pods' && policy.type !== 'Percent') errs.push(unsupported(`${at}.type`, policy.type ?? '', ['Percent', 'Pods']));
    if (!(policy.value > 0)) errs.push(invalidValue(`${at}.value`, policy.value ?? 0, 'must be greater than zero'));
    if (!(policy.periodSeconds > 0)) errs.push(invalidValue(`${at}.periodSeconds`, policy.periodSeconds ?? 0, 'must be greater than zero'));
    if (policy.periodSeconds > maxPeriodSeconds) errs.push(invalidValue(`${at}.periodSeconds`, policy.periodSeconds, `must be less than or equal to ${maxPeriodSeconds}`));
  });
  return errs;
}
