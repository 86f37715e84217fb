// ApiServerCore's lists against a real SQLite store, where compaction (which an end-to-end
// test cannot trigger) makes old revisions and continue tokens expire.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqliteStore.ts';
import type { Store } from '../store/store.ts';
import { Registry } from '../api/registry.ts';
import { ApiServerCore } from './core.ts';
import type { KindStorage } from './storage.ts';
import { apiError } from './testing/apiError.ts';

const dir = mkdtempSync(join(tmpdir(), 'skiff-core-'));
let store: Store;
let core: ApiServerCore;
let configMaps: KindStorage;
before(async () => {
  store = await openSqliteStore(join(dir, 'state.db'));
  core = new ApiServerCore(store, new Registry());
  await core.start();
  configMaps = core.storageFor('', 'configmaps');
});
after(async () => {
  core?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const all = () => true;
const names = (items: { metadata?: { name?: string } }[]) => items.map((o) => o.metadata!.name);

async function createConfigMap(namespace: string, name: string): Promise<void> {
  await core.createObject(configMaps, namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }, { manager: 'test', user: 'test' });
}

test('a continue token older than the compacted revision is 410 Expired, with a token that goes on at the newest revision', async () => {
  await core.createObject(core.storageFor('', 'namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pages' } }, { manager: 'test', user: 'test' });
  for (const name of ['a', 'b', 'c', 'd']) await createConfigMap('pages', name);
  const first = await core.listObjects(configMaps, 'pages', all, { limit: 2 });
  assert.deepEqual(names(first.items), ['a', 'b']);
  assert.ok(first.continueToken);

  await createConfigMap('pages', 'e');
  await core.deleteObject(configMaps, 'pages', 'c', {});
  await store.compact(store.currentRevision());

  const expired = await apiError(core.listObjects(configMaps, 'pages', all, { limit: 2, continueToken: first.continueToken }));
  assert.equal(expired.code, 410);
  assert.equal(expired.reason, 'Expired');
  assert.match(expired.message, /^The provided continue parameter is too old to display a consistent list result\..*inconsistent list/);
  const status = expired.toStatus() as unknown as { metadata: { continue?: string } };
  assert.ok(status.metadata.continue, 'the Status carries a token to go on with');

  // Going on with it lists the rest as it is now: c is gone, e has come.
  const rest = await core.listObjects(configMaps, 'pages', all, { limit: 2, continueToken: status.metadata.continue });
  assert.deepEqual(names(rest.items), ['d', 'e']);
  assert.equal(rest.revision, store.currentRevision());
  assert.equal(rest.continueToken, undefined);
});

test('a list at a compacted resourceVersion is 410 Expired', async () => {
  const old = store.compactRevision() - 1;
  for (const options of [{ resourceVersion: String(old), resourceVersionMatch: 'Exact' }, { resourceVersion: String(old), limit: 5 }]) {
    const expired = await apiError(core.listObjects(configMaps, 'pages', all, options));
    assert.equal(expired.code, 410);
    assert.equal(expired.message, 'The resourceVersion for the provided list is too old.');
  }
  // Not older than it is served: the cache has newer.
  const notOlder = await core.listObjects(configMaps, 'pages', all, { resourceVersion: String(old), resourceVersionMatch: 'NotOlderThan' });
  assert.deepEqual(names(notOlder.items), ['a', 'b', 'd', 'e']);
});
