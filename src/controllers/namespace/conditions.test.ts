import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NamespaceCondition } from 'kubernetes-types/core/v1.js';
import { updatedConditions, type ContentReport } from './conditions.ts';

const clean = (): ContentReport => ({ deleteErrors: [], remaining: new Map(), finalizers: new Map() });
const byType = (conditions: NamespaceCondition[] | undefined): Record<string, NamespaceCondition> => Object.fromEntries((conditions ?? []).map((c) => [c.type, c]));

test('a clean pass reports all five conditions False with their ok reasons', () => {
  const conditions = updatedConditions(undefined, clean(), 't1')!;
  assert.deepEqual(conditions.map((c) => [c.type, c.status, c.reason]), [
    ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
    ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
    ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
    ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
    ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers'],
  ]);
  assert.equal(byType(conditions).NamespaceFinalizersRemaining.message, 'All content-preserving finalizers finished');
  assert.ok(conditions.every((c) => c.lastTransitionTime === 't1'));
});

test('remaining content and finalizers are counted, sorted, in upstream words', () => {
  const report = clean();
  report.remaining.set('pods.', 3).set('widgets.example.com', 1);
  report.finalizers.set('example.com/hold', 1).set('a.io/x', 2);
  const c = byType(updatedConditions(undefined, report, 't1'));
  assert.equal(c.NamespaceContentRemaining.status, 'True');
  assert.equal(c.NamespaceContentRemaining.reason, 'SomeResourcesRemain');
  assert.equal(c.NamespaceContentRemaining.message, 'Some resources are remaining: pods. has 3 resource instances, widgets.example.com has 1 resource instances');
  assert.equal(c.NamespaceFinalizersRemaining.reason, 'SomeFinalizersRemain');
  assert.equal(c.NamespaceFinalizersRemaining.message, 'Some content in the namespace has finalizers remaining: a.io/x in 2 resource instances, example.com/hold in 1 resource instances');
});

test('failures to discover or delete become True conditions', () => {
  const report = clean();
  report.discoveryError = 'crds unavailable';
  report.deleteErrors.push('b failed', 'a failed');
  const c = byType(updatedConditions(undefined, report, 't1'));
  assert.deepEqual([c.NamespaceDeletionDiscoveryFailure.status, c.NamespaceDeletionDiscoveryFailure.reason, c.NamespaceDeletionDiscoveryFailure.message], ['True', 'DiscoveryFailed', 'crds unavailable']);
  assert.equal(c.NamespaceDeletionContentFailure.reason, 'ContentDeletionFailed');
  assert.equal(c.NamespaceDeletionContentFailure.message, 'Failed to delete all resource types, 2 remaining: a failed, b failed');
});

test('an unchanged report writes nothing; a changed one keeps times unless the status flips', () => {
  const first = updatedConditions([{ type: 'Other', status: 'True' }], clean(), 't1')!;
  assert.equal(first[0]!.type, 'Other', 'conditions of other types are kept');
  assert.equal(updatedConditions(first, clean(), 't2'), undefined);
  const remaining = clean();
  remaining.remaining.set('pods.', 1);
  const second = byType(updatedConditions(first, remaining, 't2'));
  assert.equal(second.NamespaceContentRemaining.lastTransitionTime, 't2');
  assert.equal(second.NamespaceDeletionContentFailure.lastTransitionTime, 't1');
  remaining.remaining.set('pods.', 2);
  const third = byType(updatedConditions(Object.values(second), remaining, 't3'));
  assert.equal(third.NamespaceContentRemaining.lastTransitionTime, 't2', 'same status, new message: the time stays');
  assert.match(third.NamespaceContentRemaining.message ?? '', /pods\. has 2/);
});
