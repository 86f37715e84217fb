import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomically } from './atomicWriter.ts';

const file = (s: string, mode = 0o644) => ({ content: Buffer.from(s), mode });

test('files appear through ..data, are swapped whole, and stale names go', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-aw-'));
  try {
    assert.equal(await writeAtomically(dir, new Map([['a', file('1')], ['sub/b', file('2', 0o400)]])), true);
    assert.equal(await readFile(join(dir, 'a'), 'utf8'), '1');
    assert.equal(await readFile(join(dir, 'sub/b'), 'utf8'), '2');
    assert.equal((await stat(join(dir, 'sub/b'))).mode & 0o777, 0o400);
    assert.equal(await readlink(join(dir, 'a')), '..data/a');
    const first = await readlink(join(dir, '..data'));

    assert.equal(await writeAtomically(dir, new Map([['a', file('1')], ['sub/b', file('2', 0o400)]])), false, 'unchanged');
    assert.equal(await readlink(join(dir, '..data')), first);

    assert.equal(await writeAtomically(dir, new Map([['a', file('3')]])), true);
    assert.equal(await readFile(join(dir, 'a'), 'utf8'), '3');
    const names = (await readdir(dir)).sort();
    assert.equal(names.length, 3, names.join(' ')); // ..data, one timestamped dir, a
    assert.ok(names.includes('a') && !names.includes('sub'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
