import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servicePortsOf } from './servicePorts.ts';
import { service, slice } from './testing/serviceObjects.ts';

const self = { name: 'self' };
const ips = (endpoints: { ip: string }[]) => endpoints.map((e) => e.ip);

test('ready endpoints of every slice of the service, each address once, on the slice port of the same name', () => {
  const [port] = servicePortsOf(
    [service('web', '10.43.0.10')],
    [slice('web', [{ ip: '10.42.0.3' }, { ip: '10.42.0.2' }], { name: 'a' }), slice('web', [{ ip: '10.42.0.2' }, { ip: '10.42.1.2', node: 'other' }], { name: 'b' }), slice('web', [{ ip: '10.42.9.9' }], { portName: 'metrics', name: 'c' })],
    self,
  );
  assert.deepEqual(ips(port!.clusterEndpoints), ['10.42.0.2', '10.42.0.3', '10.42.1.2']);
  assert.deepEqual(port!.clusterEndpoints.map((e) => e.local), [true, true, false]);
  assert.equal(port!.clusterEndpoints[0]!.port, 8080);
  assert.equal(port!.hasEndpoints, true);
});

test('serving terminating endpoints are used only when no endpoint is ready', () => {
  const slices = (readyToo: boolean) => [slice('web', [
    { ip: '10.42.0.2', ready: false, serving: true, terminating: true },
    { ip: '10.42.0.3', ready: false, serving: false, terminating: true },
    ...(readyToo ? [{ ip: '10.42.0.4' }] : []),
  ])];
  assert.deepEqual(ips(servicePortsOf([service('web', '10.43.0.10')], slices(true), self)[0]!.clusterEndpoints), ['10.42.0.4']);
  const fallback = servicePortsOf([service('web', '10.43.0.10')], slices(false), self)[0]!;
  assert.deepEqual(ips(fallback.clusterEndpoints), ['10.42.0.2']);
  assert.equal(fallback.hasEndpoints, true);
  const none = servicePortsOf([service('web', '10.43.0.10')], [slice('web', [{ ip: '10.42.0.3', ready: false, serving: false }])], self)[0]!;
  assert.deepEqual(none.clusterEndpoints, []);
  assert.equal(none.hasEndpoints, false);
});

test('internalTrafficPolicy Local uses this node\'s endpoints only, with their own terminating fallback', () => {
  const [port] = servicePortsOf(
    [service('web', '10.43.0.10', { internalTrafficPolicy: 'Local' })],
    [slice('web', [{ ip: '10.42.1.2', node: 'other' }, { ip: '10.42.0.2', ready: false, serving: true, terminating: true }])],
    self,
  );
  assert.equal(port!.internalLocal, true);
  assert.deepEqual(ips(port!.localEndpoints), ['10.42.0.2']);
  assert.deepEqual(port!.clusterEndpoints, [], 'a ClusterIP-only service with a Local policy needs no cluster endpoints');
});

test('externalTrafficPolicy Local applies to NodePorts; cluster endpoints stay for pods and the host', () => {
  const spec = { type: 'NodePort' as const, externalTrafficPolicy: 'Local' as const, ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }] };
  const [port] = servicePortsOf([service('web', '10.43.0.10', spec)], [slice('web', [{ ip: '10.42.1.2', node: 'other' }])], self);
  assert.equal(port!.externalLocal, true);
  assert.equal(port!.nodePort, 30080);
  assert.deepEqual(port!.localEndpoints, []);
  assert.deepEqual(ips(port!.clusterEndpoints), ['10.42.1.2']);
  // A ClusterIP service has no external traffic, so its external policy means nothing.
  const [internal] = servicePortsOf([service('web', '10.43.0.10', { externalTrafficPolicy: 'Local' })], [], self);
  assert.equal(internal!.externalLocal, false);
});

test('external addresses: externalIPs and the VIPs the load balancer\'s status names (ServiceLB\'s nodes), nothing else', () => {
  const lb = {
    ...service('web', '10.43.0.10', { type: 'LoadBalancer', externalIPs: ['198.51.100.7'], ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }] }),
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.3', ipMode: 'VIP' }, { ip: '192.0.2.9', ipMode: 'Proxy' }, { hostname: 'lb.example' }] } },
  };
  assert.deepEqual(servicePortsOf([lb], [], self)[0]!.externalIPs, ['198.51.100.7', '192.0.2.3']);
});

test('an endpoint whose serving condition is unset serves (upstream reads it so)', () => {
  const terminating = slice('web', [{ ip: '10.42.0.2', ready: false, terminating: true }]);
  delete terminating.endpoints[0]!.conditions!.serving;
  const port = servicePortsOf([service('web', '10.43.0.10')], [terminating], self)[0]!;
  assert.deepEqual(ips(port.clusterEndpoints), ['10.42.0.2']);
});

test('Services labelled for another proxy, and their slices, are left to it', () => {
  const mine = service('mine', '10.43.0.11');
  const theirs = { ...service('theirs', '10.43.0.12'), metadata: { ...service('theirs', '10.43.0.12').metadata, labels: { 'service.kubernetes.io/service-proxy-name': 'other-proxy' } } };
  const foreignSlice = slice('mine', [{ ip: '10.42.0.9' }], { name: 'foreign' });
  foreignSlice.metadata!.labels!['service.kubernetes.io/service-proxy-name'] = 'other-proxy';
  const ports = servicePortsOf([mine, theirs], [slice('mine', [{ ip: '10.42.0.2' }]), foreignSlice], self);
  assert.deepEqual(ports.map((p) => [p.service, ips(p.clusterEndpoints)]), [['mine', ['10.42.0.2']]]);
});

test('headless, ExternalName and not yet allocated services are not proxied; ports are named or numbered', () => {
  const ports = servicePortsOf([
    service('headless', 'None'),
    service('pending', ''),
    service('external', '', { type: 'ExternalName', externalName: 'example.com' }),
    service('dns', '10.43.0.10', { ports: [{ port: 53, protocol: 'UDP' }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } } }),
  ], [], self);
  assert.deepEqual(ports.map((p) => [p.service, p.portName, p.protocol, p.affinitySeconds]), [['dns', '53', 'udp', 30]]);
});
