import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { copyContainerLog, fixedNanos, parseCriRecord, readCriLog, tailOffset } from './containerLogs.ts';
import { openCriLog } from '../../runtime/process/criLog.ts';
import type { PodLogOptions } from './logOptions.ts';
import { waitFor } from '../../../test/e2e/harness.ts';

const dir = await mkdtemp(join(tmpdir(), 'skiff-logs-'));
after(() => rm(dir, { recursive: true, force: true }));
let n = 0;

/** A log file with these lines. */
async function logFile(lines: string[]): Promise<string> {
  const path = join(dir, `${n++}.log`);
  await writeFile(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

const base: PodLogOptions = { follow: false, previous: false, timestamps: false };

async function logOf(path: string, options: Partial<PodLogOptions>): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  await copyContainerLog(path, { ...base, ...options }, out);
  return text;
}

const sample = [
  '2024-05-01T10:00:00.000000001Z stdout F one',
  '2024-05-01T10:00:01.5Z stderr F two',
  '2024-05-01T10:00:02.000000000Z stdout P thr',
  '2024-05-01T10:00:02.100000000Z stdout F ee',
  '2024-05-01T10:00:03.000000000Z stdout F ',
  'not a cri line',
  '2024-05-01T10:00:04.000000000Z stdout F four has  spaces',
];

test('CRI records: time, stream, partial tag, the rest as text', () => {
  assert.deepEqual(parseCriRecord(Buffer.from('2024-05-01T10:00:00.1Z stderr P a b')), { time: '2024-05-01T10:00:00.1Z', stream: 'stderr', partial: true, text: Buffer.from('a b') });
  assert.deepEqual(parseCriRecord(Buffer.from('2024-05-01T10:00:00.1Z stdout F')), { time: '2024-05-01T10:00:00.1Z', stream: 'stdout', partial: false, text: Buffer.alloc(0) });
  assert.equal(parseCriRecord(Buffer.from('2024-05-01T10:00:00.1Z stdin F x')), undefined);
  assert.equal(parseCriRecord(Buffer.from('garbage')), undefined);
});

test('the whole log: partial records joined, malformed lines skipped, empty lines kept', async () => {
  assert.equal(await logOf(await logFile(sample), {}), 'one\ntwo\nthree\n\nfour has  spaces\n');
});

test('timestamps: one per line, nine fraction digits', async () => {
  const text = await logOf(await logFile(sample), { timestamps: true });
  assert.equal(text.split('\n')[0], '2024-05-01T10:00:00.000000001Z one');
  assert.equal(text.split('\n')[1], '2024-05-01T10:00:01.500000000Z two');
  assert.equal(text.split('\n')[2], '2024-05-01T10:00:02.000000000Z three');
  assert.equal(fixedNanos('2024-05-01T10:00:01+02:00'), '2024-05-01T10:00:01.000000000+02:00');
});

test('tailLines counts lines from the end of the file; 0 is none', async () => {
  const path = await logFile(sample);
  assert.equal(await logOf(path, { tailLines: 2 }), 'four has  spaces\n'); // the last line and the malformed one
  assert.equal(await logOf(path, { tailLines: 3 }), '\nfour has  spaces\n');
  assert.equal(await logOf(path, { tailLines: 100 }), 'one\ntwo\nthree\n\nfour has  spaces\n');
  assert.equal(await logOf(path, { tailLines: 0 }), '');
  const file = await open(path);
  assert.equal(await tailOffset(file, (await file.stat()).size, 0), (await file.stat()).size);
  await file.close();
});

test('since drops older lines; limitBytes cuts the output', async () => {
  const path = await logFile(sample);
  assert.equal(await logOf(path, { sinceTime: '2024-05-01T10:00:03Z' }), '\nfour has  spaces\n');
  assert.equal(await logOf(path, { limitBytes: 6 }), 'one\ntw');
  assert.equal(await logOf(path, { timestamps: true, limitBytes: 5 }), '2024-');
});

test('following: new lines as they come, across rotation, until the container has exited', async () => {
  const path = join(dir, 'live.log');
  const writer = openCriLog(path, { maxBytes: 200, maxFiles: 2 });
  writer.write('stdout', Buffer.from('first\n'));
  let running = true;
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const done = copyContainerLog(path, { ...base, follow: true }, out, { running: async () => running, pollMs: 20 });
  await waitFor(() => text === 'first\n', 5000, 'the first line');
  // Enough lines to rotate the file several times, each read before the next comes (a
  // reader that falls behind more than the kept files loses lines, upstream's too).
  for (let i = 0; i < 20; i++) {
    writer.write('stdout', Buffer.from(`line ${i}\n`));
    await waitFor(() => text.includes(`line ${i}\n`), 5000, `line ${i}`);
  }
  writer.write('stdout', Buffer.from('last words\n'));
  running = false;
  await done;
  writer.close();
  assert.equal(text, ['first', ...Array.from({ length: 20 }, (_, i) => `line ${i}`), 'last words', ''].join('\n'));
});

test('reading from the end (attach) sees only what is written afterwards', async () => {
  const path = join(dir, 'attach.log');
  const writer = openCriLog(path);
  writer.write('stdout', Buffer.from('old\n'));
  let running = true;
  const seen: string[] = [];
  const reading = (async () => {
    for await (const records of readCriLog(path, { from: 'end', follow: true, running: async () => running, pollMs: 20 })) {
      seen.push(...records.map((r) => `${r.stream}:${r.text}`));
    }
  })();
  // The reader has opened the file once a write it makes a record of shows up.
  await waitFor(async () => {
    writer.write('stderr', Buffer.from('new\n'));
    return seen.length > 0;
  }, 5000, 'a new line');
  running = false;
  await reading;
  writer.close();
  assert.equal(seen.includes('stdout:old'), false);
  assert.equal(seen[0], 'stderr:new');
});
