import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../test/e2e/harness.ts';
import { createSyncRunner } from './syncRunner.ts';

const options = { minIntervalMs: 50, retryMs: 10, resyncMs: 60_000 };

test('requests made together, or while a sync runs, become one sync each', async () => {
  let syncs = 0;
  let release: () => void = () => {};
  const runner = createSyncRunner(async () => {
    syncs++;
    if (syncs === 1) await new Promise<void>((resolve) => (release = resolve));
  }, { ...options, onError: assert.fail });
  try {
    for (let i = 0; i < 10; i++) runner.request();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(syncs, 1);
    for (let i = 0; i < 10; i++) runner.request(); // while the first runs
    release();
    await runner.idle();
    assert.equal(syncs, 2);
  } finally {
    runner.stop();
  }
});

test('a failed sync is retried; a sync asking to run again does', async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const runner = createSyncRunner(async () => {
    calls++;
    if (calls === 1) throw new Error('nft failed');
    if (calls === 2) return 5;
  }, { ...options, onError: (err) => errors.push(err) });
  try {
    runner.request();
    await waitFor(() => calls === 3, 5000, 'the retry and the run asked for');
    assert.equal((errors[0] as Error).message, 'nft failed');
  } finally {
    runner.stop();
  }
});
