import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyJsonPatch, maxJSONPatchOperations } from './jsonPatch.ts';
import type { PatchResult } from './result.ts';

const doc = () => ({ metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x', 'c~d': 'y' } }, spec: { list: ['a', 'b', 'c'] } });

function ok(r: PatchResult) {
  assert.ok(r.ok, r.ok ? '' : `${r.error.message} (${r.detail})`);
  return r.object;
}

function notApplicable(r: PatchResult) {
  assert.ok(!r.ok);
  assert.equal(r.error.code, 422);
  assert.equal(r.error.reason, 'Invalid');
  assert.equal(r.error.message, 'the server rejected our request due to an error in our request');
  return r.detail;
}

test('add sets a member, inserts into a list, and appends with -', () => {
  const out = ok(
    applyJsonPatch(doc(), [
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
      { op: 'add', path: '/spec/list/1', value: 'x' },
      { op: 'add', path: '/spec/list/-', value: 'z' },
      { op: 'add', path: '/spec/list/5', value: 'end' },
    ]),
  );
  assert.deepEqual(out.spec, { list: ['a', 'x', 'b', 'c', 'z', 'end'] });
  assert.equal((out.metadata as any).labels.tier, 'front');
});

test('add past the end of a list or below a missing parent does not apply', () => {
  assert.match(notApplicable(applyJsonPatch(doc(), [{ op: 'add', path: '/spec/list/4', value: 'x' }]))!, /invalid index/);
  assert.match(notApplicable(applyJsonPatch(doc(), [{ op: 'add', path: '/spec/missing/x', value: 1 }]))!, /missing path/);
});

test('~1 and ~0 escape / and ~ in paths', () => {
  const out = ok(
    applyJsonPatch(doc(), [
      { op: 'replace', path: '/metadata/labels/a~1b', value: 'X' },
      { op: 'remove', path: '/metadata/labels/c~0d' },
    ]),
  );
  assert.deepEqual((out.metadata as any).labels, { app: 'web', 'a/b': 'X' });
});

test('remove deletes members and list items; a missing member does not apply', () => {
  const out = ok(applyJsonPatch(doc(), [{ op: 'remove', path: '/spec/list/0' }, { op: 'remove', path: '/metadata/labels' }]));
  assert.deepEqual(out, { metadata: { name: 'web' }, spec: { list: ['b', 'c'] } });
  assert.match(notApplicable(applyJsonPatch(doc(), [{ op: 'remove', path: '/metadata/nope' }]))!, /nonexistent key/);
});

test('negative indexes count from the end, as upstream allows', () => {
  const out = ok(applyJsonPatch(doc(), [{ op: 'remove', path: '/spec/list/-1' }, { op: 'replace', path: '/spec/list/-2', value: 'A' }]));
  assert.deepEqual(out.spec, { list: ['A', 'b'] });
});

test('replace swaps values; a missing list index does not apply, a missing member is added', () => {
  const out = ok(applyJsonPatch(doc(), [{ op: 'replace', path: '/metadata/name', value: 'api' }, { op: 'replace', path: '/spec/new', value: 1 }]));
  assert.equal((out.metadata as any).name, 'api');
  assert.equal((out.spec as any).new, 1);
  notApplicable(applyJsonPatch(doc(), [{ op: 'replace', path: '/spec/list/3', value: 'x' }]));
});

test('move and copy take the value from `from`', () => {
  const out = ok(
    applyJsonPatch(doc(), [
      { op: 'copy', from: '/metadata/labels', path: '/spec/labels' },
      { op: 'move', from: '/spec/list/0', path: '/spec/list/-' },
      { op: 'move', from: '/metadata/name', path: '/spec/name' },
    ]),
  );
  assert.deepEqual(out.spec, { list: ['b', 'c', 'a'], labels: { app: 'web', 'a/b': 'x', 'c~d': 'y' }, name: 'web' });
  assert.equal((out.metadata as any).name, undefined);
  // the copy is a copy
  (out.spec as any).labels.app = 'changed';
  assert.equal((out.metadata as any).labels.app, 'web');
  notApplicable(applyJsonPatch(doc(), [{ op: 'move', from: '/nope', path: '/x' }]));
});

test('test compares structurally; a failure aborts the whole patch', () => {
  ok(applyJsonPatch(doc(), [{ op: 'test', path: '/spec', value: { list: ['a', 'b', 'c'] } }, { op: 'test', path: '/metadata/labels/app', value: 'web' }]));
  const input = doc();
  const detail = notApplicable(applyJsonPatch(input, [{ op: 'replace', path: '/metadata/name', value: 'x' }, { op: 'test', path: '/metadata/name', value: 'web' }]));
  assert.match(detail!, /testing value \/metadata\/name failed/);
  assert.equal(input.metadata.name, 'web', 'the input is never modified');
});

test('test treats a missing member as null', () => {
  ok(applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/missing', value: null }]));
  notApplicable(applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/missing', value: 'x' }]));
  notApplicable(applyJsonPatch(doc(), [{ op: 'test', path: '/spec/list/9', value: null }]));
});

test('an unknown op does not apply', () => {
  assert.match(notApplicable(applyJsonPatch(doc(), [{ op: 'frob', path: '/x' }]))!, /Unexpected kind: frob/);
});

test('a body that is not a list of operations is a 400', () => {
  for (const body of [{ op: 'add' }, 'x', [1]]) {
    const r = applyJsonPatch(doc(), body);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 400);
    assert.match(r.error.message, /^json: cannot unmarshal/);
  }
});

test('more operations than upstream allows is a 413', () => {
  const ops = Array.from({ length: maxJSONPatchOperations + 1 }, () => ({ op: 'test', path: '/metadata/name', value: 'web' }));
  const r = applyJsonPatch(doc(), ops);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 413);
  assert.equal(r.error.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
});

test('replacing the whole document with a non-object is refused', () => {
  const r = applyJsonPatch(doc(), [{ op: 'replace', path: '', value: [1] }]);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 422);
  const whole = ok(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: { a: 1 } }]));
  assert.deepEqual(whole, { a: 1 });
});
