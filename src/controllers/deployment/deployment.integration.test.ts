// The Deployment and ReplicaSet controllers against a real server, driven by real kubectl:
// rollouts within maxSurge/maxUnavailable, rollout status/history/undo/pause/resume/restart,
// a stalled rollout reporting ProgressDeadlineExceeded, Recreate, proportional scaling,
// history limits, and a controller restart mid-rollout.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { types } from '../../client/resourceTypes.ts';
import { createInformerFactory } from '../../client/informer.ts';
import { startTestbed, waitFor, type Testbed } from '../garbageCollector/controllerTestbed.ts';
import type { Deployment, Pod, ReplicaSet } from '../../api/objects.ts';
import { isPodActive, isPodReady } from '../replicaSet/pods.ts';
import { replicaSetController } from '../replicaSet/replicaSetController.ts';
import { startReadyPods } from '../replicaSet/readyPods.ts';
import { deploymentController } from './deploymentController.ts';
import { computeHash } from './templateHash.ts';

let bed: Testbed;
let stopControllers: () => void;
let stopKubelet: () => void;
const ns = 'deploy';

before(async () => {
  bed = await startTestbed();
  await bed.client.create(types.namespaces, { metadata: { name: ns } });
  stopControllers = await bed.run([replicaSetController, deploymentController]);
  // Pods of an image named "broken..." never become ready.
  stopKubelet = startReadyPods(bed.client, (pod) => !pod.spec?.containers.some((c) => c.image?.startsWith('broken')));
});
after(async () => {
  stopKubelet?.();
  stopControllers?.();
  await bed?.stop();
});

/**
 * kubectl in the namespace. Retries the apiserver's 409 on a patch racing the controllers'
 * status writes (upstream's apiserver retries those itself).
 */
async function kubectl(...args: string[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const result = await bed.server.kubectl(['-n', ns, ...args]);
    if (result.code === 0) return result.stdout;
    if (attempt < 5 && /the object has been modified/.test(result.stderr)) continue;
    throw new Error(`kubectl ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  }
}

const getDeployment = (name: string) => bed.client.get<Deployment>(types.deployments, ns, name);
const replicaSetsOf = async (name: string) => (await bed.client.list<ReplicaSet>(types.replicaSets, { namespace: ns })).items.filter((rs) => rs.metadata?.ownerReferences?.[0]?.name === name);
const activePods = async (app: string) => (await bed.client.list<Pod>(types.pods, { namespace: ns, labelSelector: `app=${app}` })).items.filter(isPodActive);
const images = (pods: Pod[]) => [...new Set(pods.map((p) => p.spec!.containers[0]!.image))];
const rolledOut = (name: string) => kubectl('rollout', 'status', `deployment/${name}`, '--timeout=60s');

function deployment(name: string, replicas: number, image: string, spec: object = {}): Deployment {
  return {
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
      ...spec,
    },
  };
}

/** Watches the deployment's pods, checking every change against the rollout's bounds. */
function watchBounds(app: string, maxPods: number, minReady: number): { stop: () => void; violations: string[]; most: () => number } {
  const informers = createInformerFactory(bed.client);
  const pods = informers.informer<Pod>(types.pods);
  const violations: string[] = [];
  let most = 0;
  const check = () => {
    if (!pods.hasSynced()) return; // the initial list arrives one pod at a time
    const mine = pods.list(ns, (p) => p.metadata?.labels?.app === app && isPodActive(p));
    const ready = mine.filter(isPodReady).length;
    most = Math.max(most, mine.length);
    if (mine.length > maxPods) violations.push(`${mine.length} pods > ${maxPods}`);
    if (ready < minReady) violations.push(`${ready} ready < ${minReady}`);
  };
  pods.addHandler({ onAdd: check, onUpdate: check, onDelete: check });
  informers.start();
  return { stop: () => informers.stop(), violations, most: () => most };
}

test('Level I: a Deployment of 3 becomes 3 pods; scale to 5 gives 5; a deleted pod is replaced', async () => {
  await kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3');
  assert.match(await rolledOut('web'), /deployment "web" successfully rolled out/);
  assert.equal((await activePods('web')).length, 3);
  const [rs] = await replicaSetsOf('web');
  assert.match(rs!.metadata!.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs!.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs!.spec!.template!.metadata!.labels!['pod-template-hash'], rs!.metadata!.name!.slice('web-'.length));
  await waitFor(async () => (await bed.client.list<any>(types.events, { namespace: ns })).items.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set ${rs!.metadata!.name} from 0 to 3`), 10_000, 'the ScalingReplicaSet event');

  await kubectl('scale', 'deployment/web', '--replicas=5');
  await rolledOut('web');
  await waitFor(async () => (await getDeployment('web')).status?.availableReplicas === 5, 15_000, '5 available');

  const victim = (await activePods('web'))[0]!.metadata!.name!;
  await kubectl('delete', 'pod', victim);
  const status = await waitFor(async () => {
    const pods = await activePods('web');
    const { status } = await getDeployment('web');
    const settled = pods.length === 5 && pods.every(isPodReady) && status?.replicas === 5 && status.updatedReplicas === 5 && status.availableReplicas === 5;
    return settled && !pods.some((p) => p.metadata?.name === victim) ? status : undefined;
  }, 15_000, 'a replacement and 5 available again');
  // The order depends on which changed last, as upstream's.
  assert.deepEqual(status!.conditions?.map((c) => [c.type, c.status, c.reason]).sort(), [['Available', 'True', 'MinimumReplicasAvailable'], ['Progressing', 'True', 'NewReplicaSetAvailable']]);
});

test('set image rolls within maxSurge/maxUnavailable; history lists revisions; undo goes back', async () => {
  const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
  await bed.client.create(types.deployments, deployment('roll', 4, 'nginx:1', { strategy }));
  await rolledOut('roll');
  const bounds = watchBounds('roll', 5, 3);
  try {
    await kubectl('set', 'image', 'deployment/roll', 'web=nginx:2');
    await rolledOut('roll');
    await kubectl('annotate', 'deployment/roll', 'kubernetes.io/change-cause=to nginx:2');
    await waitFor(async () => (await replicaSetsOf('roll')).some((rs) => rs.metadata?.annotations?.['kubernetes.io/change-cause'] === 'to nginx:2'), 15_000, 'the change-cause on the new ReplicaSet');
    await waitFor(async () => (await activePods('roll')).length === 4, 15_000, 'the old pods to be gone');
    assert.deepEqual(images(await activePods('roll')), ['nginx:2']);

    const history = await kubectl('rollout', 'history', 'deployment/roll');
    assert.match(history, /^1\s+<none>$/m);
    assert.match(history, /^2\s+to nginx:2$/m);

    const first = (await replicaSetsOf('roll')).find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'nginx:1')!;
    await kubectl('rollout', 'undo', 'deployment/roll');
    await rolledOut('roll');
    await waitFor(async () => (await activePods('roll')).length === 4, 15_000, 'the nginx:2 pods to be gone');
    assert.deepEqual(images(await activePods('roll')), ['nginx:1']);
    // The old ReplicaSet is reused, with the next revision.
    const reused = (await replicaSetsOf('roll')).find((rs) => rs.metadata?.uid === first.metadata?.uid)!;
    assert.equal(reused.metadata?.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(reused.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal((await replicaSetsOf('roll')).length, 2);
    const after = await kubectl('rollout', 'history', 'deployment/roll');
    assert.match(after, /^2\s+to nginx:2$/m);
    assert.match(after, /^3\s+/m);
    assert.doesNotMatch(after, /^1\s+/m);

    await kubectl('rollout', 'undo', 'deployment/roll', '--to-revision=2');
    await rolledOut('roll');
    await waitFor(async () => images(await activePods('roll')).join() === 'nginx:2' && (await activePods('roll')).length === 4, 15_000, 'nginx:2 again');
    assert.deepEqual(bounds.violations, []);
    assert.equal(bounds.most(), 5);
  } finally {
    bounds.stop();
  }
});

test('a rollout whose pods never become ready stalls, keeps the old pods serving, and reports ProgressDeadlineExceeded', async () => {
  await bed.client.create(types.deployments, deployment('stall', 3, 'nginx:1', { progressDeadlineSeconds: 2 }));
  await rolledOut('stall');
  await kubectl('set', 'image', 'deployment/stall', 'web=broken:1');
  const result = await bed.server.kubectl(['-n', ns, 'rollout', 'status', 'deployment/stall', '--timeout=60s']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /deployment "stall" exceeded its progress deadline/);
  const d = await getDeployment('stall');
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  assert.equal(progressing?.status, 'False');
  assert.equal(progressing?.reason, 'ProgressDeadlineExceeded');
  assert.match(progressing?.message ?? '', /^ReplicaSet "stall-[a-z0-9]+" has timed out progressing\.$/);
  // 25% of 3: one surge pod, none may be unavailable: the three old pods keep serving.
  const pods = await activePods('stall');
  assert.equal(pods.filter(isPodReady).length, 3);
  assert.deepEqual(images(pods.filter(isPodReady)), ['nginx:1']);
  assert.equal(pods.length, 4);
  assert.equal(d.status?.availableReplicas, 3);

  // Scaling mid-rollout is proportional: 3 old + 1 new, to 6 (max 8): 6 old + 2 new. The next
  // rolling step follows as soon as the three added old pods are available (maxUnavailable 1
  // of 6 lets one old pod go, and the new ReplicaSet takes its place), so the proportional step
  // is asserted from its events and the rollout from where it settles: 5 old serving + 3 new.
  const [oldName, newName] = ['nginx:1', 'broken:1'].map((image) => pods.find((p) => p.spec!.containers[0]!.image === image)!.metadata!.ownerReferences![0]!.name);
  await kubectl('scale', 'deployment/stall', '--replicas=6');
  const scaled = [`Scaled up replica set ${oldName} from 3 to 6`, `Scaled up replica set ${newName} from 1 to 2`];
  await waitFor(async () => {
    const messages = new Set((await bed.client.list<any>(types.events, { namespace: ns })).items.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message));
    return scaled.every((m) => messages.has(m));
  }, 30_000, scaled.join(' and '));
  await waitFor(async () => {
    const sizes = Object.fromEntries((await replicaSetsOf('stall')).map((rs) => [rs.spec!.template!.spec!.containers[0]!.image, rs.spec!.replicas]));
    const ready = (await activePods('stall')).filter(isPodReady);
    return sizes['nginx:1'] === 5 && sizes['broken:1'] === 3 && ready.length === 5;
  }, 30_000, 'old 5 serving, new 3');
});

test('pause holds a template change (scaling still works); resume rolls it out', async () => {
  await bed.client.create(types.deployments, deployment('paused', 2, 'nginx:1'));
  await rolledOut('paused');
  await kubectl('rollout', 'pause', 'deployment/paused');
  await kubectl('set', 'image', 'deployment/paused', 'web=nginx:2');
  await kubectl('scale', 'deployment/paused', '--replicas=3');
  const observed = async () => {
    const d = await getDeployment('paused');
    return (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) ? d : undefined;
  };
  const held = await waitFor(observed, 15_000, 'the paused deployment to be observed');
  assert.equal(held?.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'DeploymentPaused');
  await waitFor(async () => (await activePods('paused')).length === 3, 15_000, 'scaled to 3 while paused');
  assert.equal((await replicaSetsOf('paused')).length, 1);
  assert.deepEqual(images(await activePods('paused')), ['nginx:1']);

  await kubectl('rollout', 'resume', 'deployment/paused');
  await rolledOut('paused');
  await waitFor(async () => images(await activePods('paused')).join() === 'nginx:2' && (await activePods('paused')).length === 3, 15_000, 'nginx:2 pods');
});

test('rollout restart makes a new ReplicaSet; revisionHistoryLimit prunes old ones', async () => {
  await bed.client.create(types.deployments, deployment('restart', 2, 'nginx:1', { revisionHistoryLimit: 1 }));
  await rolledOut('restart');
  for (let i = 0; i < 3; i++) {
    // restartedAt has whole seconds: kubectl refuses a second restart within the same one.
    const second = Math.floor(Date.now() / 1000);
    await waitFor(() => Math.floor(Date.now() / 1000) > second, 2_000, 'the next second');
    await kubectl('rollout', 'restart', 'deployment/restart');
    await rolledOut('restart');
  }
  await waitFor(async () => (await replicaSetsOf('restart')).length === 2, 15_000, 'one old ReplicaSet kept');
  const current = (await replicaSetsOf('restart')).find((rs) => rs.spec?.replicas === 2)!;
  assert.ok(current.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
  assert.equal(current.metadata?.annotations?.['deployment.kubernetes.io/revision'], '4');
});

test('Recreate removes every old pod before the new ones start', async () => {
  await bed.client.create(types.deployments, deployment('recreate', 3, 'nginx:1', { strategy: { type: 'Recreate' } }));
  await rolledOut('recreate');
  const informers = createInformerFactory(bed.client);
  const pods = informers.informer<Pod>(types.pods);
  let mixed = false;
  const check = () => {
    if (!pods.hasSynced()) return;
    const live = pods.list(ns, (p) => p.metadata?.labels?.app === 'recreate' && isPodActive(p));
    if (images(live).length > 1) mixed = true;
  };
  pods.addHandler({ onAdd: check, onUpdate: check, onDelete: check });
  informers.start();
  try {
    await kubectl('set', 'image', 'deployment/recreate', 'web=nginx:2');
    await rolledOut('recreate');
    await waitFor(async () => images(await activePods('recreate')).join() === 'nginx:2' && (await activePods('recreate')).length === 3, 15_000, '3 nginx:2 pods');
    assert.ok(!mixed, 'old and new pods ran together');
  } finally {
    informers.stop();
  }
});

test('controllers restarted mid-rollout finish it with no duplicate or lost pods', async () => {
  await bed.client.create(types.deployments, deployment('resume', 6, 'nginx:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
  await rolledOut('resume');
  await kubectl('set', 'image', 'deployment/resume', 'web=nginx:2');
  await waitFor(async () => (await replicaSetsOf('resume')).length === 2, 15_000, 'the rollout to start');
  stopControllers();
  stopControllers = await bed.run([replicaSetController, deploymentController]);
  await rolledOut('resume');
  await waitFor(async () => (await activePods('resume')).length === 6, 15_000, 'the old pods to be gone');
  assert.deepEqual(images(await activePods('resume')), ['nginx:2']);
  assert.equal((await replicaSetsOf('resume')).length, 2);
});

test('a ReplicaSet already holding the new name is a hash collision: collisionCount goes up and another name is used', async () => {
  // Paused, the Deployment creates nothing yet, and its (defaulted) template can be read back.
  const created = await bed.client.create<Deployment>(types.deployments, deployment('clash', 1, 'nginx:1', { paused: true }));
  const taken = `clash-${computeHash(created.spec!.template!)}`;
  await bed.client.create(types.replicaSets, { ...deployment('other', 0, 'nginx:9'), metadata: { name: taken, namespace: ns } });
  await kubectl('rollout', 'resume', 'deployment/clash');
  await rolledOut('clash');
  const d = await getDeployment('clash');
  assert.equal(d.status?.collisionCount, 1);
  const [rs] = await replicaSetsOf('clash');
  assert.equal(rs!.metadata!.name, `clash-${computeHash(created.spec!.template!, 1)}`);
});
