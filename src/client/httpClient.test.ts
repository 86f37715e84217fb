import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, withoutControlLoops } from '../../test/e2e/harness.ts';
import { ApiError } from '../apiserver/errors.ts';
import type { KubeObject } from '../api/kind.ts';
import type { Client, WatchEvent } from './client.ts';
import { createHttpClient, loadKubeconfig } from './httpClient.ts';
import { pathOf } from './restClient.ts';
import { types } from './resourceTypes.ts';

let server: SkiffServer;
let client: Client;
before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient({ ...loadKubeconfig(server.kubeconfig), userAgent: 'client-test' });
});
after(() => server?.stop());

const configMap = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels },
  data,
});

async function rejects(promise: Promise<unknown>, code: number, reason: string): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${err}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.reason, reason, err.message);
    return err;
  }
  assert.fail(`expected a ${code} ${reason}`);
}

test('paths: core and group kinds, namespaced, subresources', () => {
  assert.equal(pathOf(types.pods, 'ns', 'p', 'binding'), '/api/v1/namespaces/ns/pods/p/binding');
  assert.equal(pathOf(types.deployments), '/apis/apps/v1/deployments');
  assert.equal(pathOf(types.nodes, 'ignored', 'n1'), '/api/v1/nodes/n1');
});

test('loadKubeconfig reads the server, the token and the CA', () => {
  const config = loadKubeconfig(server.kubeconfig);
  assert.match(config.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(config.token);
  assert.match(config.ca!, /BEGIN CERTIFICATE/);
});

test('create, get, list, update, delete', async () => {
  const created = await client.create(types.configMaps, configMap('crud', { a: '1' }, { app: 'crud' }));
  assert.ok(created.metadata?.uid);
  const got = await client.get<KubeObject & { data: Record<string, string> }>(types.configMaps, 'default', 'crud');
  assert.deepEqual(got.data, { a: '1' });
  const listed = await client.list(types.configMaps, { namespace: 'default', labelSelector: 'app=crud' });
  assert.deepEqual(listed.items.map((i) => i.metadata?.name), ['crud']);
  assert.ok(Number(listed.resourceVersion) >= Number(created.metadata?.resourceVersion));
  const updated = await client.update(types.configMaps, { ...got, data: { a: '2' } });
  assert.notEqual(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
  assert.equal(await client.delete(types.configMaps, 'default', 'crud'), undefined);
  await rejects(client.get(types.configMaps, 'default', 'crud'), 404, 'NotFound');
});

test('errors are ApiErrors from the Status: AlreadyExists, Conflict, Invalid', async () => {
  await client.create(types.configMaps, configMap('errors'));
  const exists = await rejects(client.create(types.configMaps, configMap('errors')), 409, 'AlreadyExists');
  assert.equal(exists.details?.name, 'errors');
  const current = await client.get(types.configMaps, 'default', 'errors');
  await client.update(types.configMaps, { ...current, data: { x: '1' } });
  await rejects(client.update(types.configMaps, { ...current, data: { x: '2' } }), 409, 'Conflict');
  const invalid = await rejects(client.create(types.configMaps, configMap('Not_Valid')), 422, 'Invalid');
  assert.ok(invalid.details?.causes?.length);
});

test('patches: json, merge, strategic and server-side apply (with its field manager)', async () => {
  await client.create(types.configMaps, configMap('patched', { a: '1' }));
  await client.patch(types.configMaps, 'default', 'patched', 'json', [{ op: 'add', path: '/data/b', value: '2' }]);
  await client.patch(types.configMaps, 'default', 'patched', 'merge', { data: { c: '3' } });
  await client.patch(types.configMaps, 'default', 'patched', 'strategic', { data: { d: '4' } });
  const applied = await client.patch<KubeObject & { data: Record<string, string> }>(types.configMaps, 'default', 'patched', 'apply', configMap('patched', { e: '5' }), { fieldManager: 'tester', force: true });
  assert.deepEqual(applied.data, { a: '1', b: '2', c: '3', d: '4', e: '5' });
  const managers = (applied.metadata?.managedFields as { manager: string }[]).map((m) => m.manager);
  assert.ok(managers.includes('tester'));
  assert.ok(managers.includes('client-test'), `the User-Agent names the default manager: ${managers}`);
});

test('dryRun writes nothing', async () => {
  const result = await client.create(types.configMaps, configMap('dry'), { dryRun: true });
  assert.equal(result.metadata?.name, 'dry');
  await rejects(client.get(types.configMaps, 'default', 'dry'), 404, 'NotFound');
});

test('delete returns the object while finalizers hold it, undefined once gone', async () => {
  await client.create(types.configMaps, { ...configMap('held'), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } });
  const terminating = await client.delete(types.configMaps, 'default', 'held');
  assert.ok(terminating?.metadata?.deletionTimestamp);
  await client.patch(types.configMaps, 'default', 'held', 'merge', { metadata: { finalizers: null } });
  await rejects(client.get(types.configMaps, 'default', 'held'), 404, 'NotFound');
});

test('subresources: status and scale, and pods/binding', async () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'sub', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'sub' } }, template: { metadata: { labels: { app: 'sub' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
  await client.create(types.deployments, deployment);
  const patched = await client.patch<KubeObject & { status: { replicas: number } }>(types.deployments, 'default', 'sub', 'merge', { status: { replicas: 1 } }, { subresource: 'status' });
  assert.equal(patched.status.replicas, 1);
  const scale = await client.get<KubeObject & { spec: { replicas: number } }>(types.deployments, 'default', 'sub', { subresource: 'scale' });
  assert.equal(scale.kind, 'Scale');
  assert.equal(scale.spec.replicas, 1);

  await client.create(types.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await client.create(types.pods, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound', namespace: 'default' }, target: { kind: 'Node', name: 'node-1' } }, { subresource: 'binding' });
  const pod = await client.get<KubeObject & { spec: { nodeName: string } }>(types.pods, 'default', 'bound');
  assert.equal(pod.spec.nodeName, 'node-1');
});

test('lists page with limit and continue', async () => {
  for (let i = 0; i < 5; i++) await client.create(types.configMaps, configMap(`page-${i}`, {}, { paged: 'yes' }));
  const first = await client.list(types.configMaps, { labelSelector: 'paged=yes', limit: 2 });
  assert.equal(first.items.length, 2);
  assert.ok(first.continue);
  const names = first.items.map((i) => i.metadata?.name);
  let page = first;
  while (page.continue) {
    page = await client.list(types.configMaps, { labelSelector: 'paged=yes', limit: 2, continue: page.continue });
    names.push(...page.items.map((i) => i.metadata?.name));
  }
  assert.deepEqual(names, [0, 1, 2, 3, 4].map((i) => `page-${i}`));
});

test('watch streams ADDED, MODIFIED, DELETED in order and ends on abort', async () => {
  const start = await client.list(types.configMaps, { namespace: 'default' });
  const abort = new AbortController();
  const seen: WatchEvent<KubeObject>[] = [];
  const watching = (async () => {
    for await (const event of client.watch(types.configMaps, { namespace: 'default', resourceVersion: start.resourceVersion, signal: abort.signal })) {
      seen.push(event);
      if (event.type === 'DELETED') abort.abort();
    }
  })();
  await client.create(types.configMaps, configMap('watched'));
  await client.patch(types.configMaps, 'default', 'watched', 'merge', { data: { a: '1' } });
  await client.delete(types.configMaps, 'default', 'watched');
  await watching; // returns (does not throw) once aborted
  assert.deepEqual(seen.map((e) => `${e.type} ${e.object.metadata?.name}`), ['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
});
