import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evictionRate, TokenBucket, zoneOf, zoneState } from './zones.ts';
import { nodeLifecycleDefaults } from './nodeLifecycleController.ts';
import type { Node, NodeCondition } from '../../api/objects.ts';

const ready = (status: string) => ({ type: 'Ready', status }) as NodeCondition;
const settings = nodeLifecycleDefaults;

test('a zone with no ready node is fully disrupted; one mostly down (over 2 nodes) partially', () => {
  assert.equal(zoneState([ready('Unknown'), ready('False')], settings), 'FullDisruption');
  assert.equal(zoneState([ready('True'), ready('Unknown'), ready('Unknown')], settings), 'Normal', 'two down is never a disruption');
  assert.equal(zoneState([ready('True'), ready('Unknown'), ready('Unknown'), undefined], settings), 'PartialDisruption', 'a node without Ready counts as down');
  assert.equal(zoneState([ready('True'), ready('True'), ready('Unknown'), ready('Unknown'), ready('Unknown'), ready('True'), ready('True')], settings), 'Normal', '3 of 7 is under 55%');
});

test('partially disrupted small zones stop tainting, large ones slow down', () => {
  assert.equal(evictionRate('Normal', 10, settings), 0.1);
  assert.equal(evictionRate('PartialDisruption', 50, settings), 0);
  assert.equal(evictionRate('PartialDisruption', 51, settings), 0.01);
  assert.equal(evictionRate('FullDisruption', 10, settings), 0.1);
});

test('the rate limiter admits one at once, then one per 1/rate seconds', () => {
  const bucket = new TokenBucket(0.1, 0);
  assert.equal(bucket.tryAccept(0), true);
  assert.equal(bucket.tryAccept(5_000), false);
  assert.equal(bucket.waitMs(5_000), 5_000);
  assert.equal(bucket.tryAccept(10_000), true);
  bucket.setRate(0, 10_000);
  assert.equal(bucket.tryAccept(1_000_000), false);
  assert.equal(bucket.waitMs(1_000_000), Infinity);
});

test('zones come from the topology labels', () => {
  const labelled = (labels: Record<string, string>) => ({ metadata: { labels } }) as Node;
  assert.equal(zoneOf(labelled({})), '');
  assert.equal(zoneOf(labelled({ 'topology.kubernetes.io/region': 'eu', 'topology.kubernetes.io/zone': 'eu-1' })), 'eu:\x00:eu-1');
  assert.equal(zoneOf(labelled({ 'failure-domain.beta.kubernetes.io/zone': 'z' })), ':\x00:z');
});
