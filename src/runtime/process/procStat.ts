// Identity of a host process across runtime restarts: a pid plus its start time (field 22 of
// /proc/<pid>/stat, clock ticks since boot), so a pid the kernel reused is never mistaken
// for the process we started.

import * as fs from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

export function identify(pid: number): ProcessIdentity | undefined {
  const stat = readStat(pid);
  return stat && { pid, startTime: stat.startTime };
}

/** True while the process runs (a zombie has exited: it only waits to be reaped). */
export function isRunning(id: ProcessIdentity): boolean {
  const stat = readStat(id.pid);
  return stat !== undefined && stat.startTime === id.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

function readStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, startTime: fields[19]! };
}

/** Polls until the process has gone or the deadline passes; true when it has gone. */
export async function waitGone(id: ProcessIdentity, deadline: number): Promise<boolean> {
  while (isRunning(id)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
