import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, OwnerReference } from '../../api/kind.ts';
import { blocksOwner, deletingObjectAction, dependentAction, needsAttention, ownerStateOf, type OwnerState } from './decisions.ts';

const ref = (uid: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${uid}`, uid, ...extra });

function obj(uid: string, meta: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject {
  return { metadata: { name: `o-${uid}`, namespace: 'ns', uid, resourceVersion: '1', ...meta } };
}

const deleting = { deletionTimestamp: '2024-01-01T00:00:00Z' };
const states = (entries: Record<string, OwnerState>) => new Map(Object.entries(entries));

test('an owner is dangling when absent or replaced by an object of another uid', () => {
  assert.equal(ownerStateOf(undefined, 'a'), 'dangling');
  assert.equal(ownerStateOf(obj('b'), 'a'), 'dangling');
  assert.equal(ownerStateOf(obj('a'), 'a'), 'solid');
  assert.equal(ownerStateOf(obj('a', { ...deleting, finalizers: ['foregroundDeletion'] }), 'a'), 'waitingForDependents');
  // Deleting without the foreground finalizer (background, or graceful) still holds its dependents.
  assert.equal(ownerStateOf(obj('a', { ...deleting, finalizers: ['example.com/x'] }), 'a'), 'solid');
});

test('a dependent whose only owner is gone is deleted in the background', () => {
  const pod = obj('p', { ownerReferences: [ref('a')] });
  assert.deepEqual(dependentAction(pod, states({ a: 'dangling' }), []), { type: 'delete', propagationPolicy: 'Background', unblockOwnerReferences: false });
});

test('a dependent keeps living while any owner does, losing its references to gone owners', () => {
  const pod = obj('p', { ownerReferences: [ref('a'), ref('b'), ref('c')] });
  assert.deepEqual(dependentAction(pod, states({ a: 'solid', b: 'dangling', c: 'waitingForDependents' }), []), { type: 'removeOwnerReferences', uids: ['b', 'c'] });
  assert.deepEqual(dependentAction(pod, states({ a: 'solid', b: 'solid', c: 'solid' }), []), { type: 'none' });
});

test("a collected dependent's own finalizers choose how its dependents go", () => {
  const orphaning = obj('p', { ownerReferences: [ref('a')], finalizers: ['orphan'] });
  assert.equal((dependentAction(orphaning, states({ a: 'dangling' }), []) as any).propagationPolicy, 'Orphan');
  const foreground = obj('p', { ownerReferences: [ref('a')], finalizers: ['foregroundDeletion'] });
  assert.equal((dependentAction(foreground, states({ a: 'dangling' }), []) as any).propagationPolicy, 'Foreground');
});

test('under a foreground-deleting owner, a dependent with dependents of its own goes in the foreground', () => {
  const rs = obj('rs', { ownerReferences: [ref('d')] });
  const pod = obj('p', { ownerReferences: [ref('rs')] });
  assert.deepEqual(dependentAction(rs, states({ d: 'waitingForDependents' }), [pod]), { type: 'delete', propagationPolicy: 'Foreground', unblockOwnerReferences: false });
  // Without dependents there is nothing to wait for: background.
  assert.deepEqual(dependentAction(rs, states({ d: 'waitingForDependents' }), []), { type: 'delete', propagationPolicy: 'Background', unblockOwnerReferences: false });
});

test('a dependent that is itself waited on by a foreground-deleting dependent unblocks its references first (cycle)', () => {
  const rs = obj('rs', { ownerReferences: [ref('d', { blockOwnerDeletion: true })] });
  const waiting = obj('p', { ...deleting, finalizers: ['foregroundDeletion'], ownerReferences: [ref('rs')] });
  assert.deepEqual(dependentAction(rs, states({ d: 'waitingForDependents' }), [waiting]), { type: 'delete', propagationPolicy: 'Foreground', unblockOwnerReferences: true });
});

test('objects already being deleted, or without owners, are left alone', () => {
  assert.deepEqual(dependentAction(obj('p', { ...deleting, ownerReferences: [ref('a')] }), states({ a: 'dangling' }), []), { type: 'none' });
  assert.deepEqual(dependentAction(obj('p'), states({}), []), { type: 'none' });
});

test('an owner deleted with Orphan lets go of its dependents', () => {
  const owner = obj('a', { ...deleting, finalizers: ['orphan'] });
  assert.deepEqual(deletingObjectAction(owner, [obj('p', { ownerReferences: [ref('a')] })]), { type: 'orphanDependents' });
});

test('an owner deleted in the foreground waits only for dependents that block it', () => {
  const owner = obj('a', { ...deleting, finalizers: ['foregroundDeletion'] });
  const blocking = obj('p', { ownerReferences: [ref('a', { blockOwnerDeletion: true })] });
  const nonBlocking = obj('q', { ownerReferences: [ref('a', { blockOwnerDeletion: false })] });
  assert.deepEqual(deletingObjectAction(owner, [blocking, nonBlocking]), { type: 'deleteDependents' });
  assert.deepEqual(deletingObjectAction(owner, [nonBlocking]), { type: 'removeForegroundFinalizer' });
  assert.deepEqual(deletingObjectAction(owner, []), { type: 'removeForegroundFinalizer' });
  assert.equal(blocksOwner(blocking, 'a'), true);
  assert.equal(blocksOwner(nonBlocking, 'a'), false);
});

test('an object deleted without collector finalizers needs nothing from the collector', () => {
  assert.deepEqual(deletingObjectAction(obj('a', { ...deleting, finalizers: ['example.com/x'] }), []), { type: 'none' });
  assert.deepEqual(deletingObjectAction(obj('a'), []), { type: 'none' });
});

test('the collector looks at objects with an owner not in the cache or deleting in the foreground', () => {
  const present = obj('a');
  const waiting = obj('w', { ...deleting, finalizers: ['foregroundDeletion'] });
  const cached = (r: OwnerReference) => ({ a: present, w: waiting })[r.uid as 'a' | 'w'];
  assert.equal(needsAttention(obj('p', { ownerReferences: [ref('a')] }), cached), false);
  assert.equal(needsAttention(obj('p', { ownerReferences: [ref('a'), ref('gone')] }), cached), true);
  assert.equal(needsAttention(obj('p', { ownerReferences: [ref('w')] }), cached), true);
  assert.equal(needsAttention(obj('p'), cached), false);
  assert.equal(needsAttention(obj('o', { ...deleting, finalizers: ['orphan'] }), cached), true);
  assert.equal(needsAttention(obj('p', { ...deleting, ownerReferences: [ref('gone')] }), cached), false);
});
