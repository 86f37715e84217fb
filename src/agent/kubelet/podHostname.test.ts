import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podHostname } from './podHostname.ts';

const pod = (name: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({ metadata: { name, namespace: 'shop' }, spec: { containers: [], ...spec } });

test('the pod\'s name, or spec.hostname; cut to 63 characters without a trailing dash or dot', () => {
  assert.equal(podHostname(pod('web-0'), 'cluster.local', 'node1'), 'web-0');
  assert.equal(podHostname(pod('web-0', { hostname: 'db' }), 'cluster.local', 'node1'), 'db');
  const long = `${'a'.repeat(62)}-b`;
  assert.equal(podHostname(pod(`${long}cdef`), 'cluster.local', 'node1'), 'a'.repeat(62));
});

test('host-network pods keep the node\'s hostname; setHostnameAsFQDN gives the FQDN, refused past 64 characters', () => {
  assert.equal(podHostname(pod('web-0', { hostNetwork: true, hostname: 'x' }), 'cluster.local', 'node1'), 'node1');
  assert.equal(podHostname(pod('web-0', { subdomain: 'web' }), 'cluster.local', 'node1'), 'web-0');
  assert.equal(podHostname(pod('web-0', { subdomain: 'web', setHostnameAsFQDN: true }), 'cluster.local', 'node1'), 'web-0.web.shop.svc.cluster.local');
  assert.throws(() => podHostname(pod('w'.repeat(40), { subdomain: 'web', setHostnameAsFQDN: true }), 'cluster.local', 'node1'), /^Error: failed to construct FQDN from pod hostname and cluster domain, FQDN w+\.web\.shop\.svc\.cluster\.local is too long \(64 characters is the max, 67 characters requested\)$/);
});
