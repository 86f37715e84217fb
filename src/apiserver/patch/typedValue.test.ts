import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathString } from './fieldPath.ts';
import { fromFieldsV1, paths, toFieldsV1, type FieldSet } from './fieldSet.ts';
import { deploymentSchema as schema } from './testSchema.ts';
import { compare, fieldSetOf, removeItems, validate, withNamedFields } from './typedValue.ts';

const list = (s: FieldSet) => paths(s).map(pathString);

test('an applied configuration owns leaves, items, atomic values and map entries', () => {
  const config = {
    metadata: { labels: { app: 'web' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      strategy: {},
      template: { spec: { containers: [{ name: 'app', args: ['x'], ports: [{ containerPort: 80 }] }], nodeSelector: { disk: 'ssd' } } },
    },
  };
  assert.deepEqual(toFieldsV1(fieldSetOf(config, schema)), {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:selector': {},
      'f:strategy': {},
      'f:template': {
        'f:spec': {
          'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:args': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } },
          'f:nodeSelector': {},
        },
      },
    },
  });
});

test('set lists own their values; unknown subtrees own map entries, lists whole', () => {
  const set = fieldSetOf({ metadata: { finalizers: ['a', 'b'] }, spec: { extra: { x: { y: 1 }, l: [1] } } }, schema);
  assert.deepEqual(list(set), ['.metadata.finalizers[="a"]', '.metadata.finalizers[="b"]', '.spec.extra.l', '.spec.extra.x', '.spec.extra.x.y']);
});

test('compare: changed leaves are modified; items and maps that appear are added with their contents', () => {
  const before = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } };
  const after = { metadata: { labels: { app: 'w' } }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } };
  const c = compare(before, after, schema);
  assert.deepEqual(list(c.modified), ['.spec.replicas']);
  assert.deepEqual(list(c.added), ['.metadata.labels', '.metadata.labels.app', '.spec.template.spec.containers[name="b"]', '.spec.template.spec.containers[name="b"].image', '.spec.template.spec.containers[name="b"].name']);
  assert.deepEqual(list(c.removed), []);
  const back = compare(after, before, schema);
  assert.deepEqual(list(back.removed), list(c.added));
});

test('compare: a struct field that appears counts through its contents only', () => {
  const c = compare({ spec: {} as object }, { spec: { strategy: { type: 'Recreate' } } }, schema);
  assert.deepEqual(list(c.added), ['.spec.strategy.type']);
});

test('removeItems drops fields, items and entries; emptied maps become null', () => {
  const value = { metadata: { labels: { app: 'w' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } } };
  const set = fromFieldsV1({ 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"a"}': {} } } } } });
  assert.deepEqual(removeItems(value, set, schema), { metadata: { labels: null }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'b' }] } } } });
});

test('withNamedFields makes struct fields with owned children members, not map keys', () => {
  const set = fromFieldsV1({ 'f:metadata': { 'f:labels': { 'f:app': {} } } });
  assert.deepEqual(list(withNamedFields(set, schema)), ['.metadata', '.metadata.labels', '.metadata.labels.app']);
  const entries = fromFieldsV1({ 'f:spec': { 'f:data': { 'f:x': { 'f:value': {} } } } });
  assert.deepEqual(list(withNamedFields(entries, schema)), ['.spec', '.spec.data', '.spec.data.x.value']);
});

test('validate: undeclared fields, bad items and duplicates, worded as upstream', () => {
  assert.deepEqual(validate({ spec: { replicas: 1, bogus: 1 } }, schema), ['.spec.bogus: field not declared in schema']);
  assert.deepEqual(validate({ spec: { replicas: 'x' } }, schema), ['.spec.replicas: expected numeric (int or float), got string']);
  assert.deepEqual(validate({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, schema), [
    '.spec.template.spec.containers: element 0: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)',
  ]);
  assert.deepEqual(validate({ spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } } }, schema), ['.spec.template.spec.containers: duplicate entries for key [name="a"]']);
  assert.deepEqual(validate({ spec: { extra: { anything: [1, { x: null }] } } }, schema), []);
});
