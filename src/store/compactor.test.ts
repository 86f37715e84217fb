import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCompactor } from './compactor.ts';
import { openSqliteStore } from './sqlite/sqliteStore.ts';
import { eventually } from './storeSuite.ts';

test('the compactor compacts to one interval ago, keeping at least keepRevisions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-compactor-'));
  const store = await openSqliteStore(join(dir, 'state.db'));
  const stop = startCompactor(store, { keepRevisions: 3, intervalMs: 5 });
  try {
    for (let i = 0; i < 10; i++) await store.create(`/a/${i}`, 'v');
    await eventually(() => store.compactRevision() === 7);
    await assert.rejects(store.list('/a/', { revision: 6 }), { code: 'compacted' });
    assert.equal((await store.list('/a/', { revision: 7 })).items.length, 7);
  } finally {
    stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
