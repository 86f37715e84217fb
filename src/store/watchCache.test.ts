import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from './sqlite/sqliteStore.ts';
import type { KeyValue, Store } from './store.ts';
import { StoreError } from './store.ts';
import { eventually } from './storeSuite.ts';
import { WatchCache, type CacheEvent, type WatchCacheOptions } from './watchCache.ts';

interface Thing {
  name: string;
  n: number;
  rv: number;
}

const prefix = '/registry/things/';

/** Runs fn with a started cache of "things" over a fresh SQLite store; cleans up after. */
function withCache(fn: (cache: WatchCache<Thing>, store: Store, decoded: () => number) => Promise<void>, options?: WatchCacheOptions, seed?: (store: Store) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-cache-'));
    const store = await openSqliteStore(join(dir, 'state.db'));
    let decodes = 0;
    const decode = (kv: KeyValue): Thing => {
      decodes++;
      return { ...(JSON.parse(kv.value) as Omit<Thing, 'rv'>), rv: kv.modRevision };
    };
    const cache = new WatchCache(store, prefix, decode, options);
    try {
      await seed?.(store);
      await cache.start();
      await fn(cache, store, () => decodes);
    } finally {
      cache.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const thing = (name: string, n = 0) => JSON.stringify({ name, n });

function record(cache: WatchCache<Thing>, afterRevision: number, prefixOption?: string) {
  const events: CacheEvent<Thing>[] = [];
  const watch = cache.watch(afterRevision, (batch) => events.push(...batch), { prefix: prefixOption });
  return { events, stop: () => watch.stop() };
}

const describe = (e: CacheEvent<Thing>) => `${e.type} ${e.object.name}@${e.kv.modRevision}${e.prev ? ` (was @${e.prev.rv})` : ''}`;

test('start loads the prefix, and get and list serve it from memory', withCache(async (cache, store) => {
  assert.equal(cache.get(`${prefix}a`)?.name, 'a');
  assert.equal(cache.get('/registry/other/x'), undefined);
  const { items, revision } = cache.list();
  assert.deepEqual(items.map((e) => e.object.name), ['a', 'b']);
  assert.equal(revision, store.currentRevision());
}, {}, async (store) => {
  await store.create(`${prefix}b`, thing('b'));
  await store.create('/registry/other/x', thing('x'));
  await store.create(`${prefix}a`, thing('a'));
}));

test('the cache follows writes in key order', withCache(async (cache, store) => {
  const names = Array.from({ length: 300 }, (_, i) => `n${String((i * 7919) % 1000).padStart(4, '0')}`);
  await Promise.all(names.map((name) => store.create(`${prefix}${name}`, thing(name))));
  await Promise.all(names.filter((_, i) => i % 3 === 0).map((name) => store.delete(`${prefix}${name}`)));
  await cache.waitForRevision(store.currentRevision());
  const expected = names.filter((_, i) => i % 3 !== 0).sort();
  assert.deepEqual(cache.list().items.map((e) => e.object.name), expected);
  assert.deepEqual(cache.list().items.map((e) => e.kv.key), (await store.list(prefix)).items.map((kv) => kv.key));
}));

test('list takes a narrower prefix, after, limit and a filter', withCache(async (cache, store) => {
  for (const ns of ['default', 'kube-system']) {
    for (let i = 0; i < 5; i++) await store.create(`${prefix}${ns}/t${i}`, thing(`${ns}/t${i}`, i));
  }
  await cache.waitForRevision(store.currentRevision());
  const names = (result: { items: { object: Thing }[] }) => result.items.map((e) => e.object.name);
  assert.deepEqual(names(cache.list({ prefix: `${prefix}kube-system/` })), [0, 1, 2, 3, 4].map((i) => `kube-system/t${i}`));
  const page = cache.list({ prefix: `${prefix}default/`, limit: 2, after: `${prefix}default/t1` });
  assert.deepEqual(names(page), ['default/t2', 'default/t3']);
  assert.equal(page.more, true);
  const odd = cache.list({ filter: (t) => t.n % 2 === 1, limit: 2 });
  assert.deepEqual(names(odd), ['default/t1', 'default/t3']);
  assert.equal(odd.more, true);
  const lastOdd = cache.list({ filter: (t) => t.n % 2 === 1, after: `${prefix}kube-system/t2` });
  assert.deepEqual(names(lastOdd), ['kube-system/t3']);
  assert.equal(lastOdd.more, false);
}));

test('watch events are puts with or without prev, and deletes with the last object', withCache(async (cache, store) => {
  const recorder = record(cache, cache.revision);
  const a = await store.create(`${prefix}a`, thing('a'));
  const a2 = await store.update(`${prefix}a`, thing('a', 2), a.modRevision);
  const gone = await store.delete(`${prefix}a`);
  await eventually(() => recorder.events.length === 3);
  assert.deepEqual(recorder.events.map(describe), [
    `put a@${a.modRevision}`,
    `put a@${a2.modRevision} (was @${a.modRevision})`,
    `delete a@${gone.modRevision} (was @${a2.modRevision})`,
  ]);
  assert.equal(recorder.events[2].object.n, 2, 'the deleted object is the last one stored');
  assert.equal(recorder.events[2].object.rv, gone.modRevision, 'at the revision of the delete');
  recorder.stop();
}));

test('watch replays remembered events, then continues live, without gaps or repeats', withCache(async (cache, store) => {
  const start = cache.revision;
  for (let i = 0; i < 10; i++) await store.create(`${prefix}t${i}`, thing(`t${i}`));
  await cache.waitForRevision(store.currentRevision());
  const recorder = record(cache, start + 4);
  for (let i = 10; i < 15; i++) await store.create(`${prefix}t${i}`, thing(`t${i}`));
  await eventually(() => recorder.events.length === 11);
  assert.deepEqual(recorder.events.map((e) => e.kv.modRevision), Array.from({ length: 11 }, (_, i) => start + 5 + i));
  recorder.stop();
}));

test('watch filters by a narrower prefix', withCache(async (cache, store) => {
  const recorder = record(cache, cache.revision, `${prefix}ns1/`);
  await store.create(`${prefix}ns2/a`, thing('ns2/a'));
  await store.create(`${prefix}ns1/a`, thing('ns1/a'));
  await eventually(() => recorder.events.length >= 1);
  assert.deepEqual(recorder.events.map((e) => e.object.name), ['ns1/a']);
  recorder.stop();
}));

test('a watch from before the remembered history fails as compacted', withCache(async (cache, store) => {
  const start = cache.revision;
  assert.throws(() => cache.watch(start - 1, () => {}), (err) => err instanceof StoreError && err.code === 'compacted');
  for (let i = 0; i < 10; i++) await store.create(`${prefix}t${i}`, thing(`t${i}`));
  await cache.waitForRevision(store.currentRevision());
  // Five events are remembered: the oldest revision served is the one before them.
  assert.equal(cache.oldestRevision(), start + 5);
  assert.throws(() => cache.watch(start + 4, () => {}), (err) => err instanceof StoreError && err.code === 'compacted');
  const recorder = record(cache, start + 5);
  await eventually(() => recorder.events.length === 5);
  recorder.stop();
}, { minEvents: 5, maxEvents: 5 }, async (store) => {
  await store.create(`${prefix}seed`, thing('seed'));
}));

test('old events are forgotten once they are neither fresh nor among the last minEvents', withCache(async (cache, store) => {
  for (let i = 0; i < 5; i++) await store.create(`${prefix}t${i}`, thing(`t${i}`));
  await cache.waitForRevision(store.currentRevision());
  assert.equal(cache.oldestRevision(), store.currentRevision() - 2);
}, { minEvents: 2, freshMs: 0 }));

test('the revision follows writes under other prefixes too', withCache(async (cache, store) => {
  const other = await store.create('/registry/other/x', thing('x'));
  await cache.waitForRevision(other.modRevision);
  assert.equal(cache.revision, other.modRevision);
  assert.equal(cache.list().revision, other.modRevision);
  assert.deepEqual(cache.list().items, []);
}));

test('waitForRevision waits for the cache to catch up, or for the signal', withCache(async (cache, store) => {
  const target = store.currentRevision() + 2;
  let reached = false;
  const waiting = cache.waitForRevision(target).then(() => (reached = true));
  await store.create(`${prefix}a`, thing('a'));
  assert.equal(reached, false);
  await store.create(`${prefix}b`, thing('b'));
  await waiting;
  assert.equal(cache.get(`${prefix}b`)?.name, 'b');

  const controller = new AbortController();
  const abandoned = cache.waitForRevision(target + 100, controller.signal);
  controller.abort(new Error('too large resource version'));
  await assert.rejects(abandoned, /too large resource version/);
}));

test('decode runs once per event however many watchers there are', withCache(async (cache, store, decoded) => {
  const watchers = Array.from({ length: 100 }, () => record(cache, cache.revision));
  const before = decoded();
  await store.create(`${prefix}a`, thing('a'));
  await eventually(() => watchers.every((w) => w.events.length === 1));
  assert.equal(decoded() - before, 1);
  assert.ok(watchers.every((w) => w.events[0].object === watchers[0].events[0].object), 'all watchers share one object');
  for (const w of watchers) w.stop();
}));

test('a stopped watcher gets nothing more while the others carry on', withCache(async (cache, store) => {
  const stopped = record(cache, cache.revision);
  const running = record(cache, cache.revision);
  stopped.stop();
  await store.create(`${prefix}a`, thing('a'));
  await eventually(() => running.events.length === 1);
  assert.equal(stopped.events.length, 0);
  running.stop();
}));

test('stop rejects pending waits', withCache(async (cache) => {
  const waiting = cache.waitForRevision(cache.revision + 1);
  cache.stop();
  await assert.rejects(waiting, /stopped/);
}));
