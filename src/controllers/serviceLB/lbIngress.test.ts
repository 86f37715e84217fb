import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../api/objects.ts';
import { excludeLabel, ingressFor, isServiceLBs, sameIngress } from './lbIngress.ts';

function node(name: string, ip: string | undefined, ready: 'True' | 'False' | 'Unknown', labels: Record<string, string> = {}): Node {
  return {
    metadata: { name, labels },
    status: {
      addresses: [...(ip ? [{ type: 'InternalIP', address: ip }] : []), { type: 'Hostname', address: name }],
      conditions: [{ type: 'Ready', status: ready }],
    },
  };
}

test('the Ready nodes\' InternalIPs, sorted, as VIPs; not ready, excluded and addressless nodes are left out', () => {
  const ingress = ingressFor([
    node('c', '192.0.2.10', 'True'),
    node('a', '192.0.2.9', 'True'),
    node('down', '192.0.2.11', 'Unknown'),
    node('excluded', '192.0.2.12', 'True', { [excludeLabel]: '' }),
    node('nameless', undefined, 'True'),
  ]);
  assert.deepEqual(ingress, [{ ip: '192.0.2.9', ipMode: 'VIP' }, { ip: '192.0.2.10', ipMode: 'VIP' }]);
  assert.ok(sameIngress(ingress, ingress));
  assert.ok(!sameIngress([{ ip: '192.0.2.9' }, { ip: '192.0.2.10' }], ingress), 'ipMode is part of it');
});

test('ServiceLB takes LoadBalancer Services without a loadBalancerClass', () => {
  assert.ok(isServiceLBs({ spec: { type: 'LoadBalancer' } }));
  assert.ok(!isServiceLBs({ spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' } }));
  assert.ok(!isServiceLBs({ spec: { type: 'NodePort' } }));
});
