// Pod addresses and node bridge names (no root needed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateIp, bridgeNameFor, gatewayOf, loopbackRangeFor, macFor } from './podNetwork.ts';

test('a node bridge is named after its pod range, so two nodes never share one', () => {
  assert.equal(bridgeNameFor('10.42.7.0/24'), 'skf0a2a0700');
  assert.equal(bridgeNameFor('10.42.7.9/24'), 'skf0a2a0700', 'the network address, whatever host bits are written');
  assert.notEqual(bridgeNameFor('10.42.8.0/24'), bridgeNameFor('10.42.7.0/24'));
  assert.ok(bridgeNameFor('192.168.255.0/24').length <= 15, 'within IFNAMSIZ');
});

test('addresses start after the gateway and skip those in use', () => {
  assert.equal(gatewayOf('10.42.7.0/24'), '10.42.7.1');
  assert.equal(allocateIp('10.42.7.0/24', new Set()), '10.42.7.2');
  assert.equal(allocateIp('10.42.7.0/24', new Set(['10.42.7.2', '10.42.7.3'])), '10.42.7.4');
  assert.throws(() => allocateIp('10.42.7.0/30', new Set(['10.42.7.2'])), /no free address left/);
  // Round robin after the last one given: a freed address is the last to come back.
  assert.equal(allocateIp('10.42.7.0/24', new Set(['10.42.7.5']), '10.42.7.4'), '10.42.7.6');
  assert.equal(allocateIp('10.42.7.0/24', new Set(), '10.42.7.254'), '10.42.7.2', 'wrapping round');
  assert.equal(allocateIp('10.42.7.0/24', new Set(['10.42.7.2']), '10.42.7.254'), '10.42.7.3');
  assert.equal(allocateIp('10.42.7.0/24', new Set(), '10.42.8.9'), '10.42.7.2', 'an address outside the range starts over');
  assert.equal(macFor('10.42.7.12'), '0a:58:0a:2a:07:0c');
});

test('without root, a pod range is mirrored in 127/8', () => {
  assert.equal(loopbackRangeFor('10.42.5.0/24'), '127.42.5.0/24');
  assert.equal(loopbackRangeFor('10.42.5.77/24'), '127.42.5.0/24', 'the network address, whatever host bits are written');
  assert.equal(loopbackRangeFor('192.168.0.0/20'), '127.168.0.0/20');
  assert.equal(allocateIp(loopbackRangeFor('10.42.5.0/24'), new Set()), '127.42.5.2');
});
