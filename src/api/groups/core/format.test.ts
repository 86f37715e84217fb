import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerCells, formatLabels, formatLabelSelector, listWithMore } from './format.ts';

test('labels print sorted as k=v, <none> when empty', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels(undefined), '<none>');
});

test('label selectors print as kubectl shows them', () => {
  assert.equal(formatLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'legacy', operator: 'DoesNotExist' }] }), 'app=web,env in (dev,prod),!legacy');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector(undefined), '<none>');
});

test('containers and images join with commas; long lists say how many more', () => {
  assert.deepEqual(containerCells([{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }]), { names: 'a,b', images: 'x,y' });
  assert.equal(listWithMore(['1', '2', '3', '4'], 4, 3), '1,2,3 + 1 more...');
});
