// Simulated nodes against a real server: they register Ready, keep their leases fresh, play
// the pods bound to them, finish deletions, and go silent when stopped.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor, withoutControlLoops } from '../../../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../../client/httpClient.ts';
import { createInformerFactory, type InformerFactory } from '../../client/informer.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import { startSimulatedNodes, type SimulatedNodes } from './simulatedNodes.ts';
import type { Lease, Node, Pod } from '../../api/objects.ts';

let server: SkiffServer;
let client: Client;
let informers: InformerFactory;
let sim: SimulatedNodes;
const stop = new AbortController();

before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  informers = createInformerFactory(client);
  // Leases of 2 s, renewed every 500 ms: the tests see renewals without waiting 10 s.
  sim = await startSimulatedNodes(client, informers, { count: 3, namePrefix: 'sim-', labels: { pool: 'blue' }, leaseDurationSeconds: 2, signal: stop.signal });
});

after(async () => {
  stop.abort();
  await sim?.stop();
  informers?.stop();
  await server?.stop();
});

const getPod = (name: string) => client.get<Pod>(types.pods, 'default', name).catch(() => undefined);
const ready = (obj: Pod | Node | undefined) => obj?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const lease = (name: string) => client.get<Lease>(types.leases, 'kube-node-lease', name);

function pod(name: string, nodeName: string, extra: { annotations?: Record<string, string>; restartPolicy?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: extra.annotations },
    spec: { nodeName, restartPolicy: extra.restartPolicy ?? 'Always', containers: [{ name: 'app', image: 'nginx' }] },
  } as Pod;
}

test('the nodes register Ready, with labels, and keep their leases fresh', async () => {
  assert.deepEqual(sim.nodeNames, ['sim-0', 'sim-1', 'sim-2']);
  const out = await server.ok(['get', 'nodes', '-l', 'pool=blue', '--no-headers']);
  assert.equal(out.trim().split('\n').filter((l) => /\sReady\s/.test(l)).length, 3, out);
  const first = await lease('sim-1');
  assert.equal(first.spec?.holderIdentity, 'sim-1');
  assert.equal(first.metadata?.ownerReferences?.[0]?.kind, 'Node');
  await waitFor(async () => (await lease('sim-1')).spec?.renewTime !== first.spec?.renewTime, 5_000, 'a lease renewal');
});

test('pods bound to the nodes run and become ready, each with its own IP', async () => {
  for (let i = 0; i < 6; i++) await client.create(types.pods, pod(`web-${i}`, `sim-${i % 3}`));
  const pods = await waitFor(async () => {
    const all = await Promise.all(Array.from({ length: 6 }, (_, i) => getPod(`web-${i}`)));
    return all.every((p) => p?.status?.phase === 'Running' && ready(p) === 'True') ? (all as Pod[]) : undefined;
  }, 10_000, 'six running pods');
  const ips = pods!.map((p) => p.status!.podIP);
  assert.equal(new Set(ips).size, 6, `unique pod IPs: ${ips}`);
  const node = await client.get<Node>(types.nodes, undefined, 'sim-1');
  assert.equal(pods![1].status!.hostIP, node.status!.addresses![0].address);
  const table = await server.ok(['get', 'pod', 'web-0', '--no-headers']);
  assert.match(table, /web-0\s+1\/1\s+Running\s+0/);
});

test('a pod annotated not ready runs unready; one with an exit time completes', async () => {
  await client.create(types.pods, pod('stuck', 'sim-0', { annotations: { 'skiff.dev/simulate-ready': 'false' } }));
  await client.create(types.pods, pod('job', 'sim-2', { restartPolicy: 'Never', annotations: { 'skiff.dev/simulate-exit-after-ms': '300' } }));
  const stuck = await waitFor(async () => {
    const p = await getPod('stuck');
    return p?.status?.phase === 'Running' ? p : undefined;
  }, 10_000, 'the unready pod to run');
  assert.equal(ready(stuck), 'False');
  await waitFor(async () => (await getPod('job'))?.status?.phase === 'Succeeded', 10_000, 'the job pod to succeed');
});

test('a deleted pod is removed once its simulated containers stop', async () => {
  await client.create(types.pods, pod('doomed', 'sim-1'));
  await waitFor(async () => (await getPod('doomed'))?.status?.phase === 'Running', 10_000, 'the pod to run');
  await server.ok(['delete', 'pod', 'doomed', '--timeout=20s']); // waits until it is gone
  assert.equal(await getPod('doomed'), undefined);
});

test('a node marked Unknown by someone else is reported Ready again', async () => {
  const node = await client.get<Node>(types.nodes, undefined, 'sim-2');
  const conditions = node.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
  await client.patch(types.nodes, undefined, 'sim-2', 'merge', { status: { conditions } }, { subresource: 'status' });
  await waitFor(async () => ready(await client.get<Node>(types.nodes, undefined, 'sim-2')) === 'True', 5_000, 'the node to report Ready');
});

// That stopped nodes go silent (and then Unknown) is shown by the node lifecycle controller's tests.
test('stopped, the nodes stay registered', async () => {
  await sim.stop();
  assert.equal((await client.list(types.nodes)).items.length, 3);
});
