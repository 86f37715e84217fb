// API semantics of watches, checked against kube-apiserver v1.32: event types and order,
// resuming, 410 for a too-old resourceVersion, bookmarks, sendInitialEvents, timeouts,
// selector transitions, namespace scope and Table watches.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer } from './harness.ts';
import { RawApi, expectStatus, tableAccept, summary } from './rawApi.ts';

let server: SkiffServer;
let api: RawApi;
before(async () => {
  server = await SkiffServer.start();
  await server.ok(['create', 'configmap', 'before-restart']);
  // A restarted server's watch cache starts at the store's revision: older ones are gone.
  await server.kill();
  await server.restart();
  api = await RawApi.of(server);
});
after(() => server?.stop());

const merge = { contentType: 'application/merge-patch+json' };

async function createNamespace(name: string): Promise<void> {
  expectStatus(await api.request('POST', '/api/v1/namespaces', { metadata: { name } }), 201);
}

async function createConfigMap(namespace: string, name: string, labels: Record<string, string> = {}): Promise<any> {
  const res = await api.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, { metadata: { name, labels } });
  expectStatus(res, 201);
  return res.body;
}

async function listVersion(path: string): Promise<string> {
  return (await api.get(path)).body.metadata.resourceVersion;
}

let seen: { type: string; rv: string }[] = [];

test('a watch from a list\'s resourceVersion sees ADDED, MODIFIED and DELETED, in revision order', async () => {
  await createNamespace('w-basic');
  const path = '/api/v1/namespaces/w-basic/configmaps';
  const watch = await api.watch(`${path}?watch=true&resourceVersion=${await listVersion(path)}`);
  try {
    assert.equal(watch.status, 200);
    assert.match(String(watch.headers['content-type']), /^application\/json/);
    await createConfigMap('w-basic', 'a');
    expectStatus(await api.request('PATCH', `${path}/a`, { data: { k: 'v' } }, merge), 200);
    const deleted = await api.request('DELETE', `${path}/a`);
    expectStatus(deleted, 200);
    const events = await watch.waitForCount(3, 'three events');
    assert.deepEqual(events.map(summary), ['ADDED a', 'MODIFIED a', 'DELETED a']);
    for (const e of events) {
      assert.equal(e.object.kind, 'ConfigMap');
      assert.equal(e.object.apiVersion, 'v1');
    }
    assert.equal(events[1].object.data.k, 'v');
    const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual([...versions].sort((x, y) => x - y), versions);
    assert.equal(new Set(versions).size, 3, 'the deletion has its own resourceVersion');
    seen = events.map((e) => ({ type: e.type, rv: e.object.metadata.resourceVersion }));
  } finally {
    watch.close();
  }
});

test('a watch resumes after any resourceVersion it has seen, also on the /watch/ path', async () => {
  const watch = await api.watch(`/api/v1/watch/namespaces/w-basic/configmaps?resourceVersion=${seen[0].rv}`);
  try {
    const events = await watch.waitForCount(2, 'the events after the first');
    assert.deepEqual(events.map((e) => ({ type: e.type, rv: e.object.metadata.resourceVersion })), seen.slice(1));
  } finally {
    watch.close();
  }
});

test('a resourceVersion older than the watch cache is an ERROR event with a 410 Expired Status', async () => {
  const watch = await api.watch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
  await watch.ended;
  assert.equal(watch.status, 200);
  assert.equal(watch.events.length, 1);
  const [event] = watch.events;
  assert.equal(event.type, 'ERROR');
  assert.equal(event.object.kind, 'Status');
  assert.equal(event.object.apiVersion, 'v1');
  assert.equal(event.object.status, 'Failure');
  assert.equal(event.object.code, 410);
  assert.equal(event.object.reason, 'Expired');
  assert.match(event.object.message, /^too old resource version: 1 \(\d+\)$/);
  // kubectl relists on 410 and carries on.
  assert.match(await server.ok(['get', 'configmap', 'before-restart', '-o', 'name']), /configmap\/before-restart/);
});

test('timeoutSeconds ends the stream; with bookmarks allowed, a BOOKMARK comes 2 s before the end', async () => {
  const path = '/api/v1/namespaces/default/configmaps';
  const rv = await listVersion(path);
  const [withBookmarks, without] = await Promise.all([
    api.watch(`${path}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=3`),
    api.watch(`${path}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`),
  ]);
  await without.ended;
  assert.deepEqual(without.events, []);
  const bookmark = await withBookmarks.waitForEvent((e) => e.type === 'BOOKMARK', 'a bookmark before the timeout', 5000);
  assert.equal(withBookmarks.isEnded, false, 'the bookmark comes before the end');
  await withBookmarks.ended;
  assert.equal(withBookmarks.events.length, 1);
  assert.equal(bookmark.object.kind, 'ConfigMap');
  assert.equal(bookmark.object.apiVersion, 'v1');
  assert.ok(Number(bookmark.object.metadata.resourceVersion) >= Number(rv));
  assert.equal(bookmark.object.metadata.annotations, undefined);
});

test('sendInitialEvents=true streams the current objects, then a BOOKMARK marking their end', async () => {
  await createNamespace('w-initial');
  await createConfigMap('w-initial', 'x');
  await createConfigMap('w-initial', 'y');
  const path = '/api/v1/namespaces/w-initial/configmaps';
  const watch = await api.watch(`${path}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
  try {
    const events = await watch.waitForCount(3, 'the initial events and their bookmark');
    assert.deepEqual(events.map(summary), ['ADDED x', 'ADDED y', 'BOOKMARK']);
    const end = events[2].object;
    assert.deepEqual(end.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    assert.ok(Number(end.metadata.resourceVersion) >= Number(events[1].object.metadata.resourceVersion));
    await createConfigMap('w-initial', 'z');
    await watch.waitForEvent((e) => e.type === 'ADDED' && e.object.metadata.name === 'z', 'a later ADDED');
  } finally {
    watch.close();
  }
  // With WatchList on (v1.32), a watch from "" with bookmarks allowed is the same stream.
  const legacy = await api.watch(`${path}?watch=true&allowWatchBookmarks=true`);
  try {
    const events = await legacy.waitForCount(4, 'the initial events of a legacy watch');
    assert.deepEqual(events.map(summary), ['ADDED x', 'ADDED y', 'ADDED z', 'BOOKMARK']);
    assert.equal(events[3].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  } finally {
    legacy.close();
  }
  // sendInitialEvents=false from "0": only what happens from now on.
  const fromNow = await api.watch(`${path}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=0`);
  try {
    expectStatus(await api.request('PATCH', `${path}/y`, { data: { n: '1' } }, merge), 200);
    const events = await fromNow.waitForCount(1, 'the change after the watch began');
    assert.deepEqual(events.map(summary), ['MODIFIED y']);
  } finally {
    fromNow.close();
  }
});

test('bad watch parameters are a 422 Invalid ListOptions', async () => {
  const cases: [string, string][] = [
    ['sendInitialEvents=true', 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
    ['resourceVersionMatch=NotOlderThan&resourceVersion=1', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
    ['sendInitialEvents=true&resourceVersionMatch=Exact&resourceVersion=1', 'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"'],
  ];
  for (const [query, message] of cases) {
    const res = await api.get(`/api/v1/namespaces/default/configmaps?watch=true&${query}`);
    expectStatus(res, 422);
    assert.match(res.body.message, new RegExp(`^ListOptions.meta.k8s.io "" is invalid: .*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), query);
  }
});

test('a label-selector watch sees objects enter its selection as ADDED and leave it as DELETED', async () => {
  await createNamespace('w-labels');
  const path = '/api/v1/namespaces/w-labels/configmaps';
  const watch = await api.watch(`${path}?watch=true&resourceVersion=${await listVersion(path)}&labelSelector=color%3Dblue`);
  try {
    await createConfigMap('w-labels', 'c1', { color: 'red' });
    expectStatus(await api.request('PATCH', `${path}/c1`, { metadata: { labels: { color: 'blue' } } }, merge), 200);
    const left = await api.request('PATCH', `${path}/c1`, { metadata: { labels: { color: 'green' } } }, merge);
    expectStatus(left, 200);
    await createConfigMap('w-labels', 'c2', { color: 'blue' });
    expectStatus(await api.request('DELETE', `${path}/c1`), 200);
    expectStatus(await api.request('DELETE', `${path}/c2`), 200);
    const events = await watch.waitForCount(4, 'the selection changes');
    assert.deepEqual(events.map(summary), ['ADDED c1', 'DELETED c1', 'ADDED c2', 'DELETED c2']);
    // Leaving the selection: the object as it last matched, at the resourceVersion of the change.
    assert.equal(events[1].object.metadata.labels.color, 'blue');
    assert.equal(events[1].object.metadata.resourceVersion, left.body.metadata.resourceVersion);
  } finally {
    watch.close();
  }
});

test('a namespaced watch sees only its namespace; an all-namespace watch sees every one', async () => {
  await createNamespace('w-one');
  await createNamespace('w-two');
  const rv = await listVersion('/api/v1/configmaps');
  const one = await api.watch(`/api/v1/namespaces/w-one/configmaps?watch=true&resourceVersion=${rv}`);
  const all = await api.watch(`/api/v1/configmaps?watch=true&resourceVersion=${rv}`);
  const named = await api.watch(`/api/v1/watch/namespaces/w-one/configmaps/wanted?resourceVersion=${rv}`);
  try {
    await createConfigMap('w-two', 'elsewhere');
    await createConfigMap('w-one', 'other');
    await createConfigMap('w-one', 'wanted');
    await all.waitForCount(3, 'all three creations');
    assert.deepEqual(all.events.map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`), ['w-two/elsewhere', 'w-one/other', 'w-one/wanted']);
    await one.waitForCount(2, 'the two in w-one');
    assert.deepEqual(one.events.map(summary), ['ADDED other', 'ADDED wanted']);
    await named.waitForCount(1, 'the one named');
    assert.deepEqual(named.events.map(summary), ['ADDED wanted']);
  } finally {
    one.close();
    all.close();
    named.close();
  }
});

test('an as=Table watch sends one-row Tables, with the column definitions first', async () => {
  await createNamespace('w-table');
  const path = '/api/v1/namespaces/w-table/configmaps';
  const watch = await api.watch(`${path}?watch=true&resourceVersion=${await listVersion(path)}`, { accept: tableAccept });
  try {
    await createConfigMap('w-table', 't1');
    await createConfigMap('w-table', 't2');
    const events = await watch.waitForCount(2, 'two Table events');
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'ADDED']);
    for (const e of events) {
      assert.equal(e.object.kind, 'Table');
      assert.equal(e.object.apiVersion, 'meta.k8s.io/v1');
      assert.equal(e.object.rows.length, 1);
      assert.equal(e.object.rows[0].object.kind, 'PartialObjectMetadata');
    }
    assert.deepEqual(events[0].object.columnDefinitions.map((c: any) => c.name), ['Name', 'Data', 'Age']);
    assert.ok(!events[1].object.columnDefinitions?.length, 'later events leave out the columns');
    assert.deepEqual(events.map((e) => e.object.rows[0].cells[0]), ['t1', 't2']);
  } finally {
    watch.close();
  }
});
