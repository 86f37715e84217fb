import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { serviceEnv } from './serviceEnv.ts';

function service(namespace: string, name: string, clusterIP: string | undefined, ports: ServicePort[] = [{ port: 80 }]): Service {
  return { metadata: { namespace, name }, spec: { clusterIP, ports } };
}

const services: Service[] = [
  service('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443, targetPort: 6443 }]),
  service('shop', 'redis-primary', '10.43.0.20', [{ port: 6379 }]),
  service('shop', 'web', '10.43.0.30', [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090, protocol: 'UDP' }]),
  service('shop', 'headless', 'None'),
  service('shop', 'external', undefined),
  service('other', 'elsewhere', '10.43.0.40'),
];

test('a service gives _SERVICE_HOST, _SERVICE_PORT (and per named port) and Docker link variables', () => {
  const env = Object.fromEntries(serviceEnv(services, 'shop', true).map((e) => [e.name, e.value]));
  assert.deepEqual(Object.keys(env).filter((k) => k.startsWith('WEB_')), [
    'WEB_SERVICE_HOST', 'WEB_SERVICE_PORT', 'WEB_SERVICE_PORT_HTTP', 'WEB_SERVICE_PORT_METRICS',
    'WEB_PORT', 'WEB_PORT_80_TCP', 'WEB_PORT_80_TCP_PROTO', 'WEB_PORT_80_TCP_PORT', 'WEB_PORT_80_TCP_ADDR',
    'WEB_PORT_9090_UDP', 'WEB_PORT_9090_UDP_PROTO', 'WEB_PORT_9090_UDP_PORT', 'WEB_PORT_9090_UDP_ADDR',
  ]);
  assert.equal(env.WEB_SERVICE_HOST, '10.43.0.30');
  assert.equal(env.WEB_SERVICE_PORT, '80');
  assert.equal(env.WEB_PORT, 'tcp://10.43.0.30:80');
  assert.equal(env.WEB_PORT_9090_UDP, 'udp://10.43.0.30:9090');
  assert.equal(env.WEB_PORT_9090_UDP_PROTO, 'udp');
  assert.equal(env.REDIS_PRIMARY_SERVICE_HOST, '10.43.0.20');
  assert.equal(env.KUBERNETES_SERVICE_PORT_HTTPS, '443');
  assert.equal(env.KUBERNETES_PORT_443_TCP_ADDR, '10.43.0.1');
  assert.ok(!Object.keys(env).some((k) => k.startsWith('HEADLESS_') || k.startsWith('EXTERNAL_') || k.startsWith('ELSEWHERE_')));
});

test('without service links only the master service is there; a namespace service of its name shadows it', () => {
  assert.deepEqual(serviceEnv(services, 'shop', false).map((e) => e.name).filter((n) => !n.startsWith('KUBERNETES_')), []);
  assert.ok(serviceEnv(services, 'shop', false).some((e) => e.name === 'KUBERNETES_SERVICE_HOST'));
  const shadowing = [...services, service('shop', 'kubernetes', '10.43.0.99')];
  const env = Object.fromEntries(serviceEnv(shadowing, 'shop', true).map((e) => [e.name, e.value]));
  assert.equal(env.KUBERNETES_SERVICE_HOST, '10.43.0.99');
});

test('names starting with a digit are guarded; IPv6 addresses are bracketed', () => {
  const env = Object.fromEntries(serviceEnv([service('x', '3d-render', 'fd00::5', [{ port: 8080 }])], 'x', true).map((e) => [e.name, e.value]));
  assert.equal(env._3D_RENDER_SERVICE_HOST, 'fd00::5');
  assert.equal(env._3D_RENDER_PORT, 'tcp://[fd00::5]:8080');
});
