import assert from 'node:assert/strict';
import { test } from 'node:test';
import { field, keyElement, parseElement, pathString, serializeElement, type Path } from './fieldPath.ts';
import { difference, fromFieldsV1, has, intersection, isEmpty, paths, recursiveDifference, setOf, toFieldsV1, union } from './fieldSet.ts';

const f = field;
const k = (fields: Record<string, unknown>) => keyElement(Object.entries(fields));
const p = (...parts: (string | ReturnType<typeof keyElement>)[]): Path => parts.map((x) => (typeof x === 'string' ? f(x) : x));

test('path elements serialize as managedFields keys', () => {
  assert.equal(serializeElement(f('replicas')), 'f:replicas');
  assert.equal(serializeElement(k({ protocol: 'TCP', containerPort: 80 })), 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(serializeElement({ kind: 'value', value: 'a<b' }), 'v:"a\\u003cb"');
  assert.equal(serializeElement({ kind: 'index', index: 3 }), 'i:3');
  assert.deepEqual(parseElement('k:{"name":"app"}'), k({ name: 'app' }));
  assert.equal(parseElement('x:whatever'), undefined);
  assert.throws(() => parseElement('f'));
});

test('paths print as in conflict messages', () => {
  assert.equal(pathString(p('spec', 'template', 'spec', 'containers', k({ name: 'nginx' }), 'image')), '.spec.template.spec.containers[name="nginx"].image');
  assert.equal(pathString([f('ports'), k({ containerPort: 80, protocol: 'TCP' })]), '.ports[containerPort=80,protocol="TCP"]');
  assert.equal(pathString([f('finalizers'), { kind: 'value', value: 'a' }]), '.finalizers[="a"]');
});

test('FieldsV1: "." marks a node that is a member and a parent; keys are sorted as upstream', () => {
  const set = setOf([
    p('spec', 'replicas'),
    p('metadata', 'labels', 'app'),
    p('spec', 'template', 'spec', 'containers', k({ name: 'b' })),
    p('spec', 'template', 'spec', 'containers', k({ name: 'b' }), 'image'),
    p('spec', 'template', 'spec', 'containers', k({ name: 'a' })),
  ]);
  const fields = toFieldsV1(set);
  assert.equal(
    JSON.stringify(fields),
    '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"a\\"}":{},"k:{\\"name\\":\\"b\\"}":{".":{},"f:image":{}}}}}}}',
  );
  const back = fromFieldsV1(fields);
  assert.deepEqual(paths(back).map(pathString), paths(set).map(pathString));
  assert.ok(has(back, p('spec', 'template', 'spec', 'containers', k({ name: 'b' }))));
  assert.ok(!has(back, p('spec', 'template')));
});

test('fields order before keys, keys before values', () => {
  const set = setOf([[f('l'), { kind: 'value', value: 'x' }], [f('l'), k({ a: 1 })], [f('l'), f('z')]]);
  assert.deepEqual(Object.keys(toFieldsV1(set)['f:l'] as object), ['f:z', 'k:{"a":1}', 'v:"x"']);
});

test('set algebra works per path', () => {
  const a = setOf([p('a'), p('b', 'c'), p('b', 'd')]);
  const b = setOf([p('b', 'c'), p('e')]);
  assert.deepEqual(paths(union(a, b)).map(pathString), ['.a', '.e', '.b.c', '.b.d']);
  assert.deepEqual(paths(difference(a, b)).map(pathString), ['.a', '.b.d']);
  assert.deepEqual(paths(intersection(a, b)).map(pathString), ['.b.c']);
  assert.ok(isEmpty(difference(a, a)));
  // A member removes only itself in a difference, itself and all below in a recursive one.
  const parent = setOf([p('b')]);
  assert.deepEqual(paths(difference(a, parent)).map(pathString), ['.a', '.b.c', '.b.d']);
  assert.deepEqual(paths(recursiveDifference(a, parent)).map(pathString), ['.a']);
});
