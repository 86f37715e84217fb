// Node lifecycle and taint eviction against a real server, with simulated nodes: a
// simulator that stops makes its node Unknown and tainted, and its pods leave as their
// tolerations say; the nodes that keep talking are left alone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor, withoutControlLoops } from '../../../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../../client/httpClient.ts';
import { createInformerFactory, type InformerFactory } from '../../client/informer.ts';
import { createEventRecorder } from '../../client/events.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import { startSimulatedNodes, type SimulatedNodes } from '../../agent/simulate/simulatedNodes.ts';
import { nodeLifecycleController } from './nodeLifecycleController.ts';
import { taintEvictionController } from '../taintEviction/taintEvictionController.ts';
import type { Node, Pod } from '../../api/objects.ts';

let server: SkiffServer;
let client: Client;
const controllers = new AbortController();
const started: { sim: SimulatedNodes; informers: InformerFactory }[] = [];

before(async () => {
  server = await SkiffServer.start(undefined, 0, [...withoutControlLoops, '--default-toleration-seconds', '0']);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  const informers = createInformerFactory(client);
  const ctx = {
    client,
    informers,
    recorder: (component: string) => createEventRecorder(client, component),
    // A short grace period, and nodes tainted as fast as they fail (upstream: one per 10 s per zone).
    options: { nodeMonitorGracePeriodMs: 2_000, nodeMonitorPeriodMs: 250, nodeEvictionRate: 100 },
    signal: controllers.signal,
  };
  informers.start();
  await nodeLifecycleController.start(ctx);
  await taintEvictionController.start(ctx);
  controllers.signal.addEventListener('abort', () => informers.stop());
});

after(async () => {
  controllers.abort();
  for (const { sim, informers } of started) {
    await sim.stop();
    informers.stop();
  }
  await server?.stop();
});

/** A simulator as its own agent process would be: its own informers. */
async function simulate(count: number, namePrefix: string): Promise<SimulatedNodes> {
  const informers = createInformerFactory(client);
  // Heartbeats (every 500 ms) well inside the short grace period.
  const sim = await startSimulatedNodes(client, informers, { count, namePrefix, leaseDurationSeconds: 2, signal: controllers.signal });
  started.push({ sim, informers });
  return sim;
}

function pod(name: string, nodeName: string, tolerations: unknown[] = []): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, tolerations, containers: [{ name: 'c', image: 'nginx' }] } } as Pod;
}

const getNode = (name: string) => client.get<Node>(types.nodes, undefined, name);
const getPod = (name: string) => client.get<Pod>(types.pods, 'default', name).catch(() => undefined);
const ready = (obj: Node | Pod | undefined) => obj?.status?.conditions?.find((c) => c.type === 'Ready')?.status;

test('a silent node becomes Unknown and unreachable; its pods leave as their tolerations say', async () => {
  await simulate(2, 'alive-');
  const doomed = await simulate(1, 'doomed-');
  const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' };
  await client.create(types.pods, pod('intolerant', 'doomed-0'));
  await client.create(types.pods, pod('patient', 'doomed-0', [{ ...unreachable, tolerationSeconds: 2 }]));
  await client.create(types.pods, pod('loyal', 'doomed-0', [unreachable]));
  await client.create(types.pods, pod('bystander', 'alive-0'));
  await waitFor(async () => (await Promise.all(['intolerant', 'patient', 'loyal', 'bystander'].map(getPod))).every((p) => ready(p) === 'True'), 10_000, 'the pods to be ready');

  await doomed.stop();
  const node = (await waitFor(async () => {
    const n = await getNode('doomed-0');
    return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
  }, 20_000, 'the unreachable taint'))!;
  const taint = node.spec!.taints!.find((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute')!;
  assert.ok(taint.timeAdded, 'the NoExecute taint says when it came');
  assert.ok(node.spec!.taints!.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'), 'the scheduler is kept away too');
  const readyCondition = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([readyCondition.status, readyCondition.reason, readyCondition.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
  assert.equal(node.status!.conditions!.find((c) => c.type === 'MemoryPressure')!.status, 'Unknown');

  // Nobody is left to finish the deletions on that node: the pods stay Terminating.
  const terminating = async (name: string) => !!(await getPod(name))?.metadata?.deletionTimestamp;
  await waitFor(() => terminating('intolerant'), 10_000, 'the intolerant pod to be evicted');
  const intolerant = (await getPod('intolerant'))!;
  assert.equal(ready(intolerant), 'False', 'pods on the lost node are marked not ready');
  assert.equal(intolerant.status!.conditions!.find((c) => c.type === 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
  await waitFor(() => terminating('patient'), 10_000, 'the patient pod to be evicted after its toleration');
  assert.ok(Date.now() >= Date.parse(taint.timeAdded!) + 2_000 - 1_000, 'not before its tolerationSeconds (whole-second timestamps)');
  assert.equal(await terminating('loyal'), false, 'a pod tolerating the taint for ever stays');

  const events = await client.list<any>(types.events, { namespace: 'default' });
  assert.ok(events.items.some((e) => e.reason === 'TaintManagerEviction' && e.message === 'Marking for deletion Pod default/intolerant'));
  assert.ok(events.items.some((e) => e.reason === 'NodeNotReady' && e.involvedObject?.name === 'loyal'));
  const nodeEvents = await client.list<any>(types.events, {});
  assert.ok(nodeEvents.items.some((e) => e.reason === 'NodeNotReady' && e.involvedObject?.kind === 'Node' && e.message === 'Node doomed-0 status is now: NodeNotReady'));

  // The nodes still talking were left alone.
  const alive = await getNode('alive-0');
  assert.equal(ready(alive), 'True');
  assert.deepEqual(alive.spec?.taints ?? [], []);
  assert.equal(await terminating('bystander'), false);
});

test('a node that talks again is untainted', async () => {
  const sim = await simulate(1, 'flaky-');
  await sim.stop();
  await waitFor(async () => (await getNode('flaky-0')).spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), 20_000, 'the unreachable taint');
  await simulate(1, 'flaky-'); // the agent comes back
  await waitFor(async () => {
    const node = await getNode('flaky-0');
    return ready(node) === 'True' && (node.spec?.taints ?? []).length === 0;
  }, 20_000, 'the node to be Ready and untainted');
});
