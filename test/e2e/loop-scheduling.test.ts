// Acceptance 4, scheduling on simulated nodes, one rule per test, each on its own cluster:
// resource requests (an unschedulable pod waits with a clear event and schedules once a big
// enough node joins), nodeSelector, required node affinity, pod anti-affinity, taints and
// topology spread.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { waitFor, type SkiffServer } from './harness.ts';
import { getJson, isLive, isReady, podsOf, SimulatedAgent, startCluster, waitForAvailable } from './agents.ts';

/** A pod (or Deployment, with replicas) running nginx with extra spec fields. */
function podManifest(name: string, spec: object, labels: Record<string, string> = { app: name }): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec } });
}

function deploymentManifest(name: string, replicas: number, podSpec: object): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...podSpec } },
    },
  });
}

/** Waits for the pod to run Ready, on a node; returns it. */
async function running(server: SkiffServer, name: string): Promise<Pod> {
  return waitFor(async () => {
    const pod = await getJson<Pod>(server, ['pod', name]);
    return pod.spec?.nodeName && pod.status?.phase === 'Running' && isReady(pod) ? pod : undefined;
  }, 30_000, `pod ${name} to run`);
}

/** Waits for the scheduler's FailedScheduling event about the pod; its message. */
async function failedScheduling(server: SkiffServer, name: string): Promise<string> {
  const event = await waitFor(async () => {
    const events = await getJson<{ items: Event[] }>(server, ['events', '--field-selector', `involvedObject.name=${name},reason=FailedScheduling`]);
    return events.items[0];
  }, 30_000, `a FailedScheduling event for ${name}`);
  const pod = await getJson<Pod>(server, ['pod', name]);
  assert.equal(pod.spec?.nodeName, undefined, `${name} is not bound`);
  assert.equal(pod.status?.phase, 'Pending');
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(scheduled?.status, 'False');
  assert.equal(scheduled?.reason, 'Unschedulable');
  return event.message ?? '';
}

/** The nodes the selected pods are bound to, sorted (a node once per pod on it). */
async function nodesOf(server: SkiffServer, selector: string): Promise<string[]> {
  return (await podsOf(server, selector)).filter(isLive).flatMap((p) => p.spec?.nodeName ?? []).sort();
}

test('a pod requesting more cpu than any node has stays Pending, then schedules on a bigger node', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'small', count: 2 }]);
  const resources = { requests: { cpu: '16', memory: '1Gi' } };
  await server.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources }] } }) });

  assert.match(await failedScheduling(server, 'big'), /^0\/2 nodes are available: 2 Insufficient cpu\./);
  assert.match(await server.ok(['describe', 'pod', 'big']), /FailedScheduling .*0\/2 nodes are available: 2 Insufficient cpu\./);

  const agent = await SimulatedAgent.start(server, { nodeName: 'large', count: 1, capacity: { cpu: '64', memory: '256Gi' } });
  t.after(() => agent.stop());
  assert.equal((await running(server, 'big')).spec?.nodeName, 'large-0');
});

test('nodeSelector places pods only on matching nodes', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'hdd', count: 2 }, { nodeName: 'ssd', count: 1, labels: { disk: 'ssd' } }]);
  await server.ok(['apply', '-f', '-'], { input: deploymentManifest('fast', 3, { nodeSelector: { disk: 'ssd' } }) });
  await waitForAvailable(server, 'fast', 3);
  assert.deepEqual(await nodesOf(server, 'app=fast'), ['ssd-0', 'ssd-0', 'ssd-0']);

  await server.ok(['apply', '-f', '-'], { input: podManifest('nvme', { nodeSelector: { disk: 'nvme' } }) });
  assert.match(await failedScheduling(server, 'nvme'), /^0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\./);
});

test('required node affinity places pods only on matching nodes', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'front', count: 2, labels: { tier: 'front' } }, { nodeName: 'back', count: 2, labels: { tier: 'back' } }]);
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'batch'] }] }] },
    },
  };
  await server.ok(['apply', '-f', '-'], { input: deploymentManifest('db', 4, { affinity }) });
  await waitForAvailable(server, 'db', 4);
  const nodes = await nodesOf(server, 'app=db');
  assert.equal(nodes.length, 4);
  assert.ok(nodes.every((n) => n.startsWith('back-')), nodes.join(', '));
});

test('required pod anti-affinity puts one pod per node; one more stays Pending', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'sim', count: 3 }]);
  const antiAffinity = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'solo' } }, topologyKey: 'kubernetes.io/hostname' }],
    },
  };
  await server.ok(['apply', '-f', '-'], { input: deploymentManifest('solo', 3, { affinity: antiAffinity }) });
  await waitForAvailable(server, 'solo', 3);
  assert.deepEqual(await nodesOf(server, 'app=solo'), ['sim-0', 'sim-1', 'sim-2']);

  await server.ok(['scale', 'deployment', 'solo', '--replicas=4']);
  const pending = await waitFor(async () => (await podsOf(server, 'app=solo')).find((p) => isLive(p) && !p.spec?.nodeName), 30_000, 'a fourth pod');
  assert.match(await failedScheduling(server, pending.metadata!.name!), /^0\/3 nodes are available: 3 node\(s\) didn't match pod anti-affinity rules\./);
  assert.deepEqual(await nodesOf(server, 'app=solo'), ['sim-0', 'sim-1', 'sim-2']);
});

test('a tainted node takes no pod without a matching toleration, and takes one with it', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'plain', count: 1 }, { nodeName: 'gpu', count: 1, taints: ['dedicated=gpu:NoSchedule'] }]);
  await server.ok(['apply', '-f', '-'], { input: deploymentManifest('web', 4, {}) });
  await waitForAvailable(server, 'web', 4);
  assert.deepEqual(await nodesOf(server, 'app=web'), ['plain-0', 'plain-0', 'plain-0', 'plain-0']);

  const onGpu = { nodeSelector: { 'kubernetes.io/hostname': 'gpu-0' } };
  await server.ok(['apply', '-f', '-'], { input: podManifest('intolerant', onGpu) });
  assert.match(await failedScheduling(server, 'intolerant'), /^0\/2 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector, 1 node\(s\) had untolerated taint \{dedicated: gpu\}\./);

  const toleration = { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' };
  await server.ok(['apply', '-f', '-'], { input: podManifest('tolerant', { ...onGpu, tolerations: [toleration] }) });
  assert.equal((await running(server, 'tolerant')).spec?.nodeName, 'gpu-0');
});

test('topology spread keeps zones within maxSkew 1', async (t) => {
  const zone = 'topology.kubernetes.io/zone';
  // Zone a has one node, zone b three: resource scoring alone would favour b.
  const { server } = await startCluster(t, [{ nodeName: 'za', count: 1, labels: { [zone]: 'a' } }, { nodeName: 'zb', count: 3, labels: { [zone]: 'b' } }]);
  const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }] };
  await server.ok(['apply', '-f', '-'], { input: deploymentManifest('spread', 6, spread) });
  await waitForAvailable(server, 'spread', 6);
  const nodes = await nodesOf(server, 'app=spread');
  assert.equal(nodes.filter((n) => n.startsWith('za-')).length, 3, nodes.join(', '));
  assert.equal(nodes.filter((n) => n.startsWith('zb-')).length, 3, nodes.join(', '));
});
