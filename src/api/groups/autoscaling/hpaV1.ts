// autoscaling/v1 <-> v2 HorizontalPodAutoscalers, as upstream converts them. v1 only knows
// a CPU utilization target; everything else v2 can say rides in annotations so that a
// read-modify-write through v1 loses nothing:
//   autoscaling.alpha.kubernetes.io/metrics          spec.metrics other than CPU utilization (v1 MetricSpec JSON)
//   autoscaling.alpha.kubernetes.io/current-metrics  status.currentMetrics (v1 MetricStatus JSON)
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior (upstream writes its internal Go field names)
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions
// The annotations never reach storage: v1 -> v2 lifts them out.

import type { VersionConversion } from '../../kind.ts';
import { cpuUtilizationMetric, defaultCPUUtilization } from './hpa.ts';

export const metricsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
export const currentMetricsAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
export const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
const roundTripAnnotations = [metricsAnnotation, currentMetricsAnnotation, behaviorAnnotation, conditionsAnnotation];

export const hpaV1: VersionConversion = { version: 'v1', toStored: hpaV2FromV1, fromStored: hpaV1FromV2 };

const isCPUUtilization = (m: any) => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.averageUtilization != null;

export function hpaV1FromV2(hpa: any): any {
  const spec = hpa.spec ?? {};
  const status = hpa.status ?? {};
  const annotations = withoutRoundTrip(hpa.metadata?.annotations);
  const metrics: any[] = spec.metrics ?? [];
  const otherMetrics = metrics.filter((m) => !isCPUUtilization(m)).map(v1MetricSpec);
  if (otherMetrics.length > 0) annotations[metricsAnnotation] = JSON.stringify(otherMetrics);
  const currentMetrics: any[] = status.currentMetrics ?? [];
  if (currentMetrics.length > 0) annotations[currentMetricsAnnotation] = JSON.stringify(currentMetrics.map(v1MetricStatus));
  if (spec.behavior) annotations[behaviorAnnotation] = JSON.stringify(internalBehavior(spec.behavior));
  if (status.conditions?.length) annotations[conditionsAnnotation] = JSON.stringify(status.conditions.map(v1Condition));

  const cpuTarget = metrics.find(isCPUUtilization)?.resource.target.averageUtilization;
  // The last CPU utilization reading wins, as upstream's loop has it.
  const cpuCurrent = currentMetrics.filter((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current?.averageUtilization != null).pop()?.resource.current.averageUtilization;
  return omitUnset({
    ...hpa,
    apiVersion: 'autoscaling/v1',
    metadata: withAnnotations(hpa.metadata, annotations),
    spec: omitUnset({
      scaleTargetRef: crossVersionRef(spec.scaleTargetRef),
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas ?? 0,
      targetCPUUtilizationPercentage: cpuTarget,
    }),
    status: omitUnset({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cpuCurrent,
    }),
  });
}

export function hpaV2FromV1(hpa: any): any {
  const spec = hpa.spec ?? {};
  const status = hpa.status ?? {};
  const annotations: Record<string, string> = hpa.metadata?.annotations ?? {};
  let metrics: any[] = spec.targetCPUUtilizationPercentage != null ? [cpuUtilizationMetric(spec.targetCPUUtilizationPercentage)] : [];
  const others = parseArray(annotations[metricsAnnotation]);
  if (others) metrics = [...others.map(v2MetricSpec), ...metrics];
  if (metrics.length === 0) metrics = [cpuUtilizationMetric(defaultCPUUtilization)];
  const behavior = parseBehavior(annotations[behaviorAnnotation]);

  let currentMetrics: any[] | undefined =
    status.currentCPUUtilizationPercentage != null ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }] : undefined;
  const annotatedMetrics = parseArray(annotations[currentMetricsAnnotation]);
  if (annotatedMetrics) currentMetrics = annotatedMetrics.map(v2MetricStatus);
  const conditions = parseArray(annotations[conditionsAnnotation])?.map(v1Condition);

  return omitUnset({
    ...hpa,
    apiVersion: 'autoscaling/v2',
    metadata: withAnnotations(hpa.metadata, withoutRoundTrip(annotations)),
    spec: omitUnset({
      scaleTargetRef: crossVersionRef(spec.scaleTargetRef),
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas ?? 0,
      metrics,
      behavior,
    }),
    status: hpa.status === undefined ? undefined : omitUnset({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentMetrics,
      conditions,
    }),
  });
}

// ---- Metric specs: v2 {metric, target, describedObject} <-> v1 {metricName, targetValue, target} ----

function v1MetricSpec(m: any): any {
  const out: any = { type: m.type };
  const t = (source: any) => source?.target ?? {};
  if (m.object) {
    out.object = omitUnset({
      target: crossVersionRef(m.object.describedObject),
      metricName: m.object.metric?.name ?? '',
      targetValue: quantity(t(m.object).value),
      selector: m.object.metric?.selector,
      averageValue: t(m.object).averageValue,
    });
  }
  if (m.pods) out.pods = omitUnset({ metricName: m.pods.metric?.name ?? '', targetAverageValue: quantity(t(m.pods).averageValue), selector: m.pods.metric?.selector });
  if (m.resource) out.resource = omitUnset({ name: m.resource.name, targetAverageUtilization: t(m.resource).averageUtilization, targetAverageValue: t(m.resource).averageValue });
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = omitUnset({ name: c.name, targetAverageUtilization: t(c).averageUtilization, targetAverageValue: t(c).averageValue, container: c.container ?? '' });
  }
  if (m.external) {
    out.external = omitUnset({ metricName: m.external.metric?.name ?? '', metricSelector: m.external.metric?.selector, targetValue: t(m.external).value, targetAverageValue: t(m.external).averageValue });
  }
  return out;
}

function v2MetricSpec(m: any): any {
  const out: any = { type: m.type };
  const metric = (name: string, selector: unknown) => omitUnset({ name: name ?? '', selector });
  if (m.object) {
    const o = m.object;
    out.object = {
      describedObject: crossVersionRef(o.target),
      target: omitUnset({ type: o.averageValue == null ? 'Value' : 'AverageValue', value: quantity(o.targetValue), averageValue: o.averageValue }),
      metric: metric(o.metricName, o.selector),
    };
  }
  if (m.pods) out.pods = { metric: metric(m.pods.metricName, m.pods.selector), target: { type: 'AverageValue', averageValue: quantity(m.pods.targetAverageValue) } };
  if (m.resource) out.resource = { name: m.resource.name, target: utilizationOrValue(m.resource) };
  if (m.containerResource) out.containerResource = { name: m.containerResource.name, target: utilizationOrValue(m.containerResource), container: m.containerResource.container ?? '' };
  if (m.external) {
    const e = m.external;
    out.external = {
      metric: metric(e.metricName, e.metricSelector),
      target: omitUnset({ type: e.targetValue == null ? 'AverageValue' : 'Value', value: e.targetValue, averageValue: e.targetAverageValue }),
    };
  }
  return out;
}

function utilizationOrValue(source: any): any {
  return omitUnset({
    type: source.targetAverageUtilization == null ? 'AverageValue' : 'Utilization',
    averageValue: source.targetAverageValue,
    averageUtilization: source.targetAverageUtilization,
  });
}

// ---- Metric statuses ----

function v1MetricStatus(m: any): any {
  const out: any = { type: m.type };
  const c = (source: any) => source?.current ?? {};
  if (m.object) {
    out.object = omitUnset({
      target: crossVersionRef(m.object.describedObject),
      metricName: m.object.metric?.name ?? '',
      currentValue: quantity(c(m.object).value),
      selector: m.object.metric?.selector,
      averageValue: c(m.object).averageValue,
    });
  }
  if (m.pods) out.pods = omitUnset({ metricName: m.pods.metric?.name ?? '', currentAverageValue: quantity(c(m.pods).averageValue), selector: m.pods.metric?.selector });
  if (m.resource) out.resource = omitUnset({ name: m.resource.name, currentAverageUtilization: c(m.resource).averageUtilization, currentAverageValue: quantity(c(m.resource).averageValue) });
  if (m.containerResource) {
    const r = m.containerResource;
    out.containerResource = omitUnset({ name: r.name, currentAverageUtilization: c(r).averageUtilization, currentAverageValue: quantity(c(r).averageValue), container: r.container ?? '' });
  }
  if (m.external) {
    out.external = omitUnset({ metricName: m.external.metric?.name ?? '', metricSelector: m.external.metric?.selector, currentValue: quantity(c(m.external).value), currentAverageValue: c(m.external).averageValue });
  }
  return out;
}

function v2MetricStatus(m: any): any {
  const out: any = { type: m.type };
  const metric = (name: string, selector: unknown) => omitUnset({ name: name ?? '', selector });
  if (m.object) {
    const o = m.object;
    out.object = { metric: metric(o.metricName, o.selector), current: omitUnset({ value: quantity(o.currentValue), averageValue: o.averageValue }), describedObject: crossVersionRef(o.target) };
  }
  if (m.pods) out.pods = { metric: metric(m.pods.metricName, m.pods.selector), current: { averageValue: quantity(m.pods.currentAverageValue) } };
  if (m.resource) out.resource = { name: m.resource.name, current: resourceCurrent(m.resource) };
  if (m.containerResource) out.containerResource = { name: m.containerResource.name, current: resourceCurrent(m.containerResource), container: m.containerResource.container ?? '' };
  if (m.external) {
    const e = m.external;
    out.external = { metric: metric(e.metricName, e.metricSelector), current: omitUnset({ value: quantity(e.currentValue), averageValue: e.currentAverageValue }) };
  }
  return out;
}

function resourceCurrent(source: any): any {
  return omitUnset({ averageValue: quantity(source.currentAverageValue), averageUtilization: source.currentAverageUtilization });
}

// ---- Behavior, in upstream's field-name JSON (Go's decoder matches names case-insensitively) ----

function internalBehavior(b: any): any {
  const rules = (r: any) =>
    r
      ? {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: r.policies ? r.policies.map((p: any) => ({ Type: p.type, Value: p.value, PeriodSeconds: p.periodSeconds })) : null,
        }
      : null;
  return { ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) };
}

function parseBehavior(text: string | undefined): any {
  const parsed = parseJson(text);
  if (!isObject(parsed)) return undefined;
  const rules = (r: unknown) => {
    if (!isObject(r)) return undefined;
    const policies = field(r, 'policies');
    return omitUnset({
      stabilizationWindowSeconds: field(r, 'stabilizationWindowSeconds') ?? undefined,
      selectPolicy: field(r, 'selectPolicy') ?? undefined,
      policies: Array.isArray(policies)
        ? policies.filter(isObject).map((p) => omitUnset({ type: field(p, 'type'), value: field(p, 'value'), periodSeconds: field(p, 'periodSeconds') }))
        : undefined,
    });
  };
  const behavior = omitUnset({ scaleUp: rules(field(parsed, 'scaleUp')), scaleDown: rules(field(parsed, 'scaleDown')) });
  return Object.keys(behavior).length > 0 ? behavior : undefined;
}

function field(obj: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

// ---- Small pieces ----

function v1Condition(c: any): any {
  return omitUnset({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime, reason: c.reason || undefined, message: c.message || undefined });
}

function crossVersionRef(ref: any): any {
  return omitUnset({ kind: ref?.kind ?? '', name: ref?.name ?? '', apiVersion: ref?.apiVersion || undefined });
}

/** A Quantity field that is not a pointer upstream: "0" when unset. */
function quantity(q: unknown): string {
  return q === undefined || q === null ? '0' : String(q);
}

function withoutRoundTrip(annotations: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => !roundTripAnnotations.includes(k)));
}

function withAnnotations(metadata: any, annotations: Record<string, string>): any {
  const { annotations: _dropped, ...rest } = metadata ?? {};
  return Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest;
}

function parseArray(text: string | undefined): any[] | undefined {
  const parsed = parseJson(text);
  return Array.isArray(parsed) ? parsed : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function omitUnset<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
