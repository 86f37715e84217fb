import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodTemplateSpec } from '../../api/objects.ts';
import { computeHash, equalIgnoreHash, podTemplateHashLabel, safeEncodeString } from './templateHash.ts';

const template: PodTemplateSpec = {
  metadata: { labels: { app: 'web', tier: 'front' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
};

test('the hash is stable: the same template gives the same value, whatever its key order', () => {
  const reordered: PodTemplateSpec = {
    spec: { containers: [{ ports: [{ containerPort: 80 }], image: 'nginx:1.27', name: 'web' }] },
    metadata: { labels: { tier: 'front', app: 'web' } },
  };
  assert.equal(computeHash(template), computeHash(structuredClone(template)));
  assert.equal(computeHash(template), computeHash(reordered));
});

test('the hash changes with the template and with the collision count', () => {
  const other = structuredClone(template);
  other.spec!.containers[0]!.image = 'nginx:1.28';
  assert.notEqual(computeHash(template), computeHash(other));
  assert.notEqual(computeHash(template), computeHash(template, 1));
  assert.notEqual(computeHash(template, 1), computeHash(template, 2));
  // A nil collision count and none are the same; 0 is hashed (upstream writes the pointer's value).
  assert.equal(computeHash(template, undefined), computeHash(template));
  assert.notEqual(computeHash(template, 0), computeHash(template));
});

test('values look like upstream: the decimal FNV-32a sum in the safe alphabet, at most 10 characters', () => {
  for (let n = 0; n < 50; n++) {
    const hash = computeHash(template, n);
    assert.match(hash, /^[456789bcdf]{1,10}$/);
  }
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});

test('templates that differ only in the pod-template-hash label are equal', () => {
  const hashed = structuredClone(template);
  hashed.metadata!.labels![podTemplateHashLabel] = 'abc';
  assert.ok(equalIgnoreHash(template, hashed));
  const changed = structuredClone(hashed);
  changed.metadata!.labels!.tier = 'back';
  assert.ok(!equalIgnoreHash(template, changed));
  // Semantic equality: an empty list is no list.
  const withEmpty = structuredClone(template);
  withEmpty.spec!.volumes = [];
  assert.ok(equalIgnoreHash(template, withEmpty));
});
