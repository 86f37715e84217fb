import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { storeSuite } from '../storeSuite.ts';
import { openSqliteStore } from './sqliteStore.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sqlite-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

storeSuite('sqlite', () => openSqliteStore(freshPath()));

test('a reopened store keeps its data, revision and compacted revision', async () => {
  const path = freshPath();
  const store = await openSqliteStore(path);
  const a = await store.create('/a/a', 'a1');
  const a2 = await store.update('/a/a', 'a2', a.modRevision);
  await store.create('/a/b', 'b');
  await store.delete('/a/b');
  const c = await store.create('/a/c', 'c');
  await store.compact(a2.modRevision);
  await store.close();

  const reopened = await openSqliteStore(path);
  try {
    assert.equal(reopened.currentRevision(), c.modRevision);
    assert.equal(reopened.compactRevision(), a2.modRevision);
    assert.deepEqual((await reopened.list('/a/')).items, [a2, c]);
    assert.deepEqual((await reopened.list('/a/', { revision: a2.modRevision })).items, [a2]);
    const next = await reopened.create('/a/d', 'd');
    assert.equal(next.modRevision, c.modRevision + 1);
  } finally {
    await reopened.close();
  }
});

test('revisions are never reused, even when compaction removed the newest row', async () => {
  const path = freshPath();
  const store = await openSqliteStore(path);
  await store.create('/a/a', 'v');
  const deleted = await store.delete('/a/a');
  await store.compact(deleted.modRevision);
  await store.close();

  const reopened = await openSqliteStore(path);
  try {
    assert.equal(reopened.currentRevision(), deleted.modRevision);
    assert.equal((await reopened.create('/a/a', 'v')).modRevision, deleted.modRevision + 1);
  } finally {
    await reopened.close();
  }
});

test('writes queued before close are committed, and writes after it fail', async () => {
  const path = freshPath();
  const store = await openSqliteStore(path);
  const writes = Array.from({ length: 20 }, (_, i) => store.create(`/a/${i}`, 'v'));
  await store.close();
  assert.equal((await Promise.all(writes)).length, 20);
  await assert.rejects(store.create('/a/late', 'v'));

  const reopened = await openSqliteStore(path);
  try {
    assert.equal((await reopened.list('/a/')).items.length, 20);
  } finally {
    await reopened.close();
  }
});

test('every acknowledged write survives SIGKILL, and no value is half-written', async () => {
  const path = freshPath();
  // The child writes with 16 concurrent writers (so commits are grouped) and prints
  // "n revision" once each create has resolved. valueOf's source is shared with it.
  const script = join(dirname(path), 'writer.mjs');
  writeFileSync(
    script,
    `import { openSqliteStore } from ${JSON.stringify(new URL('./sqliteStore.ts', import.meta.url).href)};
     const valueOf = ${valueOf};
     const store = await openSqliteStore(process.env.SKIFF_TEST_DB);
     let next = 0;
     const writer = async () => {
       for (;;) {
         const n = next++;
         const kv = await store.create('/k/' + n, valueOf(n));
         process.stdout.write(n + ' ' + kv.modRevision + '\\n');
       }
     };
     for (let i = 0; i < 16; i++) writer();`,
  );
  const child = spawn(process.execPath, [script], { env: { ...process.env, SKIFF_TEST_DB: path }, stdio: ['ignore', 'pipe', 'inherit'] });
  const acknowledged = new Map<number, number>();
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for await (const line of createInterface({ input: child.stdout })) {
    const [n, revision] = line.split(' ').map(Number);
    acknowledged.set(n, revision);
    if (acknowledged.size === 500) child.kill('SIGKILL');
  }
  assert.equal(await exited, null, 'the child was killed, not finished');
  assert.ok(acknowledged.size >= 500);

  const store = await openSqliteStore(path);
  try {
    for (const [n, revision] of acknowledged) {
      const kv = await store.get(`/k/${n}`);
      assert.equal(kv?.modRevision, revision, `acknowledged write ${n} is present`);
      assert.equal(kv.value, valueOf(n));
    }
    const { items } = await store.list('/k/');
    for (const kv of items) assert.equal(kv.value, valueOf(Number(kv.key.slice('/k/'.length))));
    const revisions = items.map((kv) => kv.modRevision).sort((x, y) => x - y);
    assert.deepEqual(revisions, Array.from({ length: items.length }, (_, i) => i + 1), 'committed revisions have no holes');
    assert.equal(store.currentRevision(), items.length);
  } finally {
    await store.close();
  }
});

/** Values of a few kilobytes, spanning several pages, with a length that depends on n. */
function valueOf(n: number): string {
  return JSON.stringify({ n, data: 'x'.repeat(500 + (n % 7) * 1500) });
}
