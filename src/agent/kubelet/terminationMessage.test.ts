import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from '../../runtime/runtime.ts';
import { logTail, withFallbackMessages } from './terminationMessage.ts';

const record = (stream: string, tag: string, text: string) => `2026-01-01T00:00:00.000000000Z ${stream} ${tag} ${text}\n`;

test('the tail is the last 80 lines of the log, partial records joined, at most 2048 bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-term-'));
  try {
    const log = join(dir, '0.log');
    const lines = Array.from({ length: 100 }, (_, i) => record(i % 2 ? 'stderr' : 'stdout', 'F', `line ${i}`)).join('');
    await writeFile(log, lines + record('stderr', 'P', 'pan') + record('stderr', 'F', 'ic!'));
    const tail = await logTail(log);
    assert.ok(tail.startsWith('line 21\n'), tail.slice(0, 20));
    assert.ok(tail.endsWith('line 99\npanic!\n'));
    await writeFile(log, Array.from({ length: 80 }, () => record('stdout', 'F', 'x'.repeat(100))).join(''));
    assert.equal(Buffer.byteLength(await logTail(log)), 2048);
    assert.equal(await logTail(join(dir, 'missing.log')), '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('only failed containers with FallbackToLogsOnError and no message get the tail, read once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-term-'));
  try {
    const logPath = join(dir, '0.log');
    await writeFile(logPath, record('stderr', 'F', 'boom'));
    const pod: Pod = { spec: { containers: [{ name: 'a', terminationMessagePolicy: 'FallbackToLogsOnError' }, { name: 'b' }] } };
    const status = (id: string, name: string, exitCode: number): ContainerStatus => ({ id, sandboxId: 's', name, attempt: 0, state: 'exited', createdAt: '', exitCode, logPath });
    const cache = new Map<string, string>();
    const out = await withFallbackMessages(pod, [status('1', 'a', 1), status('2', 'a', 0), status('3', 'b', 1)], cache);
    assert.deepEqual(out.map((s) => s.message), ['boom\n', undefined, undefined]);
    await writeFile(logPath, record('stderr', 'F', 'changed'));
    assert.equal((await withFallbackMessages(pod, [status('1', 'a', 1)], cache))[0]!.message, 'boom\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
