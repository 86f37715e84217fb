// The ReplicaSet controller against a real server: pods created and replaced, owner
// references, adoption and release, delete order, status, and no over-creation.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { types } from '../../client/resourceTypes.ts';
import { createInformerFactory } from '../../client/informer.ts';
import { startTestbed, waitFor, waitForGone, type Testbed } from '../garbageCollector/controllerTestbed.ts';
import type { Pod, ReplicaSet } from '../../api/objects.ts';
import { isPodActive, isPodReady } from './pods.ts';
import { replicaSetController } from './replicaSetController.ts';
import { startReadyPods } from './readyPods.ts';

let bed: Testbed;
let stopControllers: () => void;
let stopKubelet: () => void;
const ns = 'rs';

before(async () => {
  bed = await startTestbed();
  await bed.client.create(types.namespaces, { metadata: { name: ns } });
  stopControllers = await bed.run([replicaSetController]);
  // Pods labelled ready=never stay unready.
  stopKubelet = startReadyPods(bed.client, (pod) => pod.metadata?.labels?.ready !== 'never');
});
after(async () => {
  stopKubelet?.();
  stopControllers?.();
  await bed?.stop();
});

const replicaSet = (name: string, replicas: number, labels: Record<string, string> = {}): ReplicaSet => ({
  metadata: { name, namespace: ns },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name, ...labels }, annotations: { note: 'from the template' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

const podsOf = async (app: string) => (await bed.client.list<Pod>(types.pods, { namespace: ns, labelSelector: `app=${app}` })).items.filter(isPodActive);
const getRS = (name: string) => bed.client.get<ReplicaSet>(types.replicaSets, ns, name);

test('a ReplicaSet creates its pods, owned, named after it, labelled and annotated from the template, and reports them', async () => {
  const rs = await bed.client.create<ReplicaSet>(types.replicaSets, replicaSet('web', 3));
  const pods = await waitFor(async () => ((await podsOf('web')).length === 3 ? podsOf('web') : undefined), 15_000, '3 pods');
  for (const pod of pods ?? []) {
    assert.match(pod.metadata!.name!, /^web-[a-z0-9]{5}$/);
    assert.equal(pod.metadata?.annotations?.note, 'from the template');
    assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
  }
  const status = await waitFor(async () => {
    const s = (await getRS('web')).status;
    return s?.availableReplicas === 3 ? s : undefined;
  }, 15_000, 'status to count 3 available');
  assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  await waitFor(async () => (await bed.client.list<any>(types.events, { namespace: ns })).items.some((e) => e.reason === 'SuccessfulCreate' && /^Created pod: web-/.test(e.message)), 10_000, 'a SuccessfulCreate event');
});

test('a deleted pod is replaced by one with a new name', async () => {
  await bed.client.create(types.replicaSets, replicaSet('heal', 2));
  const before = await waitFor(async () => ((await podsOf('heal')).length === 2 ? podsOf('heal') : undefined), 15_000, '2 pods');
  const victim = before![0]!.metadata!.name!;
  await bed.client.delete(types.pods, ns, victim);
  const after = await waitFor(async () => {
    const pods = await podsOf('heal');
    return pods.length === 2 && !pods.some((p) => p.metadata?.name === victim) ? pods : undefined;
  }, 15_000, 'a replacement pod');
  assert.ok(after!.every((p) => p.metadata?.name !== victim));
});

test('scaling down deletes the pods that are not ready first', async () => {
  await bed.client.create(types.replicaSets, replicaSet('order', 2));
  await waitFor(async () => (await podsOf('order')).filter(isPodReady).length === 2, 15_000, '2 ready pods');
  // A third pod that never becomes ready, adopted as an orphan: the ReplicaSet now has one too many.
  const orphan: Pod = { metadata: { name: 'order-orphan', namespace: ns, labels: { app: 'order', ready: 'never' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  await bed.client.create(types.pods, orphan);
  await waitForGone(() => bed.client.get(types.pods, ns, 'order-orphan'), 'the unready orphan to be adopted and deleted first');
  const pods = await podsOf('order');
  assert.equal(pods.length, 2);
  assert.ok(pods.every(isPodReady));
});

test('an orphan matching the selector is adopted; an owned pod that stops matching is released', async () => {
  await bed.client.create(types.pods, { metadata: { name: 'adopt-orphan', namespace: ns, labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await waitFor(async () => isPodReady(await bed.client.get<Pod>(types.pods, ns, 'adopt-orphan')), 15_000, 'the orphan to be ready');
  const rs = await bed.client.create<ReplicaSet>(types.replicaSets, replicaSet('adopt', 1));
  // Even if the ReplicaSet created a pod before seeing the orphan, the older ready orphan is the one kept.
  const adopted = await waitFor(async () => {
    const pod = await bed.client.get<Pod>(types.pods, ns, 'adopt-orphan');
    return pod.metadata?.ownerReferences?.length && (await podsOf('adopt')).length === 1 ? pod : undefined;
  }, 15_000, 'the orphan to be adopted');
  assert.deepEqual(adopted?.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopt', uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true }]);

  await bed.client.patch(types.pods, ns, 'adopt-orphan', 'merge', { metadata: { labels: { app: 'elsewhere' } } });
  await waitFor(async () => !(await bed.client.get<Pod>(types.pods, ns, 'adopt-orphan')).metadata?.ownerReferences?.length, 15_000, 'the pod to be released');
  await waitFor(async () => (await podsOf('adopt')).length === 1, 15_000, 'a replacement for the released pod');
});

test('a ReplicaSet never has more pods than it wants while a burst is created', async () => {
  const informers = createInformerFactory(bed.client);
  const pods = informers.informer<Pod>(types.pods);
  let most = 0;
  const count = () => (most = Math.max(most, pods.list(ns, (p) => p.metadata?.labels?.app === 'burst' && isPodActive(p)).length));
  pods.addHandler({ onAdd: count, onUpdate: count });
  informers.start();
  try {
    await bed.client.create(types.replicaSets, replicaSet('burst', 40));
    await waitFor(async () => (await getRS('burst')).status?.availableReplicas === 40, 30_000, '40 available');
    await bed.client.patch(types.replicaSets, ns, 'burst', 'merge', { spec: { replicas: 5 } });
    await waitFor(async () => (await getRS('burst')).status?.replicas === 5, 30_000, 'scaled to 5');
    assert.equal(most, 40);
    assert.equal((await podsOf('burst')).length, 5);
  } finally {
    informers.stop();
  }
});
