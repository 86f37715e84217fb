// Cluster DNS against a real server, listening on 127.0.0.1: names follow the Services and
// EndpointSlices as they change, the node's kube-dns EndpointSlice is kept (and put back when
// deleted), and removed when the DNS stops.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import * as packet from 'dns-packet';
import type { DecodedPacket, Question } from 'dns-packet';
import { SkiffServer, waitFor, withoutControlLoops } from '../../../test/e2e/harness.ts';
import type { EndpointSlice, Node, Service } from '../../api/objects.ts';
import type { Client } from '../../client/client.ts';
import { createHttpClient, loadKubeconfig } from '../../client/httpClient.ts';
import { createInformerFactory, type InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { startClusterDns, type ClusterDns } from './clusterDns.ts';

let server: SkiffServer;
let client: Client;
let informers: InformerFactory;
let dns: ClusterDns;
const stop = new AbortController();
const nodeName = 'dns-node';

before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  await client.create<Node>(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
  await client.create<Service>(types.services, { metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.43.0.77', ports: [{ name: 'http', port: 80 }] } });
  informers = createInformerFactory(client);
  dns = await startClusterDns({ client, informers, nodeName, listenAddress: '127.0.0.1', port: 0, upstreams: [], signal: stop.signal });
});

after(async () => {
  stop.abort();
  await dns?.stop();
  informers?.stop();
  await server?.stop();
});

async function ask(name: string, type: Question['type'] = 'A'): Promise<DecodedPacket & { rcode: string }> {
  const socket = dgram.createSocket('udp4');
  try {
    socket.send(packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ name, type }] }), dns.port, dns.address);
    const [reply] = (await once(socket, 'message')) as [Buffer];
    return packet.decode(reply) as DecodedPacket & { rcode: string };
  } finally {
    socket.close();
  }
}
const addresses = async (name: string) => (await ask(name)).answers?.flatMap((a) => (a.type === 'A' ? [a.data] : [])).sort();

test('a Service existing at start resolves to its ClusterIP; a missing one is NXDOMAIN', async () => {
  assert.deepEqual(await addresses('web.default.svc.cluster.local'), ['10.43.0.77']);
  assert.equal((await ask('nope.default.svc.cluster.local')).rcode, 'NXDOMAIN');
});

test('a headless Service created later resolves to its ready endpoints, by hostname too', async () => {
  await client.create<Service>(types.services, { metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } });
  await client.create<EndpointSlice>(types.endpointSlices, {
    metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } },
      { addresses: ['10.42.0.6'], hostname: 'db-1', conditions: { ready: false } },
    ],
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  });
  await waitFor(async () => (await addresses('db.default.svc.cluster.local'))?.join() === '10.42.0.5', 10_000, 'the headless service to resolve');
  assert.deepEqual(await addresses('db-0.db.default.svc.cluster.local'), ['10.42.0.5']);
  assert.equal((await ask('db-1.db.default.svc.cluster.local')).rcode, 'NXDOMAIN', 'not ready');
});

test('names outside the cluster go to the upstreams: none here, so SERVFAIL', async () => {
  assert.equal((await ask('example.com')).rcode, 'SERVFAIL');
});

test('the node keeps an EndpointSlice of kube-dns naming its listener, owned by the Node', async () => {
  const name = `kube-dns-${nodeName}`;
  const slice = await waitFor(() => client.get<EndpointSlice>(types.endpointSlices, 'kube-system', name).catch(() => undefined), 10_000, 'the kube-dns slice');
  assert.deepEqual(slice.metadata?.labels, { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'skiff-dns' });
  assert.equal(slice.metadata?.ownerReferences?.[0]?.kind, 'Node');
  assert.deepEqual(slice.endpoints?.map((e) => [e.addresses, e.nodeName, e.conditions?.ready]), [[['127.0.0.1'], nodeName, true]]);
  assert.deepEqual(slice.ports?.map((p) => [p.name, p.port, p.protocol]), [['dns', dns.port, 'UDP'], ['dns-tcp', dns.port, 'TCP']]);

  await client.delete(types.endpointSlices, 'kube-system', name);
  await waitFor(async () => {
    const back = await client.get<EndpointSlice>(types.endpointSlices, 'kube-system', name).catch(() => undefined);
    return back && back.metadata?.uid !== slice.metadata?.uid;
  }, 10_000, 'the slice put back');

  await dns.stop();
  await assert.rejects(client.get(types.endpointSlices, 'kube-system', name), /not found/);
});
