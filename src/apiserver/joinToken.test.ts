import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { caHashOf, formatJoinToken, parseJoinToken } from './joinToken.ts';

const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('a join token is K10, the SHA-256 of the CA PEM, then ::server: and the secret', () => {
  const token = formatJoinToken(ca, 's3cret');
  assert.equal(token, `K10${createHash('sha256').update(ca).digest('hex')}::server:s3cret`);
  assert.deepEqual(parseJoinToken(token), { caHash: caHashOf(ca), secret: 's3cret' });
});

test('a bare secret (an older data dir\'s token) pins no CA', () => {
  assert.deepEqual(parseJoinToken('  0123abcd\n'), { secret: '0123abcd' });
});

test('k3s tokens with another user name, or none, give the part after it as the secret', () => {
  const hash = caHashOf(ca);
  assert.equal(parseJoinToken(`K10${hash}::node:abc`).secret, 'abc');
  assert.equal(parseJoinToken(`K10${hash}::abc`).secret, 'abc');
  assert.equal(parseJoinToken(`K10${hash.toUpperCase()}::server:abc`).caHash, hash);
});

test('a K10 token cut short or without a secret is an error, not a bare secret', () => {
  const hash = caHashOf(ca);
  assert.throws(() => parseJoinToken(`K10${hash.slice(0, 40)}::server:abc`), /malformed join token/);
  assert.throws(() => parseJoinToken(`K10${hash}`), /malformed join token/);
  assert.throws(() => parseJoinToken(`K10${hash}::server:`), /no secret/);
});
