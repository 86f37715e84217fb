// A container log file in the CRI format the kubelet reads (`<RFC3339Nano> <stream> <F|P> <text>`),
// rotated by size: when the file would pass maxBytes it becomes `path.1`, `path.1` becomes
// `path.2`... and the oldest beyond maxFiles is dropped. Lines longer than maxLineBytes are
// split into partial (`P`) records ending with a full (`F`) one, as containerd does.

import * as fs from 'node:fs';

export interface CriLogOptions {
  maxBytes?: number;
  /** Rotated files kept beside the live one. */
  maxFiles?: number;
  maxLineBytes?: number;
}

export interface CriLogWriter {
  write(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** Writes what is left of an unterminated line as a full record (at the stream's end). */
  end(stream: 'stdout' | 'stderr'): void;
  close(): void;
}

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

export function openCriLog(path: string, options: CriLogOptions = {}): CriLogWriter {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 5;
  const maxLineBytes = options.maxLineBytes ?? 16 * 1024;
  let fd = fs.openSync(path, 'a');
  let size = fs.fstatSync(fd).size;
  const pending: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  const pendingBytes = { stdout: 0, stderr: 0 };

  function record(stream: string, tag: 'F' | 'P', text: Buffer): void {
    const line = Buffer.concat([Buffer.from(`${rfc3339Nano()} ${stream} ${tag} `), text, Buffer.from('\n')]);
    if (size > 0 && size + line.length > maxBytes) rotate();
    fs.writeSync(fd, line);
    size += line.length;
  }

  function rotate(): void {
    fs.closeSync(fd);
    fs.rmSync(`${path}.${maxFiles}`, { force: true });
    for (let n = maxFiles - 1; n >= 1; n--) {
      if (fs.existsSync(`${path}.${n}`)) fs.renameSync(`${path}.${n}`, `${path}.${n + 1}`);
    }
    if (maxFiles > 0) fs.renameSync(path, `${path}.1`);
    else fs.rmSync(path, { force: true });
    fd = fs.openSync(path, 'a');
    size = 0;
  }

  function takePending(stream: 'stdout' | 'stderr', tail: Buffer): Buffer {
    const all = Buffer.concat([...pending[stream], tail]);
    pending[stream] = [];
    pendingBytes[stream] = 0;
    return all;
  }

  /** Adds text to the stream's unterminated line, writing partial records past maxLineBytes. */
  function append(stream: 'stdout' | 'stderr', text: Buffer): void {
    while (pendingBytes[stream] + text.length > maxLineBytes) {
      const room = maxLineBytes - pendingBytes[stream];
      record(stream, 'P', takePending(stream, text.subarray(0, room)));
      text = text.subarray(room);
    }
    if (text.length > 0) {
      pending[stream].push(Buffer.from(text));
      pendingBytes[stream] += text.length;
    }
  }

  return {
    write(stream, chunk) {
      let start = 0;
      while (start < chunk.length) {
        const nl = chunk.indexOf(NEWLINE, start);
        append(stream, chunk.subarray(start, nl < 0 ? chunk.length : nl));
        if (nl < 0) break;
        record(stream, 'F', takePending(stream, EMPTY));
        start = nl + 1;
      }
    },
    end(stream) {
      if (pendingBytes[stream] > 0) record(stream, 'F', takePending(stream, EMPTY));
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

/** Now as RFC 3339 with nine fraction digits (the clock gives microseconds). */
export function rfc3339Nano(): string {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const base = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
  return `${base}.${String(micros % 1_000_000).padStart(6, '0')}000Z`;
}
