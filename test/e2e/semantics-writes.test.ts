// API semantics of writes, checked against kube-apiserver v1.32: generateName, generation,
// no-op updates, dryRun, deletecollection, delete preconditions, finalizers, graceful pod
// deletion, namespace termination, PUT of a missing object, and the status, scale and
// binding subresources.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor } from './harness.ts';
import { RawApi, expectStatus, type RawResponse } from './rawApi.ts';

let server: SkiffServer;
let api: RawApi;
before(async () => {
  server = await SkiffServer.start();
  api = await RawApi.of(server);
});
after(() => server?.stop());

const merge = { contentType: 'application/merge-patch+json' };
const configMaps = '/api/v1/namespaces/default/configmaps';
const deployments = '/apis/apps/v1/namespaces/default/deployments';
const pods = '/api/v1/namespaces/default/pods';

async function create(path: string, body: object): Promise<any> {
  const res = await api.request('POST', path, body);
  expectStatus(res, 201);
  return res.body;
}

const deployment = (name: string, replicas = 3) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

/** A pod no scheduler will pick up (and, with nodeName, that no kubelet runs). */
const pod = (name: string, nodeName?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { schedulerName: 'manual', ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] } });

test('generateName makes a unique name from the prefix', async () => {
  const a = await create(configMaps, { metadata: { generateName: 'gen-' } });
  const b = await create(configMaps, { metadata: { generateName: 'gen-' } });
  assert.match(a.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.notEqual(a.metadata.name, b.metadata.name);
  assert.equal(a.metadata.generateName, 'gen-');
  const named = await create(configMaps, { metadata: { name: 'given', generateName: 'gen-' } });
  assert.equal(named.metadata.name, 'given', 'a name wins over generateName');
  assert.match(await server.ok(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: kubectl-gen-\n' }), /^configmap\/kubectl-gen-[a-z0-9]{5} created/);
});

test('generation counts spec changes (and, for Deployments, annotation changes), nothing else', async () => {
  const created = await create(deployments, deployment('gen'));
  assert.equal(created.metadata.generation, 1);
  const patch = async (body: object, path = `${deployments}/gen`) => {
    const res = await api.request('PATCH', path, body, merge);
    expectStatus(res, 200);
    return res.body;
  };
  assert.equal((await patch({ metadata: { labels: { a: 'b' } } })).metadata.generation, 1, 'labels');
  assert.equal((await patch({ status: { replicas: 2 } }, `${deployments}/gen/status`)).metadata.generation, 1, 'status');
  assert.equal((await patch({ metadata: { annotations: { note: 'x' } } })).metadata.generation, 2, 'annotations of a Deployment');
  assert.equal((await patch({ spec: { replicas: 5 } })).metadata.generation, 3, 'spec');
  // A ReplicaSet's annotations are not its spec; a ConfigMap has no generation at all.
  const rs = await create('/apis/apps/v1/namespaces/default/replicasets', { ...deployment('rs-gen'), kind: 'ReplicaSet' });
  const annotated = await api.request('PATCH', `/apis/apps/v1/namespaces/default/replicasets/rs-gen`, { metadata: { annotations: { note: 'x' } } }, merge);
  assert.equal(annotated.body.metadata.generation, rs.metadata.generation);
  assert.equal((await create(configMaps, { metadata: { name: 'no-generation' } })).metadata.generation, undefined);
});

test('an update that changes nothing keeps the resourceVersion', async () => {
  const created = await create(configMaps, { metadata: { name: 'noop', labels: { a: '1' } }, data: { k: 'v' } });
  const put = await api.request('PUT', `${configMaps}/noop`, created);
  expectStatus(put, 200);
  assert.equal(put.body.metadata.resourceVersion, created.metadata.resourceVersion);
  const patched = await api.request('PATCH', `${configMaps}/noop`, { data: { k: 'v' } }, merge);
  assert.equal(patched.body.metadata.resourceVersion, created.metadata.resourceVersion);
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v\n';
  assert.match(await server.ok(['apply', '-f', '-'], { input: manifest }), /configmap\/applied created/);
  const rv = await server.ok(['get', 'cm', 'applied', '-o', 'jsonpath={.metadata.resourceVersion}']);
  assert.match(await server.ok(['apply', '-f', '-'], { input: manifest }), /configmap\/applied unchanged/);
  assert.equal(await server.ok(['get', 'cm', 'applied', '-o', 'jsonpath={.metadata.resourceVersion}']), rv);
});

test('dryRun=All runs create, update, patch and delete through and stores nothing', async () => {
  const wouldBe = await api.request('POST', `${configMaps}?dryRun=All`, { metadata: { name: 'dry' }, data: { k: 'v' } });
  expectStatus(wouldBe, 201);
  assert.equal(wouldBe.body.metadata.name, 'dry');
  assert.ok(wouldBe.body.metadata.uid && wouldBe.body.metadata.creationTimestamp, 'the server fills in what it owns');
  assert.equal(wouldBe.body.metadata.resourceVersion, undefined);
  expectStatus(await api.get(`${configMaps}/dry`), 404);
  assert.match(await server.ok(['create', 'configmap', 'dry-kubectl', '--from-literal=a=b', '--dry-run=server', '-o', 'name']), /configmap\/dry-kubectl/);
  expectStatus(await api.get(`${configMaps}/dry-kubectl`), 404);

  const real = await create(configMaps, { metadata: { name: 'dry' }, data: { k: 'v' } });
  const put = await api.request('PUT', `${configMaps}/dry?dryRun=All`, { ...real, data: { k: 'put' } });
  expectStatus(put, 200);
  assert.equal(put.body.data.k, 'put');
  const patch = await api.request('PATCH', `${configMaps}/dry?dryRun=All`, { data: { k: 'patch' } }, merge);
  expectStatus(patch, 200);
  assert.equal(patch.body.data.k, 'patch');
  expectStatus(await api.request('DELETE', `${configMaps}/dry?dryRun=All`), 200);
  assert.match(await server.ok(['delete', 'configmap', 'dry', '--dry-run=server']), /configmap "dry" deleted \(server dry run\)/);
  const after = await api.get(`${configMaps}/dry`);
  expectStatus(after, 200);
  assert.equal(after.body.data.k, 'v');
  assert.equal(after.body.metadata.resourceVersion, real.metadata.resourceVersion);

  const bad = await api.request('POST', `${configMaps}?dryRun=Some`, { metadata: { name: 'dry2' } });
  expectStatus(bad, 422);
  assert.equal(bad.body.message, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"');
});

test('deletecollection deletes what the selectors select, and returns it', async () => {
  expectStatus(await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'sweep' } }), 201);
  const path = '/api/v1/namespaces/sweep/configmaps';
  for (const [name, app] of [['a', 'x'], ['b', 'x'], ['c', 'y'], ['d', 'y']]) await create(path, { metadata: { name, labels: { app } } });
  const dry = await api.request('DELETE', `${path}?labelSelector=app%3Dx&dryRun=All`);
  expectStatus(dry, 200);
  assert.equal((await api.get(path)).body.items.length, 4, 'a dry run deletes nothing');
  const res = await api.request('DELETE', `${path}?labelSelector=app%3Dx`);
  expectStatus(res, 200);
  assert.equal(res.body.kind, 'ConfigMapList');
  assert.deepEqual(res.body.items.map((o: any) => o.metadata.name), ['a', 'b']);
  expectStatus(await api.request('DELETE', `${path}?fieldSelector=metadata.name%3Dc`), 200);
  assert.deepEqual((await api.get(path)).body.items.map((o: any) => o.metadata.name), ['d']);
});

test('delete preconditions on uid and resourceVersion are a 409 Conflict when they do not hold', async () => {
  const cm = await create(configMaps, { metadata: { name: 'guarded' } });
  const withOptions = (preconditions: object) => api.request('DELETE', `${configMaps}/guarded`, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions });
  const wrongUid = await withOptions({ uid: 'not-the-uid' });
  expectStatus(wrongUid, 409);
  assert.equal(wrongUid.body.reason, 'Conflict');
  assert.equal(wrongUid.body.message, `Operation cannot be fulfilled on ConfigMap "guarded": the UID in the precondition (not-the-uid) does not match the UID in record (${cm.metadata.uid}). The object might have been deleted and then recreated`);
  const staleRv = await withOptions({ resourceVersion: '1' });
  expectStatus(staleRv, 409);
  assert.equal(staleRv.body.message, `Operation cannot be fulfilled on ConfigMap "guarded": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${cm.metadata.resourceVersion}). The object might have been modified`);
  expectStatus(await api.get(`${configMaps}/guarded`), 200);
  expectStatus(await withOptions({ uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion }), 200);
  expectStatus(await api.get(`${configMaps}/guarded`), 404);
});

test('a finalizer holds a deleted object until the last one is removed', async () => {
  await create(configMaps, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  const deleted = await api.request('DELETE', `${configMaps}/held`);
  expectStatus(deleted, 200);
  assert.equal(deleted.body.kind, 'ConfigMap', 'the terminating object, not a Status');
  assert.ok(deleted.body.metadata.deletionTimestamp);
  assert.equal(deleted.body.metadata.deletionGracePeriodSeconds, 0);
  const still = await api.get(`${configMaps}/held`);
  expectStatus(still, 200);
  assert.equal(still.body.metadata.deletionTimestamp, deleted.body.metadata.deletionTimestamp);
  expectStatus(await api.request('PATCH', `${configMaps}/held`, { metadata: { finalizers: null } }, merge), 200);
  expectStatus(await api.get(`${configMaps}/held`), 404);
});

test('a pod on a node is deleted gracefully, unless forced with --grace-period=0 --force', async () => {
  await create(pods, { ...pod('graceful', 'ghost-node'), spec: { ...pod('graceful', 'ghost-node').spec, terminationGracePeriodSeconds: 20 } });
  const deleted = await api.request('DELETE', `${pods}/graceful`);
  expectStatus(deleted, 200);
  assert.equal(deleted.body.kind, 'Pod');
  assert.equal(deleted.body.metadata.deletionGracePeriodSeconds, 20);
  const terminatingIn = Date.parse(deleted.body.metadata.deletionTimestamp) - Date.now();
  assert.ok(terminatingIn > 10_000 && terminatingIn <= 21_000, `deletionTimestamp is the end of the grace period (${terminatingIn} ms away)`);
  expectStatus(await api.get(`${pods}/graceful`), 200);
  assert.match(await server.ok(['get', 'pod', 'graceful']), /graceful\s+0\/1\s+Terminating/);
  const forced = await server.kubectl(['delete', 'pod', 'graceful', '--grace-period=0', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /pod "graceful" force deleted/);
  expectStatus(await api.get(`${pods}/graceful`), 404);

  await create(pods, pod('unscheduled'));
  const now = await api.request('DELETE', `${pods}/unscheduled`);
  expectStatus(now, 200);
  expectStatus(await api.get(`${pods}/unscheduled`), 404);
});

test('a deleted namespace is Terminating, refuses new content, and goes once finalized', async () => {
  expectStatus(await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } }), 201);
  // Content that holds on, so a namespace controller (if one runs) cannot finish first.
  await create('/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'holdout', finalizers: ['example.com/hold'] } });
  const deleted = await api.request('DELETE', '/api/v1/namespaces/doomed');
  expectStatus(deleted, 200);
  assert.equal(deleted.body.kind, 'Namespace');
  assert.equal(deleted.body.status.phase, 'Terminating');
  assert.deepEqual(deleted.body.spec.finalizers, ['kubernetes']);
  assert.ok(deleted.body.metadata.deletionTimestamp);
  assert.match(await server.ok(['get', 'ns', 'doomed']), /doomed\s+Terminating/);

  const refused = await api.request('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'late' } });
  expectStatus(refused, 403);
  assert.equal(refused.body.reason, 'Forbidden');
  assert.equal(refused.body.message, 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  assert.deepEqual(refused.body.details.causes, [{ reason: 'NamespaceTerminating', message: 'namespace doomed is being terminated', field: 'metadata.namespace' }]);
  assert.match(await server.fails(['create', 'configmap', 'late', '-n', 'doomed']), /because it is being terminated/);

  expectStatus(await api.request('PATCH', '/api/v1/namespaces/doomed/configmaps/holdout', { metadata: { finalizers: null } }, merge), 200);
  const finalized = await api.request('PUT', '/api/v1/namespaces/doomed/finalize', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' }, spec: { finalizers: [] } });
  // 404: a namespace controller, if one runs, got there first.
  assert.ok(finalized.status === 200 || finalized.status === 404, finalized.text);
  let last: RawResponse | undefined;
  await waitFor(async () => (last = await api.get('/api/v1/namespaces/doomed')).status === 404, 10_000, 'the namespace to go').catch((err) => {
    throw new Error(`${err.message}: finalize answered ${finalized.text}; the namespace is ${last?.text}`);
  });
});

test('PUT of a missing object is a 404, except for kinds that create on update', async () => {
  const cm = await api.request('PUT', `${configMaps}/nope`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } });
  expectStatus(cm, 404);
  assert.equal(cm.body.message, 'configmaps "nope" not found');
  const dep = await api.request('PUT', `${deployments}/nope`, deployment('nope'));
  expectStatus(dep, 404);
  assert.equal(dep.body.message, 'deployments.apps "nope" not found');
  const lease = await api.request('PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/made', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'made' }, spec: { holderIdentity: 'me' } });
  expectStatus(lease, 201);
});

test('the status subresource writes status and metadata but not spec; the main resource ignores status', async () => {
  const created = await create(deployments, deployment('split'));
  // No resourceVersion: the deployment controller, if one runs, may write status meanwhile.
  const { resourceVersion: _rv, ...meta } = created.metadata;
  const viaStatus = await api.request('PUT', `${deployments}/split/status`, {
    ...created,
    metadata: { ...meta, labels: { changed: 'yes' }, annotations: { note: 'via-status' } },
    spec: { ...created.spec, replicas: 9 },
    status: { replicas: 7 },
  });
  expectStatus(viaStatus, 200);
  assert.equal(viaStatus.body.spec.replicas, 3);
  assert.equal(viaStatus.body.status.replicas, 7);
  assert.equal(viaStatus.body.metadata.annotations.note, 'via-status', 'a Deployment\'s annotations may change through status');
  assert.equal(viaStatus.body.metadata.labels, undefined, 'its labels may not');
  assert.equal(viaStatus.body.metadata.generation, 1, 'a status write never bumps generation');
  const { resourceVersion: _rv2, ...meta2 } = viaStatus.body.metadata;
  const viaMain = await api.request('PUT', `${deployments}/split`, { ...viaStatus.body, metadata: meta2, spec: { ...viaStatus.body.spec, replicas: 4 }, status: { replicas: 12345 } });
  expectStatus(viaMain, 200);
  assert.equal(viaMain.body.spec.replicas, 4);
  assert.notEqual(viaMain.body.status.replicas, 12345);
  assert.equal(viaMain.body.metadata.generation, 2);
  const stale = await api.request('PUT', `${deployments}/split/status`, { ...created, status: { replicas: 1 } });
  expectStatus(stale, 409);
});

test('the scale subresource reads and writes replicas, also through kubectl scale', async () => {
  const created = await create(deployments, deployment('scaled'));
  const scale = await api.get(`${deployments}/scaled/scale`);
  expectStatus(scale, 200);
  assert.equal(scale.body.kind, 'Scale');
  assert.equal(scale.body.apiVersion, 'autoscaling/v1');
  assert.equal(scale.body.metadata.name, 'scaled');
  assert.equal(scale.body.metadata.uid, created.metadata.uid);
  assert.equal(scale.body.spec.replicas, 3);
  assert.equal(scale.body.status.selector, 'app=scaled');

  const put = await api.request('PUT', `${deployments}/scaled/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'scaled' }, spec: { replicas: 5 } });
  expectStatus(put, 200);
  assert.equal(put.body.spec.replicas, 5);
  const dep = (await api.get(`${deployments}/scaled`)).body;
  assert.equal(dep.spec.replicas, 5);
  assert.equal(dep.metadata.generation, 2);
  const patched = await api.request('PATCH', `${deployments}/scaled/scale`, { spec: { replicas: 2 } }, merge);
  expectStatus(patched, 200);
  assert.equal(patched.body.spec.replicas, 2);
  assert.match(await server.ok(['scale', 'deployment', 'scaled', '--replicas=4']), /deployment.apps\/scaled scaled/);
  assert.equal(await server.ok(['get', 'deploy', 'scaled', '-o', 'jsonpath={.spec.replicas}']), '4');

  const negative = await api.request('PUT', `${deployments}/scaled/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'scaled' }, spec: { replicas: -1 } });
  expectStatus(negative, 422);
  assert.equal(negative.body.message, 'Scale.autoscaling "scaled" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  const stale = await api.request('PUT', `${deployments}/scaled/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'scaled', resourceVersion: scale.body.metadata.resourceVersion }, spec: { replicas: 1 } });
  expectStatus(stale, 409);
  assert.equal(await server.ok(['get', 'deploy', 'scaled', '-o', 'jsonpath={.spec.replicas}']), '4');
  const rs = await create('/apis/apps/v1/namespaces/default/replicasets', { ...deployment('rs-scaled'), kind: 'ReplicaSet' });
  assert.equal(rs.spec.replicas, 3);
  assert.match(await server.ok(['scale', 'rs', 'rs-scaled', '--replicas=1']), /replicaset.apps\/rs-scaled scaled/);
});

test('pods/binding and Binding assign a node once; binding a bound pod is a 409', async () => {
  await create(pods, pod('to-bind'));
  const binding = (name: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
  const bound = await api.request('POST', `${pods}/to-bind/binding`, binding('to-bind'));
  expectStatus(bound, 201);
  assert.equal(bound.body.status, 'Success');
  const got = (await api.get(`${pods}/to-bind`)).body;
  assert.equal(got.spec.nodeName, 'node-1');
  assert.ok(got.status.conditions.some((c: any) => c.type === 'PodScheduled' && c.status === 'True'));
  const again = await api.request('POST', `${pods}/to-bind/binding`, { ...binding('to-bind'), target: { kind: 'Node', name: 'node-2' } });
  expectStatus(again, 409);
  assert.equal(again.body.reason, 'Conflict');
  assert.equal(again.body.message, 'Operation cannot be fulfilled on pods/binding "to-bind": pod to-bind is already assigned to node "node-1"');

  await create(pods, pod('by-binding'));
  expectStatus(await api.request('POST', '/api/v1/namespaces/default/bindings', binding('by-binding')), 201);
  assert.equal((await api.get(`${pods}/by-binding`)).body.spec.nodeName, 'node-1');
  const missing = await api.request('POST', '/api/v1/namespaces/default/bindings', binding('no-such-pod'));
  expectStatus(missing, 404);
});
