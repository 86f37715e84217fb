import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMap } from './configMap.ts';

test('keys are config keys, unique across data and binaryData', () => {
  assert.deepEqual(configMap.validate!({ data: { 'app.conf': 'x' }, binaryData: { logo: 'AAAA' } }), []);
  const errs = configMap.validate!({ data: { dup: 'x', '..': 'y' }, binaryData: { dup: 'AAAA' } });
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    `data[..]: Invalid value: "..": must not be '..'`,
    'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
  ]);
});

test('the whole config map holds at most 1 MiB', () => {
  const errs = configMap.validate!({ data: { a: 'x'.repeat(1024 * 1024), b: 'y' } });
  assert.deepEqual(errs, [{ type: 'FieldValueTooLong', field: '', message: 'Too long: may not be more than 1048576 bytes' }]);
});

test('immutable config maps keep their data', () => {
  const old = { immutable: true, data: { a: '1' } };
  assert.deepEqual(configMap.validate!({ immutable: true, data: { a: '1' } }, old), []);
  assert.deepEqual(configMap.validate!({ data: { a: '2' } }, old).map((e) => e.field), ['immutable', 'data']);
});

test('DATA counts data and binaryData keys', () => {
  assert.equal(configMap.columns![0].cell({ data: { a: '1' }, binaryData: { b: 'AA==' } }), 2);
});
