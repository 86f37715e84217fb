import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPool, defaultPodCIDR, networkOf, nodeAddress } from './addresses.ts';

test('node addresses are loopback, unique per node, and differ between name prefixes', () => {
  const a = networkOf('sim-');
  const b = networkOf('rack1-');
  assert.notEqual(a, b);
  assert.match(nodeAddress(a, 0), /^127\.\d+\.0\.1$/);
  const many = new Set(Array.from({ length: 5000 }, (_, i) => nodeAddress(a, i)));
  assert.equal(many.size, 5000);
  assert.match(defaultPodCIDR(a), /^10\.(1[2-9]\d|2[0-5]\d)\.0\.0\/16$/);
});

test('the pool hands out each address once, skips the network address, and reuses released ones', () => {
  const pool = new AddressPool('10.1.2.0/30'); // two usable addresses
  assert.equal(pool.allocate(), '10.1.2.1');
  assert.equal(pool.allocate(), '10.1.2.2');
  assert.throws(() => pool.allocate(), /exhausted/);
  pool.release('10.1.2.1');
  assert.equal(pool.allocate(), '10.1.2.1');
});

test('addresses found in use are reserved; foreign ones are not ours', () => {
  const pool = new AddressPool('10.200.0.0/16');
  assert.equal(pool.reserve('10.200.0.1'), true);
  assert.equal(pool.reserve('192.168.0.1'), false);
  assert.equal(pool.allocate(), '10.200.0.2');
  assert.equal(pool.inUse, 2);
  assert.throws(() => new AddressPool('10.0.0.0'), /CIDR/);
});
