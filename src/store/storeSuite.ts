// The behaviour every Store backend must have, as node:test tests. A backend's test file
// calls storeSuite(name, open); open must return a new, empty store of its own, which the
// suite closes. Values are opaque strings; revisions are compared relative to each other
// except where an empty store is the point.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StoreError, type Store, type StoreErrorCode, type WatchEvent } from './store.ts';

export function storeSuite(name: string, open: () => Promise<Store>): void {
  const withStore = (fn: (store: Store) => Promise<void>) => async () => {
    const store = await open();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  describe(`${name} store: writes`, () => {
    test('a new store is empty, at revision 0', withStore(async (store) => {
      assert.equal(store.currentRevision(), 0);
      assert.deepEqual(await store.list(''), { items: [], revision: 0, more: false });
    }));

    test('create stores a value that get returns with its revisions', withStore(async (store) => {
      const kv = await store.create('/a/one', 'v1');
      assert.deepEqual(kv, { key: '/a/one', value: 'v1', createRevision: kv.modRevision, modRevision: kv.modRevision });
      assert.equal(store.currentRevision(), kv.modRevision);
      assert.deepEqual(await store.get('/a/one'), kv);
    }));

    test('creating a key that exists fails with exists', withStore(async (store) => {
      await store.create('/a/one', 'v1');
      await rejectsWith(store.create('/a/one', 'v2'), 'exists');
      assert.equal((await store.get('/a/one'))?.value, 'v1');
    }));

    test('get of a missing key is undefined', withStore(async (store) => {
      assert.equal(await store.get('/a/missing'), undefined);
    }));

    test('update replaces the value and keeps createRevision', withStore(async (store) => {
      const created = await store.create('/a/one', 'v1');
      const updated = await store.update('/a/one', 'v2', created.modRevision);
      assert.deepEqual(updated, { key: '/a/one', value: 'v2', createRevision: created.modRevision, modRevision: created.modRevision + 1 });
      assert.deepEqual(await store.get('/a/one'), updated);
    }));

    test('a stale modRevision is a conflict that reports the current value', withStore(async (store) => {
      const created = await store.create('/a/one', 'v1');
      const updated = await store.update('/a/one', 'v2', created.modRevision);
      const err = await rejectsWith(store.update('/a/one', 'v3', created.modRevision), 'conflict');
      assert.deepEqual(err.current, updated);
      assert.deepEqual(await store.get('/a/one'), updated);
    }));

    test('updating a missing key fails with not-found', withStore(async (store) => {
      await rejectsWith(store.update('/a/missing', 'v', 1), 'not-found');
      assert.equal(await store.get('/a/missing'), undefined);
    }));

    test('delete removes the key and returns its last value at the delete revision', withStore(async (store) => {
      const created = await store.create('/a/one', 'v1');
      const deleted = await store.delete('/a/one');
      assert.deepEqual(deleted, { key: '/a/one', value: 'v1', createRevision: created.modRevision, modRevision: created.modRevision + 1 });
      assert.equal(store.currentRevision(), deleted.modRevision);
      assert.equal(await store.get('/a/one'), undefined);
    }));

    test('delete with the current modRevision succeeds', withStore(async (store) => {
      const created = await store.create('/a/one', 'v1');
      await store.delete('/a/one', created.modRevision);
      assert.equal(await store.get('/a/one'), undefined);
    }));

    test('delete with a stale modRevision is a conflict and keeps the key', withStore(async (store) => {
      const created = await store.create('/a/one', 'v1');
      const updated = await store.update('/a/one', 'v2', created.modRevision);
      const err = await rejectsWith(store.delete('/a/one', created.modRevision), 'conflict');
      assert.deepEqual(err.current, updated);
      assert.deepEqual(await store.get('/a/one'), updated);
    }));

    test('deleting a missing key fails with not-found', withStore(async (store) => {
      await rejectsWith(store.delete('/a/missing'), 'not-found');
    }));

    test('a deleted key can be created again, as a new incarnation', withStore(async (store) => {
      await store.create('/a/one', 'v1');
      await store.delete('/a/one');
      const again = await store.create('/a/one', 'v2');
      assert.equal(again.createRevision, again.modRevision);
      assert.deepEqual(await store.get('/a/one'), again);
    }));

    test('every write advances the one global revision by one; failed writes advance nothing', withStore(async (store) => {
      const start = store.currentRevision();
      const a = await store.create('/a/one', 'v');
      const b = await store.create('/b/two', 'v');
      await rejectsWith(store.create('/a/one', 'v'), 'exists');
      await rejectsWith(store.update('/a/one', 'v', b.modRevision), 'conflict');
      await rejectsWith(store.delete('/c/missing'), 'not-found');
      const c = await store.update('/a/one', 'w', a.modRevision);
      const d = await store.delete('/b/two');
      assert.deepEqual([a, b, c, d].map((kv) => kv.modRevision), [start + 1, start + 2, start + 3, start + 4]);
      assert.equal(store.currentRevision(), start + 4);
    }));
  });

  describe(`${name} store: list`, () => {
    test('list returns the keys under a prefix in key order, at the current revision', withStore(async (store) => {
      for (const key of ['/p/c', '/q/a', '/p/a', '/p/b']) await store.create(key, `value of ${key}`);
      const result = await store.list('/p/');
      assert.deepEqual(result.items.map((kv) => [kv.key, kv.value]), [['/p/a', 'value of /p/a'], ['/p/b', 'value of /p/b'], ['/p/c', 'value of /p/c']]);
      assert.equal(result.revision, store.currentRevision());
      assert.equal(result.more, false);
      assert.deepEqual((await store.list('')).items.map((kv) => kv.key), ['/p/a', '/p/b', '/p/c', '/q/a']);
    }));

    test('a prefix matches the start of keys, so a trailing slash separates siblings', withStore(async (store) => {
      await store.create('/a/b/one', 'v');
      await store.create('/a/bc/two', 'v');
      await store.create('/a/b', 'v');
      assert.deepEqual((await store.list('/a/b/')).items.map((kv) => kv.key), ['/a/b/one']);
      assert.deepEqual((await store.list('/a/b')).items.map((kv) => kv.key), ['/a/b', '/a/b/one', '/a/bc/two']);
    }));

    test('list leaves out deleted keys', withStore(async (store) => {
      await store.create('/a/one', 'v');
      await store.create('/a/two', 'v');
      await store.delete('/a/one');
      assert.deepEqual((await store.list('/a/')).items.map((kv) => kv.key), ['/a/two']);
    }));

    test('list with a limit says there are more, and after continues from a key', withStore(async (store) => {
      const keys = Array.from({ length: 7 }, (_, i) => `/a/${i}`);
      for (const key of keys) await store.create(key, 'v');
      await store.create('/b/0', 'v');
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.list('/a/', { limit: 3, after });
        seen.push(...page.items.map((kv) => kv.key));
        assert.ok(page.items.length <= 3);
        if (!page.more) break;
        after = page.items[page.items.length - 1].key;
      }
      assert.deepEqual(seen, keys);
      assert.equal((await store.list('/a/', { limit: 7 })).more, false);
      assert.equal((await store.list('/a/', { limit: 6 })).more, true);
      assert.deepEqual((await store.list('/a/', { after: '/' })).items.length, 7, 'an after before the prefix starts at the prefix');
    }));

    test('list at an older revision sees the keys and values of that time', withStore(async (store) => {
      const a1 = await store.create('/a/a', 'a1');
      const b = await store.create('/a/b', 'b1');
      const a2 = await store.update('/a/a', 'a2', a1.modRevision);
      const bGone = await store.delete('/a/b');
      const c = await store.create('/a/c', 'c1');
      const at = async (revision: number) => {
        const result = await store.list('/a/', { revision });
        assert.equal(result.revision, revision);
        return result.items.map((kv) => `${kv.key}=${kv.value}@${kv.modRevision}`);
      };
      assert.deepEqual(await at(a1.modRevision), [`/a/a=a1@${a1.modRevision}`]);
      assert.deepEqual(await at(b.modRevision), [`/a/a=a1@${a1.modRevision}`, `/a/b=b1@${b.modRevision}`]);
      assert.deepEqual(await at(a2.modRevision), [`/a/a=a2@${a2.modRevision}`, `/a/b=b1@${b.modRevision}`]);
      assert.deepEqual(await at(bGone.modRevision), [`/a/a=a2@${a2.modRevision}`]);
      assert.deepEqual(await at(c.modRevision), [`/a/a=a2@${a2.modRevision}`, `/a/c=c1@${c.modRevision}`]);
      const page = await store.list('/a/', { revision: b.modRevision, limit: 1, after: '/a/a' });
      assert.deepEqual(page.items.map((kv) => kv.value), ['b1']);
      assert.equal(page.more, false);
    }));

    test('list at a revision older than the compacted one fails as compacted', withStore(async (store) => {
      const one = await store.create('/a/one', 'v1');
      const two = await store.update('/a/one', 'v2', one.modRevision);
      await store.create('/a/two', 'v');
      await store.compact(two.modRevision);
      assert.equal(store.compactRevision(), two.modRevision);
      await rejectsWith(store.list('/a/', { revision: one.modRevision }), 'compacted');
      assert.deepEqual((await store.list('/a/', { revision: two.modRevision })).items.map((kv) => kv.value), ['v2']);
    }));
  });

  describe(`${name} store: watch`, () => {
    test('watch from a revision replays history then delivers live events, in order', withStore(async (store) => {
      const first = await store.create('/a/one', 'v1');
      await store.update('/a/one', 'v2', first.modRevision);
      const recorder = record(store, '/a/', first.modRevision);
      await store.create('/a/two', 'v');
      await eventually(() => recorder.events.length === 2);
      assert.deepEqual(recorder.events.map(describeEvent), ['put /a/one=v2', 'put /a/two=v']);
      assert.deepEqual(recorder.revisions(), [first.modRevision + 1, first.modRevision + 2]);
      recorder.stop();
    }));

    test('watch delivers only keys under its prefix', withStore(async (store) => {
      const recorder = record(store, '/a/', 0);
      await store.create('/b/one', 'v');
      await store.create('/ab', 'v');
      await store.create('/a/one', 'v');
      await eventually(() => recorder.events.length >= 1);
      assert.deepEqual(recorder.events.map(describeEvent), ['put /a/one=v']);
      recorder.stop();
    }));

    test('put events carry the previous value for updates and none for creates', withStore(async (store) => {
      const recorder = record(store, '', store.currentRevision());
      const created = await store.create('/a/one', 'v1');
      await store.update('/a/one', 'v2', created.modRevision);
      await eventually(() => recorder.events.length === 2);
      const [create, update] = recorder.events;
      assert.equal(create.prev, undefined);
      assert.deepEqual(update.prev, created);
      recorder.stop();
    }));

    test('delete events carry the last value at the delete revision and the previous one', withStore(async (store) => {
      const created = await store.create('/a/one', 'v1');
      const recorder = record(store, '/a/', created.modRevision);
      const deleted = await store.delete('/a/one');
      await eventually(() => recorder.events.length === 1);
      assert.deepEqual(recorder.events[0], { type: 'delete', kv: deleted, prev: created });
      recorder.stop();
    }));

    test('replayed events look exactly like live ones', withStore(async (store) => {
      const live = record(store, '', 0);
      const created = await store.create('/a/one', 'v1');
      await store.update('/a/one', 'v2', created.modRevision);
      await store.delete('/a/one');
      await store.create('/a/one', 'v3');
      await eventually(() => live.events.length === 4);
      const replayed = record(store, '', 0);
      await eventually(() => replayed.events.length === 4);
      assert.deepEqual(replayed.events, live.events);
      live.stop();
      replayed.stop();
    }));

    test('watch from the current revision delivers only later writes', withStore(async (store) => {
      await store.create('/a/old', 'v');
      const recorder = record(store, '/a/', store.currentRevision());
      await store.create('/a/new', 'v');
      await eventually(() => recorder.events.length >= 1);
      assert.deepEqual(recorder.events.map(describeEvent), ['put /a/new=v']);
      recorder.stop();
    }));

    test('a stopped watch receives nothing more', withStore(async (store) => {
      const stopped = record(store, '/a/', 0);
      const control = record(store, '/a/', 0);
      await store.create('/a/one', 'v');
      await eventually(() => stopped.events.length === 1 && control.events.length === 1);
      stopped.stop();
      await store.create('/a/two', 'v');
      await eventually(() => control.events.length === 2);
      assert.equal(stopped.events.length, 1);
      control.stop();
    }));

    test('a watch started while writes are in flight sees every revision exactly once, in order', withStore(async (store) => {
      const start = store.currentRevision();
      const total = 200;
      let acknowledged = 0;
      const writes = Array.from({ length: total }, (_, i) => store.create(`/a/${i}`, 'v').then(() => acknowledged++));
      await eventually(() => acknowledged >= total / 4);
      const recorder = record(store, '/a/', start);
      await Promise.all(writes);
      await eventually(() => recorder.events.length >= total);
      assert.deepEqual(recorder.revisions(), Array.from({ length: total }, (_, i) => start + 1 + i));
      recorder.stop();
    }));

    test('watch from before the compacted revision throws compacted', withStore(async (store) => {
      const one = await store.create('/a/one', 'v1');
      const two = await store.update('/a/one', 'v2', one.modRevision);
      await store.compact(two.modRevision);
      assert.throws(() => store.watch('/a/', one.modRevision, () => {}), (err) => err instanceof StoreError && err.code === 'compacted');
      const recorder = record(store, '/a/', two.modRevision);
      await store.update('/a/one', 'v3', two.modRevision);
      await eventually(() => recorder.events.length === 1);
      assert.deepEqual(recorder.events[0].prev, two);
      recorder.stop();
    }));
  });

  describe(`${name} store: compaction`, () => {
    test('compaction keeps the newest value of every key and forgets deleted ones', withStore(async (store) => {
      let a = await store.create('/a/a', 'a0');
      for (let i = 1; i <= 3; i++) a = await store.update('/a/a', `a${i}`, a.modRevision);
      await store.create('/a/b', 'b');
      await store.delete('/a/b');
      const c = await store.create('/a/c', 'c');
      await store.compact(store.currentRevision());
      assert.equal(store.compactRevision(), c.modRevision);
      assert.deepEqual((await store.list('/a/')).items, [a, c]);
      assert.deepEqual(await store.get('/a/a'), a);
      assert.equal(await store.get('/a/b'), undefined);
      const next = await store.update('/a/a', 'a4', a.modRevision);
      assert.equal(next.modRevision, c.modRevision + 1);
    }));

    test('compaction keeps history after the compacted revision readable', withStore(async (store) => {
      const v1 = await store.create('/a/a', 'v1');
      const v2 = await store.update('/a/a', 'v2', v1.modRevision);
      const v3 = await store.update('/a/a', 'v3', v2.modRevision);
      const b = await store.create('/a/b', 'b');
      const bGone = await store.delete('/a/b');
      await store.compact(v2.modRevision);
      const values = async (revision: number) => (await store.list('/a/', { revision })).items.map((kv) => kv.value);
      assert.deepEqual(await values(v2.modRevision), ['v2']);
      assert.deepEqual(await values(v3.modRevision), ['v3']);
      assert.deepEqual(await values(b.modRevision), ['v3', 'b']);
      assert.deepEqual(await values(bGone.modRevision), ['v3']);
      const recorder = record(store, '/a/', v2.modRevision);
      await eventually(() => recorder.events.length === 3);
      assert.deepEqual(recorder.events.map(describeEvent), ['put /a/a=v3', 'put /a/b=b', 'delete /a/b=b']);
      assert.deepEqual(recorder.events[0].prev, v2);
      recorder.stop();
    }));

    test('compacting at or below the compacted revision changes nothing', withStore(async (store) => {
      const one = await store.create('/a/one', 'v1');
      await store.update('/a/one', 'v2', one.modRevision);
      await store.compact(store.currentRevision());
      const compacted = store.compactRevision();
      await store.compact(one.modRevision);
      assert.equal(store.compactRevision(), compacted);
    }));
  });

  describe(`${name} store: concurrency`, () => {
    test('concurrent creates all succeed with distinct, consecutive revisions', withStore(async (store) => {
      const start = store.currentRevision();
      const total = 300;
      const created = await Promise.all(Array.from({ length: total }, (_, i) => store.create(`/a/${i}`, `v${i}`)));
      const revisions = created.map((kv) => kv.modRevision).sort((x, y) => x - y);
      assert.deepEqual(revisions, Array.from({ length: total }, (_, i) => start + 1 + i));
      assert.equal(store.currentRevision(), start + total);
      assert.equal((await store.list('/a/')).items.length, total);
    }));

    test('of N concurrent updates with the same expected revision exactly one wins', withStore(async (store) => {
      const created = await store.create('/a/one', 'v0');
      const attempts = await Promise.allSettled(Array.from({ length: 32 }, (_, i) => store.update('/a/one', `v${i + 1}`, created.modRevision)));
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      assert.equal(won.length, 1);
      for (const attempt of lost) assert.equal((attempt.reason as StoreError).code, 'conflict');
      assert.deepEqual(await store.get('/a/one'), won[0].value);
    }));

    test('concurrent updates of different keys all succeed', withStore(async (store) => {
      const created = await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`/a/${i}`, 'v0')));
      const updated = await Promise.all(created.map((kv) => store.update(kv.key, 'v1', kv.modRevision)));
      assert.equal(new Set(updated.map((kv) => kv.modRevision)).size, 50);
      assert.ok((await store.list('/a/')).items.every((kv) => kv.value === 'v1'));
    }));

    test('a failing write does not fail the writes issued with it', withStore(async (store) => {
      const existing = await store.create('/a/existing', 'v');
      const results = await Promise.allSettled([
        store.create('/a/new1', 'v'),
        store.create('/a/existing', 'v'),
        store.update('/a/existing', 'w', existing.modRevision + 100),
        store.delete('/a/missing'),
        store.create('/a/new2', 'v'),
        store.update('/a/existing', 'w', existing.modRevision),
      ]);
      assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as StoreError).code)), ['ok', 'exists', 'conflict', 'not-found', 'ok', 'ok']);
      assert.deepEqual((await store.list('/a/')).items.map((kv) => `${kv.key}=${kv.value}`), ['/a/existing=w', '/a/new1=v', '/a/new2=v']);
    }));
  });
}

/** Awaits a rejection with the given StoreError code and returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${err}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected a StoreError ${code}, but the promise resolved`);
}

/** Polls until the condition holds; fails after a deadline. */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Records what a watch delivers, checking that revisions strictly increase across batches. */
function record(store: Store, prefix: string, afterRevision: number) {
  const events: WatchEvent[] = [];
  const watch = store.watch(prefix, afterRevision, (batch) => {
    for (const event of batch) {
      const last = events[events.length - 1];
      assert.ok(event.kv.modRevision > (last?.kv.modRevision ?? afterRevision), 'revisions increase');
      events.push(event);
    }
  });
  return { events, stop: () => watch.stop(), revisions: () => events.map((e) => e.kv.modRevision) };
}

function describeEvent(event: WatchEvent): string {
  return `${event.type} ${event.kv.key}=${event.kv.value}`;
}
