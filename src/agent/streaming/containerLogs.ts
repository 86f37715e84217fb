// Reading a container's CRI log file (`<RFC3339Nano> <stdout|stderr> <F|P> <text>` per line, P a
// partial line continued by the next record) the way the kubelet serves `kubectl logs`: from the
// start, the end or the last n lines; following new lines across rotation (the runtime renames
// X.log to X.log.1 and starts a new X.log) until the container has exited and its last output
// is drained; with since, timestamps and a byte limit applied as upstream does.

import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { sinceMillis, type PodLogOptions } from './logOptions.ts';

export interface CriRecord {
  /** As written: RFC 3339 with nanoseconds. */
  time: string;
  stream: 'stdout' | 'stderr';
  /** A piece of a longer line: the next record continues it. */
  partial: boolean;
  text: Buffer;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

/** One line of a CRI log (without its newline); undefined for a malformed one (skipped, as upstream does). */
export function parseCriRecord(line: Buffer): CriRecord | undefined {
  const timeEnd = line.indexOf(SPACE);
  const streamEnd = timeEnd < 0 ? -1 : line.indexOf(SPACE, timeEnd + 1);
  if (streamEnd < 0) return undefined;
  const stream = line.toString('latin1', timeEnd + 1, streamEnd);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tagsEnd = line.indexOf(SPACE, streamEnd + 1);
  const tags = line.toString('latin1', streamEnd + 1, tagsEnd < 0 ? line.length : tagsEnd);
  return {
    time: line.toString('latin1', 0, timeEnd),
    stream,
    partial: tags.split(':')[0] === 'P',
    text: tagsEnd < 0 ? Buffer.alloc(0) : line.subarray(tagsEnd + 1),
  };
}

export interface ReadLogOptions {
  /** Where to begin: the first line, the current end (attach), or the last n lines. */
  from: 'start' | 'end' | { tailLines: number };
  follow: boolean;
  /** While following: whether the container still runs (checked when no new lines come). */
  running?: () => Promise<boolean>;
  signal?: AbortSignal;
  /** How long to wait for new lines before checking on the container (ms). */
  pollMs?: number;
}

/** The log's records, in batches as read. Without follow it stops at the current end. */
export async function* readCriLog(path: string, options: ReadLogOptions): AsyncGenerator<CriRecord[]> {
  const pollMs = options.pollMs ?? 250;
  let file = await open(path, 'r');
  const changes = options.follow ? watchDir(dirname(path)) : undefined;
  try {
    let { ino, size } = await file.stat();
    let position = options.from === 'start' ? 0 : options.from === 'end' ? size : await tailOffset(file, size, options.from.tailLines);
    let carry: Buffer = Buffer.alloc(0);
    let exited = false;
    const buffer = Buffer.alloc(64 * 1024);
    while (!options.signal?.aborted) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        position += bytesRead;
        const data = carry.length ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : Buffer.from(buffer.subarray(0, bytesRead));
        const lastNewline = data.lastIndexOf(NEWLINE);
        carry = data.subarray(lastNewline + 1);
        const records = splitRecords(data.subarray(0, lastNewline + 1));
        if (records.length > 0) yield records;
        continue;
      }
      if (!options.follow) return;
      // At the end: a rotation (the path names a new file) means starting over on that one.
      const current = await stat(path).catch(() => undefined);
      if (current && (current.ino !== ino || current.size < position)) {
        await file.close();
        file = await open(path, 'r');
        ({ ino, size } = await file.stat());
        position = 0;
        carry = Buffer.alloc(0);
        continue;
      }
      // An exited container's last output may still be on its way into the file: one more
      // wait, one more read, then stop.
      if (exited) return;
      const changed = await changes!.next(pollMs, options.signal);
      if (!changed && options.running && !(await options.running())) {
        exited = true;
        await changes!.next(pollMs, options.signal);
      }
    }
  } finally {
    changes?.close();
    await file.close();
  }
}

function splitRecords(lines: Buffer): CriRecord[] {
  const records: CriRecord[] = [];
  let start = 0;
  while (start < lines.length) {
    const end = lines.indexOf(NEWLINE, start);
    const record = parseCriRecord(lines.subarray(start, end));
    if (record) records.push(record);
    start = end + 1;
  }
  return records;
}

/** Where the last n lines of the file begin (counting newline-terminated lines, as upstream's tail does). */
export async function tailOffset(file: FileHandle, size: number, lines: number): Promise<number> {
  if (lines <= 0) return size;
  const chunk = Buffer.alloc(64 * 1024);
  let count = 0;
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    await file.read(chunk, 0, end - start, start);
    for (let i = end - start - 1; i >= 0; i--) {
      // The file's final newline ends the last line; every other one starts a line after it.
      if (chunk[i] !== NEWLINE || start + i === size - 1) continue;
      if (++count === lines) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

/** Writes a container's log as `kubectl logs` shows it (the kubelet's containerLogs endpoint). */
export async function copyContainerLog(path: string, options: PodLogOptions, out: Writable, follow: Pick<ReadLogOptions, 'running' | 'signal' | 'pollMs'> = {}): Promise<void> {
  const since = sinceMillis(options);
  let remaining = options.limitBytes ?? Infinity;
  let midLine = false;
  const from = options.tailLines !== undefined ? { tailLines: options.tailLines } : 'start';
  for await (const records of readCriLog(path, { from, follow: options.follow, ...follow })) {
    const parts: Buffer[] = [];
    for (const r of records) {
      if (since !== undefined && Date.parse(r.time) < since) continue;
      // A line split into partial records gets one timestamp, on its first piece.
      if (options.timestamps && !midLine) parts.push(Buffer.from(`${fixedNanos(r.time)} `));
      parts.push(r.text);
      if (!r.partial) parts.push(Buffer.from('\n'));
      midLine = r.partial;
    }
    let chunk = Buffer.concat(parts);
    if (chunk.length === 0) continue;
    const last = chunk.length >= remaining;
    if (last) chunk = chunk.subarray(0, remaining);
    remaining -= chunk.length;
    if (!out.write(chunk)) await waitForDrain(out, follow.signal);
    if (last) return;
  }
}

/** RFC 3339 with exactly nine fraction digits (upstream's RFC3339NanoFixed). */
export function fixedNanos(time: string): string {
  const m = /^([^.Z+]+?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return time;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}${m[3]}`;
}

/** Resolves when the writable wants more (or is gone, or the signal aborts). */
export function waitForDrain(out: Writable, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    signal?.addEventListener('abort', done);
  });
}

interface DirChanges {
  /** Resolves true on a change in the directory, false after timeoutMs (or on abort). */
  next(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  close(): void;
}

/** Changes to the log's directory (writes and the rotation's renames); plain polling if inotify is unavailable. */
function watchDir(dir: string): DirChanges {
  let changed = false;
  let wake: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, () => {
      changed = true;
      wake?.();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  return {
    next(timeoutMs, signal) {
      if (changed || signal?.aborted) {
        const was = changed;
        changed = false;
        return Promise.resolve(was);
      }
      return new Promise((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', finish);
          wake = undefined;
          const was = changed;
          changed = false;
          resolve(was);
        };
        const timer = setTimeout(finish, timeoutMs);
        signal?.addEventListener('abort', finish);
        wake = finish;
      });
    },
    close() {
      watcher?.close();
    },
  };
}
