import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PatchResult } from './result.ts';
import { applyStrategicMergePatch } from './strategicMerge.ts';
import { deploymentSchema } from './testSchema.ts';

function live() {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a.io/x', 'b.io/y'] },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:1', args: ['--a', '--b'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
            { name: 'sidecar', image: 'side:1' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'k1', operator: 'Exists' }],
        },
      },
    },
  };
}

function patched(patch: unknown, original: object = live()) {
  const r = applyStrategicMergePatch(original as any, patch, deploymentSchema);
  assert.ok(r.ok, r.ok ? '' : `${r.error.code} ${r.error.message} (${r.detail})`);
  return r.object as any;
}

function failure(r: PatchResult) {
  assert.ok(!r.ok, 'expected the patch to fail');
  return r;
}

test('maps merge, null deletes, scalars replace', () => {
  const out = patched({ metadata: { labels: { tier: null, env: 'prod' } }, spec: { replicas: 5 } });
  assert.deepEqual(out.metadata.labels, { app: 'web', env: 'prod' });
  assert.equal(out.spec.replicas, 5);
  assert.equal(out.spec.template.spec.containers.length, 2, 'untouched fields stay');
});

test('lists with strategy merge merge by key; the rest of the element is kept', () => {
  const out = patched({ spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } });
  const [app, sidecar] = out.spec.template.spec.containers;
  assert.equal(app.image, 'app:2');
  assert.deepEqual(app.args, ['--a', '--b']);
  assert.equal(sidecar.name, 'sidecar');
});

test('new merge-list items come before the live ones when nothing orders them (as upstream)', () => {
  const out = patched({ spec: { template: { spec: { containers: [{ name: 'third', image: 't:1' }] } } } });
  assert.deepEqual(
    out.spec.template.spec.containers.map((c: any) => c.name),
    ['third', 'app', 'sidecar'],
  );
});

test('patch items come in patch order, live-only items keep their place relative to them', () => {
  const original = { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] } } } };
  const out = patched({ spec: { template: { spec: { containers: [{ name: 'd', image: 'x' }, { name: 'new' }, { name: 'b', image: 'y' }] } } } }, original);
  assert.deepEqual(
    out.spec.template.spec.containers.map((c: any) => c.name),
    ['a', 'c', 'd', 'new', 'b'],
  );
});

test('lists without a merge strategy are replaced', () => {
  const out = patched({ spec: { template: { spec: { containers: [{ name: 'app', args: ['--c'] }], tolerations: [{ key: 'k2', operator: 'Exists' }] } } } });
  assert.deepEqual(out.spec.template.spec.containers[0].args, ['--c']);
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'k2', operator: 'Exists' }]);
});

test('primitive lists with strategy merge merge as sets', () => {
  const out = patched({ metadata: { finalizers: ['c.io/z', 'a.io/x'] } });
  assert.deepEqual(out.metadata.finalizers, ['c.io/z', 'a.io/x', 'b.io/y']);
});

test('$deleteFromPrimitiveList removes values from a primitive merge list', () => {
  const out = patched({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x'] } });
  assert.deepEqual(out.metadata.finalizers, ['b.io/y']);
});

test('$patch: delete in a merge list removes the keyed item', () => {
  const out = patched({ spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
  assert.deepEqual(
    out.spec.template.spec.containers.map((c: any) => c.name),
    ['app'],
  );
});

test('$patch: replace in a merge list replaces the whole list', () => {
  const out = patched({ spec: { template: { spec: { containers: [{ name: 'only', image: 'o:1' }, { $patch: 'replace' }] } } } });
  assert.deepEqual(out.spec.template.spec.containers, [{ name: 'only', image: 'o:1' }]);
});

test('$patch: replace in a map replaces the map; $patch: delete empties it', () => {
  const out = patched({ metadata: { labels: { $patch: 'replace', only: 'this' } } });
  assert.deepEqual(out.metadata.labels, { only: 'this' });
  const emptied = patched({ spec: { strategy: { $patch: 'delete' } } });
  assert.deepEqual(emptied.spec.strategy, {});
  const absent = patched({ spec: { selector: { $patch: 'delete' } } });
  assert.equal('selector' in absent.spec, false, 'a delete directive for a missing map adds nothing');
});

test('$retainKeys clears the live keys it does not list', () => {
  const out = patched({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
});

test('$retainKeys must list every key the patch sets (400)', () => {
  const r = failure(applyStrategicMergePatch(live(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 2 } } } }, deploymentSchema));
  assert.equal(r.error.code, 400);
  assert.equal(r.error.message, 'invalid patch format of retainKeys');
  const notList = failure(applyStrategicMergePatch(live(), { spec: { strategy: { $retainKeys: 'type' } } }, deploymentSchema));
  assert.equal(notList.error.code, 400);
});

test('$setElementOrder orders the merged list', () => {
  const out = patched({
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'app:3' }] } } },
  });
  assert.deepEqual(
    out.spec.template.spec.containers.map((c: any) => [c.name, c.image]),
    [
      ['sidecar', 'side:1'],
      ['app', 'app:3'],
    ],
  );
});

test('$setElementOrder for a primitive list, server-only items kept in place', () => {
  const original = { metadata: { finalizers: ['a', 'x', 'b', 'c'] } };
  const out = patched({ metadata: { '$setElementOrder/finalizers': ['c', 'b', 'a'] } }, original);
  assert.deepEqual(out.metadata.finalizers, ['x', 'c', 'b', 'a']);
});

test('$setElementOrder that contradicts the patch list is an error', () => {
  const r = failure(applyStrategicMergePatch(live(), { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'other' }] } } } }, deploymentSchema));
  assert.equal(r.error.code, 500);
  assert.match(r.error.message, /doesn't match \$setElementOrder list/);
});

test('malformed directive keys are a 400', () => {
  const order = failure(applyStrategicMergePatch(live(), { spec: { $setElementOrder: [] } }, deploymentSchema));
  assert.equal(order.error.code, 400);
  assert.equal(order.error.message, 'invalid patch format of setElementOrder list');
  const del = failure(applyStrategicMergePatch(live(), { metadata: { $deleteFromPrimitiveList: ['x'] } }, deploymentSchema));
  assert.equal(del.error.message, 'invalid patch format of primitive list');
});

test('an unknown $patch value, or merge in a list, is a 500', () => {
  const r = failure(applyStrategicMergePatch(live(), { metadata: { labels: { $patch: 'merge' } } }, deploymentSchema));
  assert.equal(r.error.code, 500);
  assert.match(r.error.message, /^unknown patch type: merge in map: map\[\$patch:merge\]/);
  const inList = failure(applyStrategicMergePatch(live(), { spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } }, deploymentSchema));
  assert.equal(inList.error.message, 'merging lists cannot yet be specified in the patch');
});

test('a merge-list item without its merge key is a 500', () => {
  const r = failure(applyStrategicMergePatch(live(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, deploymentSchema));
  assert.equal(r.error.code, 500);
  assert.equal(r.error.message, 'map: map[image:x] does not contain declared merge key: name');
});

test('lists of lists are refused with 422', () => {
  const original = { metadata: { finalizers: [['a']] } };
  const r = failure(applyStrategicMergePatch(original, { metadata: { finalizers: [['b']] } }, deploymentSchema));
  assert.equal(r.error.code, 422);
});

test('values taken whole from the patch lose nulls and directives', () => {
  const out = patched({ spec: { paused: true, selector: { matchLabels: { app: 'web', gone: null } } } });
  assert.deepEqual(out.spec.selector, { matchLabels: { app: 'web' } });
  const added = patched({ spec: { template: { spec: { containers: [{ name: 'new', image: null, env: [{ name: 'X', $patch: 'delete' }] }] } } } });
  assert.deepEqual(
    added.spec.template.spec.containers.find((c: any) => c.name === 'new'),
    { name: 'new', env: [{ name: 'X' }] },
  );
});

test('a value of another type replaces the live one', () => {
  const out = patched({ spec: { template: { spec: { volumes: 'none' } } } });
  assert.equal(out.spec.template.spec.volumes, 'none');
});

test('below a field of unknown schema maps merge and lists replace', () => {
  const original = { spec: { extra: { a: { b: 1, c: [1, 2] } } } };
  const out = patched({ spec: { extra: { a: { c: [3], d: true } } } }, original);
  assert.deepEqual(out.spec.extra, { a: { b: 1, c: [3], d: true } });
});

test('a map of structs cannot be merged below its entries, as upstream', () => {
  const original = { spec: { data: { x: { value: '1' } } } };
  const r = failure(applyStrategicMergePatch(original, { spec: { data: { x: { value: '2' } } } }, deploymentSchema));
  assert.equal(r.error.code, 500);
  assert.equal(r.error.message, 'merging an object in json but data type is not struct, instead is: map');
});

test('both sides being maps for a field the schema does not know is a 500', () => {
  const original = { spec: { bogus: { a: 1 } } };
  const r = failure(applyStrategicMergePatch(original, { spec: { bogus: { a: 2 } } }, deploymentSchema));
  assert.equal(r.error.message, 'unable to find api field in struct DeploymentSpec for the json field "bogus"');
});

test('no schema (custom resources) is 415 Unsupported Media Type', () => {
  const r = failure(applyStrategicMergePatch({ a: 1 }, { a: 2 }, undefined));
  assert.equal(r.error.code, 415);
  assert.equal(r.error.reason, 'UnsupportedMediaType');
});

test('a patch that is not an object is a 400; null changes nothing', () => {
  const r = failure(applyStrategicMergePatch(live(), [1], deploymentSchema));
  assert.equal(r.error.code, 400);
  assert.deepEqual(patched(null), live());
});

test('the input object and patch are not modified', () => {
  const original = live();
  const patch = { spec: { template: { spec: { containers: [{ name: 'app', image: 'z' }] } } } };
  patched(patch, original);
  assert.deepEqual(original, live());
  assert.deepEqual(patch, { spec: { template: { spec: { containers: [{ name: 'app', image: 'z' }] } } } });
});

test('key order: live keys keep their place, new keys follow', () => {
  const out = patched({ zeta: 1, metadata: { annotations: { a: 'b' } } });
  assert.deepEqual(Object.keys(out), ['apiVersion', 'kind', 'metadata', 'spec', 'zeta']);
  assert.deepEqual(Object.keys(out.metadata), ['name', 'labels', 'finalizers', 'annotations']);
});
