// Acceptance 5, cascading delete through the garbage collector: deleting a Deployment removes
// its ReplicaSets and pods (background, and foreground: gone before the Deployment is);
// --cascade=orphan leaves them, no longer owned; deleting a namespace empties it, then
// removes it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { waitFor, type SkiffServer } from './harness.ts';
import { getJson, isLive, isReady, podsOf, startCluster, waitForAvailable } from './agents.ts';

async function replicaSetsOf(server: SkiffServer, selector: string, namespace = 'default'): Promise<ReplicaSet[]> {
  return (await getJson<{ items: ReplicaSet[] }>(server, ['replicasets', '-n', namespace, '-l', selector])).items;
}

/** Creates a Deployment of 3 and waits for it; its ReplicaSet and pod names. */
async function deploy(server: SkiffServer, name: string, namespace = 'default'): Promise<{ replicaSets: string[]; pods: string[] }> {
  await server.ok(['create', 'deployment', name, '--image=nginx:1.27', '--replicas=3', '-n', namespace]);
  await waitForAvailable(server, name, 3, namespace);
  const replicaSets = (await replicaSetsOf(server, `app=${name}`, namespace)).map((rs) => rs.metadata!.name!);
  const pods = (await podsOf(server, `app=${name}`, namespace)).filter(isLive).map((p) => p.metadata!.name!);
  assert.equal(replicaSets.length, 1);
  assert.equal(pods.length, 3);
  return { replicaSets, pods };
}

test('deleting a Deployment, in the background, removes its ReplicaSets and pods', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'sim', count: 2 }]);
  await deploy(server, 'bg');
  await server.ok(['delete', 'deployment', 'bg']);
  await waitFor(async () => (await replicaSetsOf(server, 'app=bg')).length === 0 && (await podsOf(server, 'app=bg')).length === 0, 30_000, 'the ReplicaSet and pods of bg to go');
});

test('deleting a Deployment in the foreground removes its ReplicaSets and pods before it', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'sim', count: 2 }]);
  await deploy(server, 'fg');
  // kubectl waits for the Deployment to be gone; in the foreground that is after its dependents.
  await server.ok(['delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=30s']);
  assert.deepEqual(await replicaSetsOf(server, 'app=fg'), []);
  assert.deepEqual(await podsOf(server, 'app=fg'), []);
});

test('deleting a Deployment with --cascade=orphan leaves its ReplicaSets and pods, unowned', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'sim', count: 2 }]);
  const before = await deploy(server, 'orphan');
  await server.ok(['delete', 'deployment', 'orphan', '--cascade=orphan', '--timeout=30s']);
  await server.fails(['get', 'deployment', 'orphan']);

  const replicaSets = await replicaSetsOf(server, 'app=orphan');
  assert.deepEqual(replicaSets.map((rs) => rs.metadata?.name), before.replicaSets);
  const [rs] = replicaSets;
  assert.equal(rs.metadata?.deletionTimestamp, undefined);
  assert.equal(rs.metadata?.ownerReferences?.length ?? 0, 0, 'the orphaned ReplicaSet no longer names the Deployment as owner');
  assert.equal(rs.spec?.replicas, 3);

  const pods = await podsOf(server, 'app=orphan');
  assert.deepEqual(pods.map((p) => p.metadata?.name).sort(), [...before.pods].sort(), 'the same pods, none deleted or replaced');
  for (const pod of pods) {
    assert.ok(isLive(pod) && isReady(pod), `${pod.metadata?.name} still runs`);
    assert.deepEqual(pod.metadata?.ownerReferences?.map((o) => o.name), [rs.metadata?.name], 'pods stay owned by their ReplicaSet');
  }
});

test('deleting a namespace deletes everything in it, then the namespace', async (t) => {
  const { server } = await startCluster(t, [{ nodeName: 'sim', count: 2 }]);
  await server.ok(['create', 'namespace', 'x']);
  await deploy(server, 'web', 'x');
  await server.ok(['create', 'configmap', 'settings', '-n', 'x', '--from-literal=a=b']);
  await server.ok(['expose', 'deployment', 'web', '-n', 'x', '--port=80']);

  await server.ok(['delete', 'namespace', 'x', '--wait=false']);
  const terminating = await server.kubectl(['get', 'namespace', 'x', '-o', 'json']);
  if (terminating.code === 0) assert.equal((JSON.parse(terminating.stdout) as Namespace).status?.phase, 'Terminating');
  await waitFor(async () => /NotFound/.test((await server.kubectl(['get', 'namespace', 'x'])).stderr), 30_000, 'namespace x to go');

  for (const kind of ['deployments', 'replicasets', 'pods', 'services', 'configmaps', 'endpoints', 'serviceaccounts']) {
    assert.deepEqual((await getJson<{ items: unknown[] }>(server, [kind, '-n', 'x'])).items, [], `no ${kind} left in x`);
  }
});
