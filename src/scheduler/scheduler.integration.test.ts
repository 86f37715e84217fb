// The scheduler against a real server: nodes created directly through the API, pods bound
// through pods/binding, FailedScheduling events and PodScheduled conditions as kubectl
// shows them. Pods name their own scheduler, so a scheduler the server may run leaves them alone.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor, withoutControlLoops } from '../../test/e2e/harness.ts';
import type { Client } from '../client/client.ts';
import { createEventRecorder } from '../client/events.ts';
import { createHttpClient, loadKubeconfig } from '../client/httpClient.ts';
import { createInformerFactory, type InformerFactory } from '../client/informer.ts';
import { types } from '../client/resourceTypes.ts';
import { testNode, testPod } from './fakeCluster.ts';
import type { Node, Pod } from './objects.ts';
import { startScheduler } from './scheduler.ts';

const schedulerName = 'test-scheduler';
const ns = 'sched';
let server: SkiffServer;
let client: Client;
const stop = new AbortController();
let factory: InformerFactory;

before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  await client.create(types.namespaces, { metadata: { name: ns } });
  for (const name of ['n1', 'n2', 'n3']) await createNode(testNode(name, { cpu: '2', memory: '4Gi', labels: { disk: name === 'n3' ? 'ssd' : 'hdd' } }));
  factory = createInformerFactory(client);
  factory.start();
  await startScheduler({ client, informers: factory, recorder: (c) => createEventRecorder(client, c), signal: stop.signal }, { schedulerName, initialBackoffMs: 100 });
});

after(async () => {
  stop.abort();
  factory?.stop();
  await server?.stop();
});

/** Creates the node, then reports its status as a kubelet does (skiff drops status on create). */
async function createNode(node: Node): Promise<void> {
  await client.create<Node>(types.nodes, node);
  await client.patch(types.nodes, undefined, node.metadata!.name!, 'merge', { status: node.status }, { subresource: 'status' });
}

const pod = (name: string, requests: Record<string, string>, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => {
  const p = testPod(name, requests, { schedulerName, ...spec });
  return { ...p, metadata: { ...p.metadata, namespace: ns } };
};
const get = (name: string) => client.get<Pod>(types.pods, ns, name);
const eventsFor = async (name: string) => (await client.list<any>(types.events, { namespace: ns })).items.filter((e) => e.involvedObject?.name === name);

test('pods are bound through pods/binding and get a Scheduled event', async () => {
  for (let i = 0; i < 6; i++) await client.create(types.pods, pod(`web-${i}`, { cpu: '500m', memory: '256Mi' }));
  const nodes = await waitFor(async () => {
    const bound = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => (await get(`web-${i}`)).spec?.nodeName));
    return bound.every(Boolean) ? bound : undefined;
  }, 15_000, 'six pods bound');
  assert.deepEqual(new Set(nodes), new Set(['n1', 'n2', 'n3']), 'spread over every node');
  const scheduled = (await get('web-0')).status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(scheduled?.status, 'True');
  await waitFor(async () => (await eventsFor('web-0')).some((e) => e.reason === 'Scheduled' && e.message === `Successfully assigned ${ns}/web-0 to ${nodes![0]}` && e.source?.component === schedulerName), 10_000, 'the Scheduled event');
});

test('a pod that fits nowhere stays Pending with a FailedScheduling event, and schedules once a node is added', async () => {
  await client.create(types.pods, pod('huge', { cpu: '3' }));
  const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..';
  const condition = await waitFor(async () => (await get('huge')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'), 15_000, 'PodScheduled=False');
  assert.deepEqual([condition!.reason, condition!.message], ['Unschedulable', message]);
  await waitFor(async () => (await eventsFor('huge')).some((e) => e.type === 'Warning' && e.reason === 'FailedScheduling' && e.message === message), 10_000, 'the FailedScheduling event');
  await createNode(testNode('big', { cpu: '8', memory: '16Gi' }));
  await waitFor(async () => (await get('huge')).spec?.nodeName === 'big', 15_000, 'the pod to land on the new node');
});

test('nodeSelector and taints are honoured', async () => {
  await client.create(types.pods, pod('on-ssd', {}, { nodeSelector: { disk: 'ssd' } }));
  await waitFor(async () => (await get('on-ssd')).spec?.nodeName === 'n3', 15_000, 'the pod on the ssd node');
  await createNode(testNode('gpu', { labels: { disk: 'gpu' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
  await client.create(types.pods, pod('wants-gpu', {}, { nodeSelector: { disk: 'gpu' } }));
  const condition = await waitFor(async () => (await get('wants-gpu')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'), 15_000, 'PodScheduled=False');
  assert.match(condition!.message!, /^0\/5 nodes are available: 1 node\(s\) had untolerated taint \{dedicated: gpu\}, 4 node\(s\) didn't match Pod's node affinity\/selector\./);
  await client.create(types.pods, pod('tolerates-gpu', {}, { nodeSelector: { disk: 'gpu' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
  await waitFor(async () => (await get('tolerates-gpu')).spec?.nodeName === 'gpu', 15_000, 'the tolerating pod on the gpu node');
});
