import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelSelector, nodeSelectorTerms } from './selectors.ts';

test('a missing label selector selects nothing, an empty one everything', () => {
  assert.equal(labelSelector(undefined).matches({ a: '1' }), false);
  assert.equal(labelSelector({}).matches({ a: '1' }), true);
  assert.equal(labelSelector({}).empty, true);
});

test('label selectors: matchLabels and In, NotIn, Exists, DoesNotExist', () => {
  const s = labelSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'edge'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'team', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(s.matches({ app: 'web', tier: 'edge', team: 'x' }), true);
  assert.equal(s.matches({ app: 'web', tier: 'edge', team: 'x', env: 'dev' }), false);
  assert.equal(s.matches({ app: 'web', tier: 'back', team: 'x' }), false);
  assert.equal(s.matches({ app: 'web', tier: 'edge', team: 'x', legacy: '' }), false);
});

test('node selector terms are ORed, requirements ANDed; Gt and Lt compare integers', () => {
  const m = nodeSelectorTerms([
    { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }, { key: 'cores', operator: 'Lt', values: ['64'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] },
  ]);
  assert.equal(m('n1', { cores: '16' }), true);
  assert.equal(m('n1', { cores: '8' }), false);
  assert.equal(m('n1', { cores: 'many' }), false);
  assert.equal(m('special', {}), true);
});

test('an empty node selector term matches no node; NotIn matches nodes without the label', () => {
  assert.equal(nodeSelectorTerms([{}])('n', {}), false);
  assert.equal(nodeSelectorTerms([{ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['a'] }] }])('n', {}), true);
});
