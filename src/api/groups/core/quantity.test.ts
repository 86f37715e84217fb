import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from './quantity.ts';

test('decimal, binary and exponent suffixes', () => {
  assert.equal(parseQuantity('100m'), 0.1);
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('1Gi'), 2 ** 30);
  assert.equal(parseQuantity('1G'), 1e9);
  assert.equal(parseQuantity('1.5k'), 1500);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity(3), 3);
});

test('not quantities', () => {
  assert.equal(parseQuantity('1GB'), undefined);
  assert.equal(parseQuantity('abc'), undefined);
  assert.equal(parseQuantity(''), undefined);
});
