import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceQuota } from './resourceQuota.ts';

test('REQUEST and LIMIT show used/hard from status, limits apart', () => {
  const q = { status: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '4Gi' }, used: { pods: '3', 'requests.cpu': '500m' } } };
  const [request, limit] = resourceQuota.columns!;
  assert.equal(request.cell(q), 'pods: 3/10, requests.cpu: 500m/2');
  assert.equal(limit.cell(q), 'limits.memory: 0/4Gi');
});

test('hard limits: quota resource names, non-negative, whole counts', () => {
  assert.deepEqual(resourceQuota.validate!({ spec: { hard: { pods: '10', 'requests.cpu': '1', 'count/deployments.apps': '5' } } }), []);
  const errs = resourceQuota.validate!({ spec: { hard: { pods: '1.5', cpu: '-1', bogus: '1' } } });
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    'spec.hard[pods]: Invalid value: "1.5": must be an integer',
    'spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    'spec.hard[bogus]: Invalid value: "bogus": must be a standard resource type or fully qualified',
    'spec.hard[bogus]: Invalid value: "bogus": must be a standard resource for quota',
  ]);
});

test('scopes: known, fitting the resources, not conflicting, fixed after creation', () => {
  assert.deepEqual(resourceQuota.validate!({ spec: { hard: { pods: '1' }, scopes: ['BestEffort'] } }), []);
  assert.deepEqual(resourceQuota.validate!({ spec: { hard: { cpu: '1' }, scopes: ['BestEffort'] } }).map((e) => e.message), ['Invalid value: []string{"BestEffort"}: unsupported scope applied to resource']);
  assert.deepEqual(resourceQuota.validate!({ spec: { hard: { pods: '1' }, scopes: ['Terminating', 'NotTerminating'] } }).map((e) => e.message), ['Invalid value: []string{"Terminating", "NotTerminating"}: conflicting scopes']);
  assert.deepEqual(resourceQuota.validate!({ spec: { hard: { pods: '1' }, scopes: ['Terminating'] } }, { spec: { scopes: [] } }).map((e) => e.field), ['spec.scopes']);
});
