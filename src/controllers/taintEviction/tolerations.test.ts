import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toleratesTaint } from './tolerations.ts';

const dedicated = { key: 'dedicated', value: 'db', effect: 'NoExecute' };

test('tolerations match taints as upstream\'s ToleratesTaint', () => {
  assert.equal(toleratesTaint({ operator: 'Exists' }, dedicated), true);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'db' }, dedicated), true);
  assert.equal(toleratesTaint({ key: 'dedicated', value: 'db' }, dedicated), true, 'the operator defaults to Equal');
  assert.equal(toleratesTaint({ key: 'dedicated', value: 'web' }, dedicated), false);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, dedicated), false);
  assert.equal(toleratesTaint({ key: 'other', operator: 'Exists' }, dedicated), false);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Lt', value: 'db' }, dedicated), false);
});
