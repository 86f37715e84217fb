import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoscalingKinds } from './autoscaling.ts';
import { hpaV1FromV2, hpaV2FromV1 } from './autoscaling/hpaV1.ts';

const hpa = autoscalingKinds[0];
const cells = (obj: any) => Object.fromEntries((hpa.columns ?? []).map((c) => [c.name, c.cell(obj)]));
const messages = (errors: { field: string; message: string }[]) => errors.map((e) => `${e.field}: ${e.message}`);
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

function v2(spec: any = {}): any {
  const obj = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: target, maxReplicas: 10, ...spec } };
  hpa.defaults!(obj);
  return obj;
}

const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } };
const requests = { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } };

test('an autoscaler defaults to one minimum replica and 80% CPU', () => {
  const h = v2();
  assert.equal(h.spec.minReplicas, 1);
  assert.deepEqual(h.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.equal(h.spec.behavior, undefined);
  assert.deepEqual(hpa.validate!(h), []);
});

test('a given behavior is completed with upstream scaling rules', () => {
  const h = v2({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
  assert.deepEqual(h.spec.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
});

test('TARGETS shows current against target per metric, two at most', () => {
  const h = v2({ minReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }, memory, requests] });
  h.status = { currentReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '120m' } } }] };
  assert.deepEqual(cells(h), { Reference: 'Deployment/web', Targets: 'cpu: 42%/50%, memory: <unknown>/500Mi + 1 more...', MinPods: '2', MaxPods: 10, Replicas: 3, Age: '<unknown>' });
  assert.equal(cells(v2({ metrics: [requests] })).Targets, '<unknown>/10');
});

test('replica bounds and metric sources are validated as upstream', () => {
  assert.deepEqual(messages(hpa.validate!(v2({ minReplicas: 5, maxReplicas: 3 }))), ['spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`']);
  assert.deepEqual(messages(hpa.validate!(v2({ minReplicas: 0 }))), [
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
  ]);
  assert.deepEqual(messages(hpa.validate!(v2({ scaleTargetRef: { kind: 'Deployment' } }))), ['spec.scaleTargetRef.name: Required value']);
  const both = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50, averageValue: '100m' } } };
  assert.deepEqual(messages(hpa.validate!(v2({ metrics: [both] }))), ['spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization']);
  assert.deepEqual(messages(hpa.validate!(v2({ metrics: [{ type: 'Pods', resource: memory.resource }] }))), ['spec.metrics[0].pods: Required value: must populate information for the given metric source']);
  assert.deepEqual(messages(hpa.validate!(v2({ metrics: [{ ...requests, resource: memory.resource }] }))), ['spec.metrics[0].resource: Forbidden: must populate the given metric source only']);
});

test('autoscaling/v1 shows the CPU target; a v1 write without metrics targets 80% CPU', () => {
  const h = v2({ metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] });
  assert.deepEqual(hpaV1FromV2(h), {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: target, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 60 },
    status: { currentReplicas: 0, desiredReplicas: 0 },
  });
  const fromV1 = hpaV2FromV1({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: target, maxReplicas: 4 } });
  assert.deepEqual(fromV1.spec, { scaleTargetRef: target, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] });
});

test('what v1 cannot say rides in annotations and comes back unchanged', () => {
  const h = v2({ minReplicas: 2, metrics: [memory, { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }, requests], behavior: { scaleDown: { stabilizationWindowSeconds: 30 } } });
  h.metadata.annotations = { team: 'web' };
  h.status = {
    currentReplicas: 2, desiredReplicas: 3,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '450m' } } }],
    conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'ReadyForNewScale' }],
  };
  const v1 = hpaV1FromV2(h);
  assert.equal(v1.spec.targetCPUUtilizationPercentage, 70);
  assert.equal(v1.status.currentCPUUtilizationPercentage, 90);
  assert.deepEqual(JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics']), [
    { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
    { type: 'Pods', pods: { metricName: 'requests_per_second', targetAverageValue: '10' } },
  ]);
  assert.deepEqual(JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/behavior']).ScaleDown, {
    StabilizationWindowSeconds: 30, SelectPolicy: 'Max', Policies: [{ Type: 'Percent', Value: 100, PeriodSeconds: 15 }],
  });
  assert.equal(v1.metadata.annotations.team, 'web');

  const back = hpaV2FromV1(v1);
  assert.deepEqual(back.metadata, h.metadata);
  // The CPU target comes back after the others, as upstream orders them.
  assert.deepEqual(back.spec.metrics, [memory, requests, h.spec.metrics[1]]);
  assert.deepEqual(back.spec.behavior, h.spec.behavior);
  assert.deepEqual(back.status, h.status);
});
