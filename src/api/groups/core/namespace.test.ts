import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespace } from './namespace.ts';

test('a new namespace is Active, finalized by kubernetes and labelled with its name', () => {
  const ns: any = { metadata: { name: 'team-a', labels: { owner: 'me' } }, spec: { finalizers: ['example.com/x'] } };
  namespace.defaults!(ns);
  namespace.prepareForCreate!(ns);
  assert.deepEqual(ns.metadata.labels, { owner: 'me', 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(ns.spec.finalizers, ['example.com/x', 'kubernetes']);
  assert.equal(ns.status.phase, 'Active');
  const finalized: any = { metadata: { name: 'x' }, spec: { finalizers: [] }, status: { phase: 'Terminating' } };
  namespace.defaults!(finalized);
  assert.deepEqual(finalized.spec.finalizers, [], 'updates never bring the finalizer back');
  assert.equal(finalized.status.phase, 'Terminating');
});

test('spec finalizers are standard or domain-qualified', () => {
  assert.deepEqual(namespace.validate!({ spec: { finalizers: ['kubernetes', 'example.com/cleanup'] } }), []);
  assert.deepEqual(namespace.validate!({ spec: { finalizers: ['cleanup'] } }), [
    { type: 'FieldValueInvalid', field: 'spec.finalizers', message: 'Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified' },
  ]);
});

test('STATUS column and status.phase field selector', () => {
  const ns = { status: { phase: 'Terminating' } };
  assert.equal(namespace.columns![0].cell(ns), 'Terminating');
  assert.equal(namespace.fieldSelectors!['status.phase'](ns), 'Terminating');
});
