// terminationMessagePolicy FallbackToLogsOnError: a container that failed with no message of
// its own gets the tail of its log as its terminated message (the last 80 lines, at most
// 2048 bytes of them), as upstream's kubelet. (The terminationMessagePath file itself needs a
// file at that path to mount over; the process runtime does not create files on the host,
// so only the log fallback is offered.) Each container's tail is read once.

import { open } from 'node:fs/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from '../../runtime/runtime.ts';

const maxLines = 80;
const maxBytes = 2048;
/** How much of the log's end is read to find its last lines. */
const readBytes = 256 * 1024;

/** The statuses with fallback messages filled in; `cache` (container id -> message, for the instances listed) spares re-reading. */
export async function withFallbackMessages(pod: Pod, statuses: ContainerStatus[], cache: Map<string, string>): Promise<ContainerStatus[]> {
  const specs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const present = new Set(statuses.map((s) => s.id));
  for (const id of cache.keys()) if (!present.has(id)) cache.delete(id); // removed instances
  return Promise.all(statuses.map(async (s) => {
    if (s.state !== 'exited' || !s.exitCode || s.message) return s;
    if (specs.find((c) => c.name === s.name)?.terminationMessagePolicy !== 'FallbackToLogsOnError') return s;
    let message = cache.get(s.id);
    if (message === undefined) {
      message = await logTail(s.logPath);
      cache.set(s.id, message);
    }
    return message ? { ...s, message } : s;
  }));
}

/** The content of the CRI log's last lines (partial records joined), within the limits. */
export async function logTail(logPath: string): Promise<string> {
  let text: string;
  try {
    const file = await open(logPath, 'r');
    try {
      const { size } = await file.stat();
      const start = Math.max(0, size - readBytes);
      const { buffer, bytesRead } = await file.read(Buffer.alloc(size - start), 0, size - start, start);
      text = buffer.subarray(0, bytesRead).toString('utf8');
      if (start > 0) text = text.slice(text.indexOf('\n') + 1); // a record cut at the start
    } finally {
      await file.close();
    }
  } catch {
    return '';
  }
  const lines: string[] = [];
  let partial = '';
  for (const record of text.split('\n')) {
    const m = /^\S+ (?:stdout|stderr) ([FP]) (.*)$/.exec(record);
    if (!m) continue;
    partial += m[2];
    if (m[1] === 'F') {
      lines.push(`${partial}\n`);
      partial = '';
    }
  }
  return Buffer.from(lines.slice(-maxLines).join('')).subarray(0, maxBytes).toString('utf8');
}
