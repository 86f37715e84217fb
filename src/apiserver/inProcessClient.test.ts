import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqliteStore.ts';
import type { Store } from '../store/store.ts';
import { Registry } from '../api/registry.ts';
import { ApiServerCore } from './core.ts';
import { ApiServer } from './server.ts';
import { loadOrCreateCredentials } from './credentials.ts';
import { createInProcessClient } from './inProcessClient.ts';
import { types } from '../client/resourceTypes.ts';
import type { Client } from '../client/client.ts';
import { ApiError } from './errors.ts';

let dir: string;
let store: Store;
let core: ApiServerCore;
let client: Client;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-inprocess-'));
  store = await openSqliteStore(join(dir, 'state.db'));
  core = new ApiServerCore(store, new Registry());
  await core.start();
  const server = new ApiServer({ core, credentials: await loadOrCreateCredentials(dir), port: 0 });
  client = createInProcessClient(server, 'kube-controller-manager');
});

after(async () => {
  core.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

test('writes go through the whole pipeline: defaults, validation, managedFields', async () => {
  const cm = await client.create<any>(types.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { x: '1' } });
  assert.match(cm.metadata!.resourceVersion!, /^\d+$/);
  assert.equal((cm.metadata!.managedFields as any[])[0].manager, 'kube-controller-manager');
  await assert.rejects(
    client.create(types.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: 'default' } }),
    (err: unknown) => err instanceof ApiError && err.code === 422,
  );
  const patched = await client.patch<any>(types.configMaps, 'default', 'a', 'merge', { data: { x: '2' } });
  assert.equal(patched.data.x, '2');
  assert.equal(await client.delete(types.configMaps, 'default', 'a'), undefined);
  await assert.rejects(client.get(types.configMaps, 'default', 'a'), (err: unknown) => err instanceof ApiError && err.code === 404);
});

test('watches stream events and stop when aborted', async () => {
  const list = await client.list(types.configMaps, { namespace: 'default' });
  const abort = new AbortController();
  const seen: string[] = [];
  const done = (async () => {
    for await (const event of client.watch(types.configMaps, { namespace: 'default', resourceVersion: list.resourceVersion, signal: abort.signal })) {
      seen.push(`${event.type} ${event.object.metadata?.name}`);
      if (seen.length === 2) abort.abort();
    }
  })();
  await client.create(types.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w', namespace: 'default' } });
  await client.delete(types.configMaps, 'default', 'w');
  await done;
  assert.deepEqual(seen, ['ADDED w', 'DELETED w']);
});
