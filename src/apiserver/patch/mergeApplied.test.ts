import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeApplied, MergeError } from './mergeApplied.ts';
import { deploymentSchema as schema } from './testSchema.ts';

test('the configuration wins at leaves; maps merge; atomic values are replaced', () => {
  const live = { spec: { replicas: 1, paused: true, selector: { matchLabels: { a: '1', b: '2' } }, template: { spec: { nodeSelector: { x: '1' } } } } };
  const config = { spec: { replicas: 3, selector: { matchLabels: { a: '1' } }, template: { spec: { nodeSelector: { y: '2' } } } } };
  assert.deepEqual(mergeApplied(live, config, schema), { spec: { replicas: 3, paused: true, selector: { matchLabels: { a: '1' } }, template: { spec: { nodeSelector: { y: '2' } } } } });
});

test('configuration items in its order, live-only items stay near their neighbours', () => {
  const containers = (names: string[]) => ({ spec: { template: { spec: { containers: names.map((name) => ({ name })) } } } });
  const order = (v: unknown) => (v as any).spec.template.spec.containers.map((c: any) => c.name);
  assert.deepEqual(order(mergeApplied(containers(['a', 'b', 'c']), containers(['b', 'd']), schema)), ['a', 'b', 'c', 'd']);
  assert.deepEqual(order(mergeApplied(containers(['a', 'b', 'c']), containers(['c', 'a']), schema)), ['b', 'c', 'a']);
  assert.deepEqual(order(mergeApplied(containers(['a', 'x', 'b']), containers(['new', 'b', 'a']), schema)), ['x', 'new', 'b', 'a']);
});

test('list items merge by key, and keys take schema defaults', () => {
  const live = { spec: { template: { spec: { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }] } } } };
  const config = { spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } } } };
  assert.deepEqual(mergeApplied(live, config, schema), live);
});

test('duplicated keys in the configuration cannot merge', () => {
  const config = { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } } };
  assert.throws(() => mergeApplied({}, config, schema), MergeError);
});
