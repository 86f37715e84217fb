import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocationError } from './bitmap.ts';
import { IpAllocator } from './ipAllocator.ts';

test('every address but the network and broadcast ones, the first being the range\'s first', () => {
  const ips = new IpAllocator('10.43.0.0/29');
  assert.equal(ips.address(1), '10.43.0.1');
  assert.equal(ips.networkAddress, '10.43.0.0');
  assert.equal(ips.contains('10.43.0.0'), false);
  assert.equal(ips.contains('10.43.0.7'), false);
  const all = Array.from({ length: 6 }, () => ips.allocateNext('a')).sort();
  assert.deepEqual(all, ['10.43.0.1', '10.43.0.2', '10.43.0.3', '10.43.0.4', '10.43.0.5', '10.43.0.6']);
  assert.throws(() => ips.allocateNext('a'), new AllocationError('range is full'));
});

test('a requested address must be in the range and free, worded as upstream', () => {
  const ips = new IpAllocator('10.43.0.0/16');
  ips.allocate('10.43.0.10', 'a');
  assert.equal(ips.has('10.43.0.10'), true);
  assert.throws(() => ips.allocate('10.43.0.10', 'a'), { message: 'provided IP is already allocated' });
  assert.throws(() => ips.allocate('10.44.0.1', 'a'), { message: 'the provided IP (10.44.0.1) is not in the valid range. The range of valid IPs is 10.43.0.0/16' });
  assert.throws(() => ips.check('10.43.255.255'), { message: /not in the valid range/ });
  ips.release('10.43.0.10', 'a');
  ips.check('10.43.0.10');
  assert.equal(ips.used, 0);
});

test('dynamic addresses avoid the low band people pick by hand (10.43.0.1-10.43.1.0 in a /16)', () => {
  const ips = new IpAllocator('10.43.0.0/16');
  for (let i = 0; i < 200; i++) {
    const [, , third, fourth] = ips.allocateNext('a').split('.').map(Number);
    assert.ok(third * 256 + fourth > 256, 'outside the static band');
  }
});

test('the CIDR is IPv4, /12 to /30, and normalised', () => {
  assert.equal(new IpAllocator('10.43.7.9/16').cidr, '10.43.0.0/16');
  assert.throws(() => new IpAllocator('fd00::/108'), /not an IPv4 CIDR/);
  assert.throws(() => new IpAllocator('10.0.0.0/8'), /too large/);
  assert.throws(() => new IpAllocator('10.43.0.0/31'), /too small/);
  assert.throws(() => new IpAllocator('10.43.0.0'), /not an IPv4 CIDR/);
});
