import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultService, keepAllocatedFields, portsString, prepareServiceUpdate, service } from './service.ts';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const cell = (name: string, obj: any) => service.columns!.find((c) => c.name === name)!.cell(obj);

function svc(spec: any): any {
  const s = { metadata: { name: 'web', namespace: 'd' }, spec };
  defaultService(s);
  return s;
}

test('PORT(S) shows port, node port and protocol', () => {
  assert.equal(portsString([{ port: 80, protocol: 'TCP' }, { port: 443, nodePort: 30001, protocol: 'TCP' }]), '80/TCP,443:30001/TCP');
  assert.equal(cell('Port(s)', { spec: { ports: [] } }), '<none>');
});

test('CLUSTER-IP and EXTERNAL-IP by service type', () => {
  assert.equal(cell('Cluster-IP', { spec: { type: 'ClusterIP', clusterIPs: ['10.96.0.10'] } }), '10.96.0.10');
  assert.equal(cell('Cluster-IP', { spec: { type: 'ExternalName' } }), '<none>');
  assert.equal(cell('External-IP', { spec: { type: 'ClusterIP' } }), '<none>');
  assert.equal(cell('External-IP', { spec: { type: 'NodePort', externalIPs: ['1.2.3.4'] } }), '1.2.3.4');
  assert.equal(cell('External-IP', { spec: { type: 'LoadBalancer' } }), '<pending>');
  assert.equal(cell('External-IP', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } } }), '5.6.7.8');
  assert.equal(cell('External-IP', { spec: { type: 'ExternalName', externalName: 'example.com' } }), 'example.com');
  assert.equal(cell('Selector', { spec: { selector: { tier: 'b', app: 'a' } } }), 'app=a,tier=b');
});

test('defaults: ClusterIP, no affinity, TCP, targetPort = port, single-stack IPv4, Cluster traffic', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }], clusterIP: '10.96.0.5' });
  assert.equal(s.spec.type, 'ClusterIP');
  assert.equal(s.spec.sessionAffinity, 'None');
  assert.deepEqual(s.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.deepEqual(s.spec.clusterIPs, ['10.96.0.5']);
  assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  assert.equal(s.spec.internalTrafficPolicy, 'Cluster');
  assert.equal(s.spec.externalTrafficPolicy, undefined);
  assert.deepEqual(s.status, { loadBalancer: {} });
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  assert.equal(lb.spec.externalTrafficPolicy, 'Cluster');
  assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
  const ext = svc({ type: 'ExternalName', externalName: 'example.com' });
  assert.equal(ext.spec.ipFamilies, undefined);
  const sticky = svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  assert.deepEqual(sticky.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

test('a defaulted service is valid', () => {
  assert.deepEqual(service.validate!(svc({ selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] })), []);
  assert.deepEqual(service.validate!(svc({ clusterIP: 'None', selector: { app: 'db' } })), []);
  assert.deepEqual(service.validate!(svc({ type: 'ExternalName', externalName: 'db.example.com.' })), []);
});

test('ports are required (unless headless or ExternalName) and named when several', () => {
  assert.deepEqual(messages(service.validate!(svc({}))), ['spec.ports: Required value']);
  assert.deepEqual(messages(service.validate!(svc({ ports: [{ port: 80 }, { port: 0, protocol: 'HTTP' }] }))), [
    'spec.ports[0].name: Required value',
    'spec.ports[1].name: Required value',
    'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
});

test('type enum, node ports unique per protocol and not on ClusterIP services (their range is the allocator\'s)', () => {
  assert.deepEqual(messages(service.validate!(svc({ type: 'Public', ports: [{ port: 80 }] }))).at(-1), 'spec.type: Unsupported value: "Public": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"');
  assert.deepEqual(messages(service.validate!(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }))), []);
  assert.deepEqual(messages(service.validate!(svc({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }))), [
    'spec.ports[1].nodePort: Duplicate value: 30080',
  ]);
  assert.deepEqual(messages(service.validate!(svc({ ports: [{ port: 80, nodePort: 30080 }] }))), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
});

test('the cluster IP is immutable; an update that omits it keeps it', () => {
  const old = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.5' });
  const moved = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.6' });
  assert.deepEqual(messages(service.validate!(moved, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set']);
  const replaced: any = { metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } };
  const current = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }], clusterIP: '10.96.0.5' });
  defaultService(replaced);
  keepAllocatedFields(replaced, current);
  assert.equal(replaced.spec.clusterIP, '10.96.0.5');
  assert.equal(replaced.spec.ports[0].nodePort, 30080);
  assert.deepEqual(service.validate!(replaced, current), []);
});

test('field selectors: spec.clusterIP and spec.type', () => {
  const s = svc({ clusterIP: 'None' });
  assert.equal(service.fieldSelectors!['spec.clusterIP'](s), 'None');
  assert.equal(service.fieldSelectors!['spec.type'](s), 'ClusterIP');
});

test('an update that changes only clusterIP changes clusterIPs with it (and is refused)', () => {
  const old = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.5' });
  const moved = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.5' });
  moved.spec.clusterIP = '10.96.0.6';
  prepareServiceUpdate(moved, old);
  assert.deepEqual(moved.spec.clusterIPs, ['10.96.0.6']);
  assert.deepEqual(messages(service.validate!(moved, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set']);
});

test('switching type drops the fields the server filled in for the old type', () => {
  const nodePort = svc({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }], clusterIP: '10.96.0.5' });
  const toClusterIP = JSON.parse(JSON.stringify(nodePort));
  toClusterIP.spec.type = 'ClusterIP';
  defaultService(toClusterIP);
  prepareServiceUpdate(toClusterIP, nodePort);
  assert.equal(toClusterIP.spec.ports[0].nodePort, undefined);
  assert.equal(toClusterIP.spec.externalTrafficPolicy, undefined);
  assert.equal(toClusterIP.spec.clusterIP, '10.96.0.5');
  assert.deepEqual(service.validate!(toClusterIP, nodePort), []);

  const toExternalName = JSON.parse(JSON.stringify(nodePort));
  toExternalName.spec.type = 'ExternalName';
  toExternalName.spec.externalName = 'example.com';
  defaultService(toExternalName);
  prepareServiceUpdate(toExternalName, nodePort);
  for (const field of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) assert.equal(toExternalName.spec[field], undefined, field);
  assert.deepEqual(service.validate!(toExternalName, nodePort), []);

  // A node port the client changed while switching is not dropped: validation names it.
  const changed = JSON.parse(JSON.stringify(nodePort));
  changed.spec.type = 'ClusterIP';
  changed.spec.ports[0].nodePort = 30081;
  defaultService(changed);
  prepareServiceUpdate(changed, nodePort);
  assert.equal(changed.spec.ports[0].nodePort, 30081);
});

test('an update keeps node ports by port name', () => {
  const current = svc({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'https', port: 443, nodePort: 30443 }] });
  const replaced: any = { metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ name: 'https', port: 8443 }, { name: 'http', port: 80 }] } };
  defaultService(replaced);
  prepareServiceUpdate(replaced, current);
  assert.deepEqual(replaced.spec.ports.map((p: any) => p.nodePort), [30443, 30080]);
});
