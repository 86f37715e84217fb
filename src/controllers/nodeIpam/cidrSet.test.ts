import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrSet } from './cidrSet.ts';

test('subnets are handed out in order, each once, until the range is full', () => {
  const set = new CidrSet('10.42.0.0/22', 24);
  assert.deepEqual([set.allocateNext(), set.allocateNext(), set.allocateNext(), set.allocateNext()], ['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24', '10.42.3.0/24']);
  assert.equal(set.allocateNext(), undefined);
});

test('a released subnet is reused only after the ones not handed out yet', () => {
  const set = new CidrSet('10.42.0.0/22', 24);
  const first = set.allocateNext()!;
  set.allocateNext();
  assert.equal(set.release(first), true);
  assert.equal(set.allocateNext(), '10.42.2.0/24');
  assert.equal(set.allocateNext(), '10.42.3.0/24');
  assert.equal(set.allocateNext(), first);
});

test('occupied subnets (nodes that already have one) are skipped; ones outside the range are ignored', () => {
  const set = new CidrSet('10.42.0.0/16', 24);
  assert.equal(set.occupy('10.42.0.0/24'), true);
  assert.equal(set.occupy('10.42.1.0/25'), true); // part of 10.42.1.0/24
  assert.equal(set.occupy('10.128.0.0/16'), false);
  assert.equal(set.allocateNext(), '10.42.2.0/24');
});

test('a larger block occupies every subnet it covers', () => {
  const set = new CidrSet('10.42.0.0/22', 24);
  set.occupy('10.42.0.0/23');
  assert.equal(set.allocateNext(), '10.42.2.0/24');
  set.occupy('10.0.0.0/8'); // covers the whole range
  assert.equal(set.allocateNext(), undefined);
});

test('the mask size is configurable within upstream\'s limits', () => {
  const set = new CidrSet('192.168.0.0/24', 26);
  assert.deepEqual([set.allocateNext(), set.allocateNext()], ['192.168.0.0/26', '192.168.0.64/26']);
  assert.throws(() => new CidrSet('10.42.0.0/16', 15), /from the cluster CIDR's \/16 to \/30/);
  assert.throws(() => new CidrSet('10.0.0.0/8', 25), /at most 16 bits longer/);
  assert.throws(() => new CidrSet('fd00::/48', 64), /not an IPv4 CIDR/);
  assert.throws(() => new CidrSet('10.42.0.0', 24), /not an IPv4 CIDR/);
});
