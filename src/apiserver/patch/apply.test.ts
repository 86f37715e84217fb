import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, lastAppliedAnnotation, updateManagedFields, type ApplyOptions } from './apply.ts';
import type { JsonObject } from './json.ts';
import type { PatchResult } from './result.ts';
import { deploymentSchema as schema } from './testSchema.ts';

const base = { apiVersion: 'apps/v1', kind: 'Deployment' };
const at = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, '0')}:00.500Z`;

function config(spec: object, metadata: object = {}): JsonObject {
  return { ...base, metadata: { name: 'web', ...metadata }, spec };
}

function apply(live: JsonObject | undefined, cfg: JsonObject, manager = 'kubectl', opts: Partial<ApplyOptions> = {}): PatchResult {
  return applyPatch(live, cfg, schema, { manager, force: false, apiVersion: 'apps/v1', now: at(0), ...opts });
}

function applied(live: JsonObject | undefined, cfg: JsonObject, manager = 'kubectl', opts: Partial<ApplyOptions> = {}): any {
  const r = apply(live, cfg, manager, opts);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.object;
}

function conflict(r: PatchResult) {
  assert.ok(!r.ok, 'expected a conflict');
  assert.equal(r.error.code, 409);
  assert.equal(r.error.reason, 'Conflict');
  return r.error;
}

/** Stored objects have a uid; updates go through updateManagedFields like every write. */
function stored(obj: JsonObject): any {
  return { ...obj, metadata: { ...(obj.metadata as object), uid: 'u-1' } };
}

function update(old: JsonObject | undefined, next: JsonObject, manager: string, minute = 1, extra: object = {}): any {
  return updateManagedFields(old, next, schema, { manager, operation: 'Update', apiVersion: 'apps/v1', now: at(minute), ...extra });
}

const managers = (obj: any) => obj.metadata.managedFields.map((e: any) => `${e.manager}/${e.operation}`);
const fieldsOf = (obj: any, manager: string) => obj.metadata.managedFields.find((e: any) => e.manager === manager)?.fieldsV1;

test('apply creates the object and records an Apply entry', () => {
  const obj = applied(undefined, config({ replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'nginx' }] } } }, { labels: { app: 'web' } }));
  assert.equal(obj.spec.replicas, 2);
  assert.deepEqual(obj.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
      },
    },
  ]);
});

test('re-applying the same configuration changes nothing, not even the time', () => {
  const cfg = config({ replicas: 2 });
  const first = stored(applied(undefined, cfg));
  const again = applied(first, cfg, 'kubectl', { now: at(5) });
  assert.deepEqual(again, first);
});

test('fields the manager no longer applies are removed', () => {
  const first = stored(applied(undefined, config({ replicas: 2, paused: true, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } }, { labels: { app: 'web', tier: 'x' } })));
  const next = applied(first, config({ replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } }, { labels: { app: 'web' } }));
  assert.equal('paused' in next.spec, false);
  assert.deepEqual(next.metadata.labels, { app: 'web' });
  assert.deepEqual(
    next.spec.template.spec.containers.map((c: any) => c.name),
    ['a'],
  );
});

test('a field another manager also owns is not removed when the applier drops it', () => {
  const first = stored(applied(undefined, config({ replicas: 2 }, { labels: { app: 'web' } })));
  const labelled = update(first, { ...first, metadata: { ...first.metadata, labels: { app: 'web', team: 'x' } } }, 'labeller');
  // labeller only changed .metadata.labels.team; kubectl still owns .metadata.labels.app
  assert.deepEqual(fieldsOf(labelled, 'labeller'), { 'f:metadata': { 'f:labels': { 'f:team': {} } } });
  const both = stored(applied(labelled, config({ replicas: 2 }, { labels: { app: 'web', team: 'x' } }), 'other'));
  const dropped = applied(both, config({ replicas: 2 }));
  assert.deepEqual(dropped.metadata.labels, { app: 'web', team: 'x' }, 'still owned by "other"');
  assert.equal(fieldsOf(dropped, 'kubectl')['f:metadata'], undefined);
});

test('fields nobody applied are left alone when an applier stops applying their parent', () => {
  const first = stored(applied(undefined, config({ template: { spec: { containers: [{ name: 'a', image: 'x' }] } } })));
  const edited = update(first, { ...first, spec: { template: { spec: { containers: [{ name: 'a', image: 'x', args: ['--v'] }] } } } }, 'editor');
  const next = applied(edited, config({ template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } }));
  assert.deepEqual(next.spec.template.spec.containers[0].args, ['--v']);
});

test('two appliers of the same value share ownership without conflict', () => {
  const one = stored(applied(undefined, config({ replicas: 2 }), 'one'));
  const two = applied(one, config({ replicas: 2 }), 'two', { now: at(7) });
  assert.deepEqual(fieldsOf(two, 'one'), fieldsOf(two, 'two'));
  // The object did not change, so upstream records no time for "two" (and sorts it first).
  assert.deepEqual(managers(two), ['two/Apply', 'one/Apply']);
  assert.equal(two.metadata.managedFields[0].time, undefined);
});

test('applying a value another manager owns is a conflict, worded as kube-apiserver words it', () => {
  const one = stored(applied(undefined, config({ replicas: 2 }), 'one'));
  const err = conflict(apply(one, config({ replicas: 3 }), 'two'));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "one": .spec.replicas');
  assert.deepEqual(err.details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "one"', field: '.spec.replicas' }] });
});

test('conflicts with Update managers name the apiVersion; several are grouped by manager', () => {
  const created = update(undefined, config({ replicas: 1, paused: false }, { labels: { app: 'web' } }), 'kubectl-client-side-apply');
  const scaled = update(stored(created), { ...stored(created), spec: { replicas: 5, paused: false } }, 'kubectl-scale', 2);
  const one = conflict(apply(stored(scaled), config({ replicas: 3 })));
  assert.equal(one.message, 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas');
  const many = conflict(apply(stored(scaled), config({ replicas: 3, paused: true }, { labels: { app: 'api' } })));
  assert.equal(
    many.message,
    'Apply failed with 3 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .metadata.labels.app\n- .spec.paused\nconflicts with "kubectl-scale" using apps/v1:\n- .spec.replicas',
  );
});

test('force takes ownership from the other managers', () => {
  const one = stored(applied(undefined, config({ replicas: 2, paused: true }), 'one'));
  const two = applied(one, config({ replicas: 3 }), 'two', { force: true });
  assert.equal(two.spec.replicas, 3);
  assert.deepEqual(fieldsOf(two, 'one'), { 'f:spec': { 'f:paused': {} } });
  assert.deepEqual(fieldsOf(two, 'two'), { 'f:spec': { 'f:replicas': {} } });
});

test('the first apply to an untracked object records what was there as before-first-apply', () => {
  const legacy = stored({ ...base, metadata: { name: 'web' }, spec: { replicas: 1, paused: true } });
  const err = conflict(apply(legacy, config({ replicas: 2 })));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  const same = applied(legacy, config({ replicas: 1 }));
  assert.deepEqual(managers(same), ['kubectl/Apply', 'before-first-apply/Update']);
  assert.deepEqual(fieldsOf(same, 'before-first-apply'), { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
});

test('kubectl taking over from client-side apply: recorded fields do not conflict, and the annotation follows', () => {
  const lastApplied = JSON.stringify(config({ replicas: 1 }));
  const created = stored(update(undefined, config({ replicas: 1 }, { annotations: { [lastAppliedAnnotation]: lastApplied } }), 'kubectl-client-side-apply'));
  const next = applied(created, config({ replicas: 4 }));
  assert.equal(next.spec.replicas, 4);
  assert.equal(next.metadata.annotations[lastAppliedAnnotation], '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":4}}\n');
  assert.deepEqual(fieldsOf(next, 'kubectl'), { 'f:spec': { 'f:replicas': {} } });
  // another manager name gets the conflict
  conflict(apply(created, config({ replicas: 4 }), 'helm'));
});

test('kubectl still conflicts on fields the client-side apply annotation does not record', () => {
  const lastApplied = JSON.stringify(config({ replicas: 1 }));
  const created = stored(update(undefined, config({ replicas: 1 }, { annotations: { [lastAppliedAnnotation]: lastApplied } }), 'kubectl-client-side-apply'));
  const scaled = stored(update(created, { ...created, spec: { replicas: 1, paused: true } }, 'other', 3));
  const err = conflict(apply(scaled, config({ replicas: 4, paused: false })));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "other" using apps/v1: .spec.paused');
});

test('updates: the writer owns what it changed, taken from others; removed fields are disowned', () => {
  const created = stored(update(undefined, config({ replicas: 1, paused: true }, { labels: { app: 'web' } }), 'creator'));
  assert.deepEqual(fieldsOf(created, 'creator'), { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  const edited = stored(update(created, { ...created, spec: { replicas: 3 } }, 'editor', 2));
  assert.deepEqual(fieldsOf(edited, 'creator'), { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } });
  assert.deepEqual(fieldsOf(edited, 'editor'), { 'f:spec': { 'f:replicas': {} } });
  assert.equal(edited.metadata.managedFields.find((e: any) => e.manager === 'editor').time, '2024-05-01T10:02:00Z');
});

test('an update that changes nothing keeps the managedFields as they were', () => {
  const created = stored(update(undefined, config({ replicas: 1 }), 'creator'));
  const same = update(created, created, 'someone', 9);
  assert.deepEqual(same.metadata.managedFields, created.metadata.managedFields);
});

test('an existing object without managedFields stays untracked; managedFields: [] clears them', () => {
  const legacy = stored(config({ replicas: 1 }));
  assert.equal(update(legacy, { ...legacy, spec: { replicas: 2 } }, 'x').metadata.managedFields, undefined);
  const tracked = stored(update(undefined, config({ replicas: 1 }), 'creator'));
  const cleared = update(tracked, { ...tracked, metadata: { ...tracked.metadata, managedFields: [] } }, 'x');
  assert.equal(cleared.metadata.managedFields, undefined);
});

test('managedFields sent with an update replace the stored ones; subresource writes ignore them', () => {
  const tracked = stored(update(undefined, config({ replicas: 1 }), 'creator'));
  const sent = [{ manager: 'imported', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  const replaced = update(tracked, { ...tracked, metadata: { ...tracked.metadata, managedFields: sent } }, 'x');
  assert.deepEqual(managers(replaced), ['imported/Update']);
  const status = update(tracked, { ...tracked, metadata: { ...tracked.metadata, managedFields: sent }, status: { replicas: 1 } }, 'kubelet', 2, { subresource: 'status', resetFields: [['spec']] });
  assert.deepEqual(managers(status), ['creator/Update', 'kubelet/Update']);
  assert.equal(status.metadata.managedFields[1].subresource, 'status');
});

test('reset fields are never owned', () => {
  const obj = applied(undefined, { ...config({ replicas: 1 }), status: { replicas: 1 } }, 'kubectl', { resetFields: [['status']] });
  assert.deepEqual(fieldsOf(obj, 'kubectl'), { 'f:spec': { 'f:replicas': {} } });
});

test('at most ten Update managers are kept; the oldest fold into ancient-changes', () => {
  let obj = stored(update(undefined, config({ replicas: 0 }), 'm0', 0));
  for (let i = 1; i <= 11; i++) obj = stored(update(obj, { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, [`l${i}`]: 'x' } } }, `m${i}`, i));
  const names = obj.metadata.managedFields.map((e: any) => e.manager);
  assert.equal(names.length, 10);
  assert.ok(names.includes('ancient-changes'));
  assert.ok(!names.includes('m0') && !names.includes('m1') && !names.includes('m2'));
  assert.deepEqual(fieldsOf(obj, 'ancient-changes'), { 'f:metadata': { 'f:labels': { '.': {}, 'f:l1': {}, 'f:l2': {} } }, 'f:spec': { 'f:replicas': {} } });
});

test('entries are sorted: Apply before Update, then by time', () => {
  let obj = stored(update(undefined, config({ replicas: 1 }), 'late', 9));
  obj = stored(applied(obj, config({ replicas: 1 }, { labels: { a: 'b' } }), 'applier', { now: at(30) }));
  obj = stored(update(obj, { ...obj, spec: { replicas: 1, paused: true } }, 'early', 3));
  assert.deepEqual(managers(obj), ['applier/Apply', 'early/Update', 'late/Update']);
});

test('the configuration must match the endpoint and must not carry managedFields', () => {
  const wrong = apply(undefined, { ...config({}), apiVersion: 'apps/v1beta1' });
  assert.ok(!wrong.ok);
  assert.equal(wrong.error.code, 400);
  assert.equal(wrong.error.message, 'invalid object type: apps/v1beta1, Kind=Deployment');
  const kind = apply(undefined, { ...config({}), kind: 'StatefulSet' });
  assert.ok(!kind.ok);
  assert.equal(kind.error.message, 'invalid object type: apps/v1, Kind=StatefulSet');
  const mf = apply(undefined, config({}, { managedFields: [] }));
  assert.ok(!mf.ok);
  assert.equal(mf.error.message, 'metadata.managedFields must be nil');
});

test('a configuration with fields the schema does not declare is refused as upstream does', () => {
  const r = apply(undefined, config({ replicas: 1, bogus: true }, { namespace: 'default' }));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 500);
  assert.equal(r.error.message, 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.bogus: field not declared in schema');
});

test('applying null removes a field (and takes it from its owners like any change)', () => {
  const one = stored(applied(undefined, config({ replicas: 2, paused: true }), 'one'));
  conflict(apply(one, config({ paused: null }), 'two'));
  const forced = applied(one, config({ paused: null }), 'two', { force: true });
  assert.equal('paused' in forced.spec, false);
});

test('without a schema (custom resources) maps merge per key and lists are atomic', () => {
  const cr = (spec: object): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
  const opts = { manager: 'a', force: false, apiVersion: 'example.com/v1', now: at(0) };
  const first = applyPatch(undefined, cr({ size: 1, tags: ['x', 'y'] }), undefined, opts);
  assert.ok(first.ok);
  assert.deepEqual((first.object as any).metadata.managedFields[0].fieldsV1, { 'f:spec': { '.': {}, 'f:size': {}, 'f:tags': {} } });
  const other = applyPatch({ ...first.object, metadata: { ...(first.object as any).metadata, uid: 'u' } }, cr({ color: 'red', tags: ['z'] }), undefined, { ...opts, manager: 'b' });
  assert.ok(!other.ok);
  assert.equal(other.error.message, 'Apply failed with 1 conflict: conflict with "a": .spec.tags');
});

test('an applier dropping a list item removes it, even where an updater set fields inside', () => {
  const first = stored(applied(undefined, config({ template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } })));
  const edited = stored(update(first, { ...first, spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y', args: ['--v'] }] } } } }, 'editor'));
  const next = applied(edited, config({ template: { spec: { containers: [{ name: 'a', image: 'x' }] } } }));
  assert.deepEqual(next.spec.template.spec.containers, [{ name: 'a', image: 'x' }]);
  assert.deepEqual(managers(next), ['kubectl/Apply']);
});

test('set-like lists are owned value by value', () => {
  const cfg = (finalizers: string[]) => ({ ...base, metadata: { name: 'web', finalizers } });
  const obj = stored(applied(undefined, cfg(['a.io/x'])));
  const other = applied(obj, cfg(['b.io/y']), 'other');
  assert.deepEqual(other.metadata.finalizers, ['a.io/x', 'b.io/y']);
  assert.deepEqual(fieldsOf(other, 'other'), { 'f:metadata': { 'f:finalizers': { 'v:"b.io/y"': {} } } });
});
