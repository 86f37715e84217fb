import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBuiltinSchemas } from '../api/schema/builtinSchemas.ts';
import { requiredFieldErrors, walkSchema } from './fieldValidation.ts';

const deployment = () => loadBuiltinSchemas().byKind({ group: 'apps', version: 'v1', kind: 'Deployment' })!;

test('unknown fields are reported by path, with list indexes', () => {
  const found = walkSchema({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicaz: 1, template: { spec: { containers: [{ name: 'c', colour: 'red' }] } } } }, deployment());
  assert.deepEqual(found.unknown, ['spec.replicaz', 'spec.template.spec.containers[0].colour']);
  assert.deepEqual(found.typeErrors, []);
});

test('a value of the wrong type is worded as the Go decoder words it', () => {
  const found = walkSchema({ spec: { replicas: 'three' } }, deployment());
  assert.deepEqual(found.typeErrors, ['json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32']);
});

test('int-or-string and quantities take numbers and strings', () => {
  const found = walkSchema({ spec: { strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } }, template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: 0.5, memory: '1Gi' } } }] } } } }, deployment());
  assert.deepEqual(found, { unknown: [], typeErrors: [] });
});

test('labels and annotations are free-form maps of strings', () => {
  const found = walkSchema({ metadata: { labels: { a: 'b' }, annotations: { c: 1 } } }, deployment());
  assert.equal(found.typeErrors.length, 1);
  assert.match(found.typeErrors[0], /cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations/);
});

test('required fields missing are Required value errors', () => {
  const errors = requiredFieldErrors({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, deployment());
  assert.deepEqual(errors.map((e) => e.field), ['spec.selector', 'spec.template.spec.containers[0].name']);
});
