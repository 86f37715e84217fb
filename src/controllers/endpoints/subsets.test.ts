import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSubset } from 'kubernetes-types/core/v1.js';
import { findPort, type PodObject, type ServiceObject } from './servicePods.ts';
import { endpointSubsets, maxEndpointsCapacity, repackSubsets, truncateSubsets } from './subsets.ts';

function service(spec: ServiceObject['spec'] = {}): ServiceObject {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'svc' },
    spec: { selector: { app: 'web' }, clusterIP: '10.0.0.1', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
  };
}

interface PodOptions {
  ip?: string;
  ready?: boolean;
  ports?: { name: string; containerPort: number; protocol?: string }[];
  deleting?: boolean;
  phase?: string;
}

function pod(name: string, { ip = `10.1.0.${name.length}`, ready = true, ports = [{ name: 'http', containerPort: 8080 }], deleting = false, phase = 'Running' }: PodOptions = {}): PodObject {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i', ports }] },
    status: { phase, podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const ref = (name: string) => ({ kind: 'Pod', namespace: 'ns', name, uid: `uid-${name}` });

test('a named target port resolves per pod, and pods without it are left out for that port', () => {
  const svc = service({
    ports: [
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 9100, protocol: 'TCP' },
    ],
  });
  const a = pod('a', { ip: '10.1.0.1', ports: [{ name: 'http', containerPort: 8080 }] });
  const b = pod('b', { ip: '10.1.0.2', ports: [{ name: 'http', containerPort: 8081 }] });
  const c = pod('c', { ip: '10.1.0.3', ports: [{ name: 'other', containerPort: 1 }] });
  const subsets = endpointSubsets(svc, [a, b, c]);
  const address = (name: string, ip: string) => ({ ip, nodeName: 'node-1', targetRef: ref(name) });
  assert.deepEqual(subsets, [
    { addresses: [address('a', '10.1.0.1'), address('b', '10.1.0.2'), address('c', '10.1.0.3')], ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }] },
    { addresses: [address('a', '10.1.0.1')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    { addresses: [address('b', '10.1.0.2')], ports: [{ name: 'http', port: 8081, protocol: 'TCP' }] },
  ]);
});

test('ports offered by the same addresses share a subset; not-ready pods are notReadyAddresses', () => {
  const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }] });
  const subsets = endpointSubsets(svc, [pod('a', { ip: '10.1.0.2' }), pod('b', { ip: '10.1.0.1', ready: false })]);
  assert.equal(subsets.length, 1);
  assert.deepEqual(subsets[0]!.addresses?.map((a) => a.ip), ['10.1.0.2']);
  assert.deepEqual(subsets[0]!.notReadyAddresses?.map((a) => a.ip), ['10.1.0.1']);
  assert.deepEqual(subsets[0]!.ports?.map((p) => p.port), [8080, 8443]);
});

test('terminating, finished and address-less pods are not endpoints, unless not-ready addresses are published', () => {
  const pods = [pod('gone', { deleting: true }), pod('done', { phase: 'Succeeded' }), pod('new', { ip: '' }), pod('ok')];
  const svc = service({ ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  assert.deepEqual(endpointSubsets(svc, pods).flatMap((s) => s.addresses ?? []).map((a) => a.targetRef?.name), ['ok']);
  const publishing = service({ ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], publishNotReadyAddresses: true });
  const published = endpointSubsets(publishing, [...pods, pod('unready', { ready: false, ip: '10.1.0.9' })]);
  assert.deepEqual(published.flatMap((s) => s.addresses ?? []).map((a) => a.targetRef?.name).sort(), ['gone', 'ok', 'unready']);
  assert.equal(published.some((s) => s.notReadyAddresses), false, 'published addresses are all ready');
});

test('a headless service without ports still lists its pods; one with a cluster IP and no ports lists none', () => {
  const headless = service({ clusterIP: 'None', ports: [] });
  assert.deepEqual(endpointSubsets(headless, [pod('a')]), [{ addresses: [{ ip: '10.1.0.1', nodeName: 'node-1', targetRef: ref('a') }] }]);
  assert.deepEqual(endpointSubsets(service({ ports: [] }), [pod('a')]), []);
});

test('the hostname is published for pods whose subdomain is the service', () => {
  const p = pod('a');
  p.spec!.hostname = 'a-host';
  p.spec!.subdomain = 'web';
  const subsets = endpointSubsets(service({ ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }), [p]);
  assert.equal(subsets[0]!.addresses?.[0]?.hostname, 'a-host');
});

test('findPort: numbers as is, names by name and protocol, including restartable init containers', () => {
  const p = pod('a', { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] });
  p.spec!.initContainers = [{ name: 'side', image: 'i', restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001 }] }];
  assert.equal(findPort(p, { port: 80, targetPort: 8080 }), 8080);
  assert.equal(findPort(p, { port: 80 }), 80);
  assert.equal(findPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' }), 53);
  assert.equal(findPort(p, { port: 53, targetPort: 'dns', protocol: 'TCP' }), undefined);
  assert.equal(findPort(p, { port: 1, targetPort: 'proxy' }), 15001);
});

test('repacking: an address not ready for a port is not ready there, whatever else says', () => {
  const address = { ip: '10.0.0.1', targetRef: ref('a') };
  const port = { port: 80, protocol: 'TCP' };
  const repacked = repackSubsets([{ addresses: [address], ports: [port] }, { notReadyAddresses: [address], ports: [port] }]);
  assert.deepEqual(repacked, [{ notReadyAddresses: [address], ports: [port] }]);
});

test('more than 1000 addresses are truncated, ready ones kept first', () => {
  const addresses = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.${Math.floor((from + i) / 256)}.${(from + i) % 256}.1` }));
  const subsets: EndpointSubset[] = [
    { addresses: addresses(900, 0), notReadyAddresses: addresses(300, 900), ports: [{ port: 80 }] },
  ];
  assert.equal(truncateSubsets([{ addresses: addresses(10, 0) }]), undefined);
  const cut = truncateSubsets(subsets)!;
  assert.equal(cut[0]!.addresses?.length, 900);
  assert.equal(cut[0]!.notReadyAddresses?.length, maxEndpointsCapacity - 900);
});
