import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMergePatch } from './mergePatch.ts';

function merged(doc: object, patch: unknown) {
  const r = applyMergePatch(doc as any, patch);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.object;
}

// The examples of RFC 7386 appendix A.
test('RFC 7386 examples', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [doc, patch, want] of cases) assert.deepEqual(merged(doc as object, patch), want, JSON.stringify([doc, patch]));
});

test('lists replace whole; existing keys keep their order and new keys follow', () => {
  const out = merged({ spec: { replicas: 1, list: [1, 2, 3] }, z: 1 }, { a: 1, spec: { list: [9] } });
  assert.deepEqual(Object.keys(out), ['spec', 'z', 'a']);
  assert.deepEqual(out.spec, { replicas: 1, list: [9] });
});

test('nulls inside values taken from the patch are dropped', () => {
  assert.deepEqual(merged({}, { a: { b: null, c: [{ d: null, e: 1 }] } }), { a: { c: [{ e: 1 }] } });
});

test('a null or scalar patch is a 400; an array patch leaves no object (422)', () => {
  for (const patch of [null, 1, 'x', true]) {
    const r = applyMergePatch({ a: 1 }, patch);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 400);
    assert.equal(r.error.message, 'Invalid JSON Patch');
  }
  const r = applyMergePatch({ a: 1 }, [1]);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 422);
});

test('the input document is not modified', () => {
  const doc = { a: { b: 1 } };
  merged(doc, { a: { b: 2 } });
  assert.deepEqual(doc, { a: { b: 1 } });
});
