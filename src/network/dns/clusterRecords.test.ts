import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Answer, Question } from 'dns-packet';
import type { EndpointSlice, Service } from '../../api/objects.ts';
import { answerClusterQuery, type ClusterView, type ClusterZone, type Lookup } from './clusterRecords.ts';

const service = (namespace: string, name: string, spec: Service['spec']): Service => ({ metadata: { namespace, name }, spec });
const slice = (namespace: string, svc: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = []): EndpointSlice => ({
  metadata: { namespace, name: `${svc}-abc`, labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4', endpoints, ports,
});

const services = [
  service('default', 'kubernetes', { clusterIP: '10.43.0.1', clusterIPs: ['10.43.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
  service('default', 'web', { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
  service('default', 'db', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
  service('default', 'empty', { clusterIP: 'None', clusterIPs: ['None'] }),
  service('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
  service('default', 'alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
  service('kube-system', 'kube-dns', { clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
];
const slices = [
  slice('default', 'db', [
    { addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.42.0.6'], conditions: {} },
    { addresses: ['10.42.0.7'], hostname: 'db-2', conditions: { ready: false } },
  ], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
  slice('default', 'empty', [{ addresses: ['10.42.0.9'], conditions: { ready: false } }]),
];

const view: ClusterView = {
  namespaceExists: (name) => ['default', 'kube-system', 'quiet'].includes(name),
  service: (ns, name) => services.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
  endpointSlices: (ns, svc) => slices.filter((s) => s.metadata?.namespace === ns && s.metadata?.labels?.['kubernetes.io/service-name'] === svc),
  servicesWithIP: (ip) => services.filter((s) => s.spec?.clusterIP === ip),
  endpointSlicesWithIP: (ip) => slices.filter((s) => s.endpoints.some((e) => e.conditions?.ready !== false && e.addresses.includes(ip))),
  nameservers: () => [{ label: 'kube-dns.kube-system.svc', ip: '10.43.0.10' }],
  serial: () => 1700000000,
};
const lookups: string[] = [];
const lookup: Lookup = async (name, type) => {
  lookups.push(`${name} ${type}`);
  return type === 'A' ? [{ type: 'A', name, ttl: 300, data: '93.184.216.34' }] : [];
};
const zone: ClusterZone = { domain: 'cluster.local', view, lookup };

const ask = async (name: string, type: Question['type']) => {
  const reply = await answerClusterQuery({ name, type }, zone);
  assert.ok(reply, `${name} ${type} is the cluster's to answer`);
  return reply;
};
const data = (answers: Answer[]) => answers.map((a) => `${a.type} ${'data' in a ? (typeof a.data === 'object' ? JSON.stringify(a.data) : a.data) : ''}`);

test('a Service name is its ClusterIP, TTL 5, answered in the case it was asked', async () => {
  const reply = await ask('Kubernetes.Default.svc.cluster.local', 'A');
  assert.equal(reply.rcode, 'NOERROR');
  assert.deepEqual(reply.answers, [{ type: 'A', name: 'Kubernetes.Default.svc.cluster.local', ttl: 5, data: '10.43.0.1' }]);
  assert.deepEqual(reply.authorities, []);
});

test('a name of the zone that does not exist is NXDOMAIN with the zone SOA in authority', async () => {
  for (const name of ['nope.default.svc.cluster.local', 'web.nowhere.svc.cluster.local', 'web.default.nonsense.cluster.local', 'a.b.c.web.default.svc.cluster.local']) {
    const reply = await ask(name, 'A');
    assert.equal(reply.rcode, 'NXDOMAIN', name);
    assert.deepEqual(reply.answers, []);
    assert.deepEqual(reply.authorities, [{
      type: 'SOA', name: 'cluster.local', ttl: 5,
      data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1700000000, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
    }]);
  }
});

test('an existing name asked for another type is NODATA (NOERROR, no answers, the SOA)', async () => {
  for (const [name, type] of [['web.default.svc.cluster.local', 'AAAA'], ['web.default.svc.cluster.local', 'MX'], ['quiet.svc.cluster.local', 'A'], ['svc.cluster.local', 'A'], ['cluster.local', 'A']] as const) {
    const reply = await ask(name, type);
    assert.equal(reply.rcode, 'NOERROR', `${name} ${type}`);
    assert.deepEqual(reply.answers, []);
    assert.equal(reply.authorities[0]?.type, 'SOA');
  }
  assert.equal((await ask('nope.default.svc.cluster.local', 'AAAA')).rcode, 'NXDOMAIN');
});

test('a headless Service is its ready endpoints; an endpoint is named by its hostname or dashed address', async () => {
  assert.deepEqual(data((await ask('db.default.svc.cluster.local', 'A')).answers).sort(), ['A 10.42.0.5', 'A 10.42.0.6']);
  assert.deepEqual(data((await ask('db-0.db.default.svc.cluster.local', 'A')).answers), ['A 10.42.0.5']);
  assert.deepEqual(data((await ask('10-42-0-6.db.default.svc.cluster.local', 'A')).answers), ['A 10.42.0.6']);
  assert.equal((await ask('db-2.db.default.svc.cluster.local', 'A')).rcode, 'NXDOMAIN', 'not ready');
  assert.equal((await ask('empty.default.svc.cluster.local', 'A')).rcode, 'NXDOMAIN', 'a headless Service without ready endpoints');
});

test('SRV for a named port: the Service name as target, its address as an extra', async () => {
  const reply = await ask('_http._tcp.web.default.svc.cluster.local', 'SRV');
  assert.deepEqual(reply.answers, [{ type: 'SRV', name: '_http._tcp.web.default.svc.cluster.local', ttl: 5, data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' } }]);
  assert.deepEqual(reply.additionals, [{ type: 'A', name: 'web.default.svc.cluster.local', ttl: 5, data: '10.43.0.20' }]);
  assert.deepEqual(data((await ask('_dns._udp.web.default.svc.cluster.local', 'SRV')).answers), ['SRV {"priority":0,"weight":100,"port":53,"target":"web.default.svc.cluster.local"}']);
  assert.equal((await ask('_dns._tcp.web.default.svc.cluster.local', 'SRV')).rcode, 'NXDOMAIN', 'the port is UDP');
  assert.equal((await ask('_nope._tcp.web.default.svc.cluster.local', 'SRV')).rcode, 'NXDOMAIN');
  // Without port and protocol, every port.
  assert.equal((await ask('web.default.svc.cluster.local', 'SRV')).answers.length, 2);
});

test('SRV of a headless Service: one per endpoint at its own name, weights shared', async () => {
  const reply = await ask('_pg._tcp.db.default.svc.cluster.local', 'SRV');
  assert.deepEqual(data(reply.answers).sort(), [
    'SRV {"priority":0,"weight":50,"port":5432,"target":"10-42-0-6.db.default.svc.cluster.local"}',
    'SRV {"priority":0,"weight":50,"port":5432,"target":"db-0.db.default.svc.cluster.local"}',
  ]);
  assert.deepEqual(reply.additionals.map((a) => `${a.name} ${'data' in a ? a.data : ''}`).sort(), ['10-42-0-6.db.default.svc.cluster.local 10.42.0.6', 'db-0.db.default.svc.cluster.local 10.42.0.5']);
});

test('a pod name spells its address', async () => {
  assert.deepEqual(data((await ask('10-42-0-5.default.pod.cluster.local', 'A')).answers), ['A 10.42.0.5']);
  assert.equal((await ask('not-an-ip.default.pod.cluster.local', 'A')).rcode, 'NXDOMAIN');
  assert.equal((await ask('10-42-0-5.nowhere.pod.cluster.local', 'A')).rcode, 'NXDOMAIN');
});

test('an ExternalName Service is a CNAME, followed out of the zone or inside it', async () => {
  lookups.length = 0;
  assert.deepEqual(data((await ask('ext.default.svc.cluster.local', 'A')).answers), ['CNAME example.com', 'A 93.184.216.34']);
  assert.deepEqual(lookups, ['example.com A']);
  assert.deepEqual(data((await ask('ext.default.svc.cluster.local', 'CNAME')).answers), ['CNAME example.com']);
  assert.deepEqual(data((await ask('alias.default.svc.cluster.local', 'A')).answers), ['CNAME web.default.svc.cluster.local', 'A 10.43.0.20']);
  assert.deepEqual((await ask('ext.default.svc.cluster.local', 'SRV')).answers, [], 'no SRV for an ExternalName');
  assert.equal((await ask('_http._tcp.ext.default.svc.cluster.local', 'SRV')).rcode, 'NXDOMAIN');
});

test('the zone apex has its SOA and NS; dns-version.<zone> tells the schema version', async () => {
  assert.equal((await ask('cluster.local', 'SOA')).answers[0]?.type, 'SOA');
  const ns = await ask('cluster.local', 'NS');
  assert.deepEqual(data(ns.answers), ['NS kube-dns.kube-system.svc.cluster.local']);
  assert.deepEqual(data(ns.additionals), ['A 10.43.0.10']);
  assert.deepEqual(data((await ask('ns.dns.cluster.local', 'A')).answers), ['A 10.43.0.10']);
  assert.deepEqual((await ask('dns-version.cluster.local', 'TXT')).answers, [{ type: 'TXT', name: 'dns-version.cluster.local', ttl: 28800, data: '1.1.0' }]);
  assert.equal((await ask('cluster.local', 'AXFR')).rcode, 'REFUSED');
});

test('PTR for ClusterIPs and ready endpoints; other reverse names and other zones are forwarded', async () => {
  assert.deepEqual(data((await ask('20.0.43.10.in-addr.arpa', 'PTR')).answers), ['PTR web.default.svc.cluster.local']);
  assert.deepEqual(data((await ask('5.0.42.10.in-addr.arpa', 'PTR')).answers), ['PTR db-0.db.default.svc.cluster.local']);
  assert.equal(await answerClusterQuery({ name: '7.0.42.10.in-addr.arpa', type: 'PTR' }, zone), undefined, 'not ready');
  assert.equal(await answerClusterQuery({ name: '1.1.168.192.in-addr.arpa', type: 'PTR' }, zone), undefined);
  assert.equal(await answerClusterQuery({ name: 'example.com', type: 'A' }, zone), undefined);
  assert.equal(await answerClusterQuery({ name: 'notcluster.local', type: 'A' }, zone), undefined);
});
