import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secret } from './secret.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('stringData folds into base64 data; the type defaults to Opaque', () => {
  const s: any = { metadata: { name: 's' }, data: { a: b64('old') }, stringData: { a: 'new', b: 'two' } };
  secret.defaults!(s);
  assert.deepEqual(s, { metadata: { name: 's' }, data: { a: b64('new'), b: b64('two') }, type: 'Opaque' });
});

test('keys must be valid config keys; data totals at most 1 MiB', () => {
  const errs = secret.validate!({ type: 'Opaque', data: { 'bad/key': b64('x'), big: Buffer.alloc(1024 * 1024 + 1).toString('base64') } });
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    `data[bad/key]: Invalid value: "bad/key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    'data: Too long: may not be more than 1048576 bytes',
  ]);
});

test('typed secrets need their keys', () => {
  assert.deepEqual(secret.validate!({ type: 'kubernetes.io/tls', data: {} }).map((e) => e.field), ['data[tls.crt]', 'data[tls.key]']);
  assert.deepEqual(secret.validate!({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c'), 'tls.key': b64('k') } }), []);
  assert.deepEqual(secret.validate!({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } }), []);
  assert.equal(secret.validate!({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('nope') } })[0].field, 'data[.dockerconfigjson]');
  assert.deepEqual(secret.validate!({ type: 'kubernetes.io/service-account-token', metadata: {} }).map((e) => e.field), ['metadata.annotations[kubernetes.io/service-account.name]']);
});

test('updates: the type is immutable, and so is data once immutable is set', () => {
  const old = { type: 'Opaque', immutable: true, data: { a: b64('1') } };
  const errs = secret.validate!({ type: 'kubernetes.io/tls', immutable: true, data: { a: b64('2'), 'tls.crt': b64('c'), 'tls.key': b64('k') } }, old);
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), ['type: Invalid value: "kubernetes.io/tls": field is immutable', 'data: Forbidden: field is immutable when `immutable` is set']);
});

test('table and field selector', () => {
  const s = { type: 'Opaque', data: { a: 'x', b: 'y' } };
  assert.deepEqual(secret.columns!.map((c) => c.cell(s)).slice(0, 2), ['Opaque', 2]);
  assert.equal(secret.fieldSelectors!.type(s), 'Opaque');
});
