import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitRange } from './limitRange.ts';

test('the default table: NAME and CREATED AT', () => {
  assert.deepEqual(limitRange.columns!.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.equal(limitRange.columns![1].cell({ metadata: { creationTimestamp: '2024-05-01T10:00:00Z' } }), '2024-05-01T10:00:00Z');
});

test('container limits default from max, requests from the default then min', () => {
  const lr: any = { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } };
  limitRange.defaults!(lr);
  assert.deepEqual(lr.spec.limits[0].default, { cpu: '2' });
  assert.deepEqual(lr.spec.limits[0].defaultRequest, { cpu: '2', memory: '64Mi' });
  assert.deepEqual(limitRange.validate!(lr), []);
});

test('bounds in order, known types, no defaults for pods', () => {
  const errs = limitRange.validate!({ spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }, { type: 'Pod', default: { cpu: '1' } }, { type: 'Pod' }, { type: 'Widget' }] } });
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
    "spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'",
    'spec.limits[2].type: Duplicate value: "Pod"',
    'spec.limits[3].type: Invalid value: "Widget": must be a standard limit type or fully qualified',
  ]);
});
