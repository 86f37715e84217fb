import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonPath } from './jsonPath.ts';

const obj = { spec: { replicas: 3, items: [{ name: 'a' }, { name: 'b' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] } };

test('fields, indexes and filters, as CRD printer columns use them', () => {
  assert.equal(compileJsonPath('.spec.replicas')(obj), 3);
  assert.equal(compileJsonPath('.spec.items[1].name')(obj), 'b');
  assert.equal(compileJsonPath('.spec.items[-1].name')(obj), 'b');
  assert.equal(compileJsonPath('.status.conditions[?(@.type=="Synced")].status')(obj), 'False');
  assert.equal(compileJsonPath("{.spec['replicas']}")(obj), 3);
  assert.equal(compileJsonPath('.spec.missing')(obj), undefined);
});

test('unsupported paths are refused when compiled', () => {
  assert.throws(() => compileJsonPath('.spec..replicas'));
});
