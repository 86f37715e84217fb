import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../test/e2e/harness.ts';
import { createWorkQueue } from './workqueue.ts';

const quiet = { onError: () => {} };

test('a key added many times while waiting is processed once', async () => {
  const queue = createWorkQueue({ name: 'dedup' });
  for (const key of ['a', 'b', 'a', 'a', 'b']) queue.add(key);
  assert.equal(queue.length, 2);
  const processed: string[] = [];
  const running = queue.run(1, async (key) => void processed.push(key));
  await waitFor(() => processed.length === 2, 5_000, 'both keys');
  queue.shutDown();
  await running;
  assert.deepEqual(processed, ['a', 'b']);
});

test('a key re-added while processed runs again afterwards, never concurrently', async () => {
  const queue = createWorkQueue({ name: 'serial' });
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  let release!: () => void;
  const firstRun = new Promise<void>((resolve) => (release = resolve));
  const running = queue.run(4, async () => {
    active++;
    maxActive = Math.max(maxActive, active);
    runs++;
    if (runs === 1) await firstRun;
    active--;
  });
  queue.add('k');
  await waitFor(() => runs === 1, 5_000, 'the first run');
  queue.add('k');
  queue.add('k');
  assert.equal(queue.length, 1, 'the re-added key waits');
  release();
  await waitFor(() => runs === 2, 5_000, 'the second run');
  queue.shutDown();
  await running;
  assert.equal(runs, 2);
  assert.equal(maxActive, 1);
});

test('workers take different keys at the same time', async () => {
  const queue = createWorkQueue({ name: 'parallel' });
  const started = new Set<string>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const running = queue.run(2, async (key) => {
    started.add(key);
    await gate;
  });
  queue.add('a');
  queue.add('b');
  await waitFor(() => started.size === 2, 5_000, 'both keys to start');
  release();
  queue.shutDown();
  await running;
});

test('a failure requeues the key with backoff until it succeeds', async () => {
  const errors: string[] = [];
  const queue = createWorkQueue({ name: 'retry', onError: (key, err) => errors.push(`${key}: ${(err as Error).message}`) });
  let attempts = 0;
  const running = queue.run(1, async () => {
    if (++attempts < 4) throw new Error(`attempt ${attempts}`);
  });
  queue.add('flaky');
  await waitFor(() => attempts === 4, 5_000, 'four attempts');
  queue.shutDown();
  await running;
  assert.deepEqual(errors, ['flaky: attempt 1', 'flaky: attempt 2', 'flaky: attempt 3']);
});

test('a rate-limited key waits out its backoff; an earlier add brings it back sooner', async () => {
  const queue = createWorkQueue({ name: 'backoff', baseDelayMs: 3_600_000, ...quiet });
  let attempts = 0;
  const running = queue.run(1, async () => {
    attempts++;
    if (attempts === 1) throw new Error('fails once');
  });
  queue.add('k');
  await waitFor(() => attempts === 1 && queue.length === 0, 5_000, 'the failed attempt');
  queue.addAfter('k', 10_000_000); // later than the backoff: ignored
  queue.addAfter('k', 1); // sooner: wins
  await waitFor(() => attempts === 2, 5_000, 'the retry');
  queue.shutDown();
  await running;
});

test('addAfter delivers the key later; a requeueAfterMs result schedules the next run', async () => {
  const queue = createWorkQueue({ name: 'later' });
  const runs: string[] = [];
  const running = queue.run(1, async (key) => {
    runs.push(key);
    if (key === 'periodic' && runs.filter((k) => k === 'periodic').length < 3) return { requeueAfterMs: 1 };
  });
  queue.addAfter('delayed', 5);
  assert.equal(queue.length, 0, 'delayed keys are not waiting yet');
  queue.add('periodic');
  await waitFor(() => runs.includes('delayed') && runs.filter((k) => k === 'periodic').length === 3, 5_000, 'the delayed and periodic runs');
  queue.shutDown();
  await running;
});

test('shutDown lets in-flight work finish, resolves run, and ignores later adds', async () => {
  const queue = createWorkQueue({ name: 'shutdown' });
  let finished = false;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const processed: string[] = [];
  const running = queue.run(1, async (key) => {
    processed.push(key);
    await gate;
    finished = true;
  });
  queue.add('in-flight');
  await waitFor(() => processed.length === 1, 5_000, 'the key to start');
  queue.add('waiting');
  queue.shutDown();
  queue.add('too-late');
  release();
  await running;
  assert.ok(finished);
  assert.deepEqual(processed, ['in-flight']);
});
