import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecureContext } from 'node:tls';
import type { EndpointSlice, Service } from '../../api/objects.ts';
import { buildRoutingTable, type IngressObject, type RoutingSources } from './routingTable.ts';
import { certificateFor, routeRequest } from './routeMatch.ts';

const web: Service = {
  metadata: { name: 'web', namespace: 'ns' },
  spec: { ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'admin', port: 9000 }] },
};
const slice = (name: string, ports: EndpointSlice['ports'], endpoints: EndpointSlice['endpoints']): EndpointSlice => ({
  metadata: { name, namespace: 'ns', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', ports, endpoints,
});

function sources(overrides: Partial<RoutingSources> & { ingresses: IngressObject[] }): RoutingSources {
  return {
    service: (namespace, name) => (namespace === 'ns' && name === 'web' ? web : undefined),
    endpointSlices: () => [],
    certificate: () => undefined,
    ...overrides,
  };
}
const ingress = (spec: object, name = 'ing', creationTimestamp = '2024-01-01T00:00:00Z'): IngressObject => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'ns', creationTimestamp }, spec,
});
const defaultTo = (port: object, name = 'web') => ingress({ defaultBackend: { service: { name, port } } });
const endpointsOf = (s: RoutingSources) => routeRequest(buildRoutingTable(s), 'any', '/')?.endpoints;

test('a backend port by number or by name reaches the ready endpoints of the EndpointSlices for that port', () => {
  const endpointSlices = () => [
    slice('web-a', [{ name: 'http', port: 8080, protocol: 'TCP' }], [
      { addresses: ['10.42.0.5'], conditions: { ready: true } },
      { addresses: ['10.42.0.6'], conditions: { ready: false } },
      { addresses: ['10.42.0.7'] }, // ready unknown counts as ready
    ]),
    // Pods whose "http" port is another number are in a slice of their own.
    slice('web-b', [{ name: 'http', port: 8081, protocol: 'TCP' }], [{ addresses: ['10.42.0.8'], conditions: { ready: true } }]),
    slice('web-admin', [{ name: 'admin', port: 9000, protocol: 'TCP' }], [{ addresses: ['10.42.0.5'], conditions: { ready: true } }]),
  ];
  const http = [{ host: '10.42.0.5', port: 8080 }, { host: '10.42.0.7', port: 8080 }, { host: '10.42.0.8', port: 8081 }];
  assert.deepEqual(endpointsOf(sources({ ingresses: [defaultTo({ number: 80 })], endpointSlices })), http);
  assert.deepEqual(endpointsOf(sources({ ingresses: [defaultTo({ name: 'http' })], endpointSlices })), http);
  assert.deepEqual(endpointsOf(sources({ ingresses: [defaultTo({ name: 'admin' })], endpointSlices })), [{ host: '10.42.0.5', port: 9000 }]);
});

test('a missing Service, a port it lacks, or no slices mean no endpoints (a 503, not a 404)', () => {
  assert.deepEqual(endpointsOf(sources({ ingresses: [defaultTo({ number: 80 }, 'missing')] })), []);
  assert.deepEqual(endpointsOf(sources({ ingresses: [defaultTo({ number: 81 })] })), []);
  assert.deepEqual(endpointsOf(sources({ ingresses: [defaultTo({ number: 80 })] })), []);
  const resource = ingress({ defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'assets' } } });
  assert.deepEqual(endpointsOf(sources({ ingresses: [resource] })), []);
});

test('while no endpoint is ready, serving terminating ones take the traffic', () => {
  const endpointSlices = () => [slice('web-a', [{ name: 'http', port: 8080 }], [
    { addresses: ['10.42.0.5'], conditions: { ready: false, serving: true, terminating: true } },
    { addresses: ['10.42.0.6'], conditions: { ready: false, serving: false, terminating: true } },
  ])];
  assert.deepEqual(endpointsOf(sources({ ingresses: [defaultTo({ number: 80 })], endpointSlices })), [{ host: '10.42.0.5', port: 8080 }]);
});

test('an ExternalName Service is reached at its external name', () => {
  const service = () => ({ metadata: { name: 'ext', namespace: 'ns' }, spec: { type: 'ExternalName', externalName: 'api.example.org' } });
  assert.deepEqual(endpointsOf(sources({ ingresses: [defaultTo({ number: 443 }, 'ext')], service })), [{ host: 'api.example.org', port: 443 }]);
});

test('routes to the same Service port share one backend (one round-robin)', () => {
  const table = buildRoutingTable(sources({
    ingresses: [ingress({ rules: [{ http: { paths: ['/a', '/b'].map((path) => ({ path, pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } })) } }] })],
  }));
  assert.equal(routeRequest(table, '', '/a'), routeRequest(table, '', '/b'));
});

test('certificates by host and wildcard; a TLS entry without hosts is the default; the oldest Ingress wins', () => {
  const contexts = new Map(['one', 'two', 'wild', 'fallback'].map((name) => [name, { name } as unknown as SecureContext]));
  const table = buildRoutingTable(sources({
    ingresses: [
      ingress({ tls: [{ hosts: ['a.example.com'], secretName: 'two' }] }, 'newer', '2024-02-01T00:00:00Z'),
      ingress({ tls: [{ hosts: ['a.example.com'], secretName: 'one' }, { hosts: ['*.wild.example.com'], secretName: 'wild' }, { secretName: 'fallback' }, { hosts: ['b.example.com'], secretName: 'missing' }] }, 'older'),
    ],
    certificate: (_namespace, name) => contexts.get(name),
  }));
  const nameOf = (servername: string) => (certificateFor(table, servername) as unknown as { name: string } | undefined)?.name;
  assert.equal(nameOf('a.example.com'), 'one');
  assert.equal(nameOf('A.Example.com'), 'one');
  assert.equal(nameOf('x.wild.example.com'), 'wild');
  assert.equal(nameOf('b.example.com'), 'fallback');
  assert.equal(nameOf('unknown.test'), 'fallback');
});
