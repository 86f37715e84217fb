// A lock file holding its owner's pid; a lock left by a process that died is taken over.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Takes the lock: its release function, or the pid of the live process that holds it. */
export function tryPidLock(file: string): { release: () => void } | { heldBy: number } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = 0;
      try {
        owner = Number(readFileSync(file, 'utf8').trim());
      } catch {} // released meanwhile: try again
      // An empty file is a lock being written right now.
      if (owner === process.pid || isAlive(owner) || (owner === 0 && attempt > 0)) return { heldBy: owner };
      if (owner) rmSync(file, { force: true });
    }
  }
  return { heldBy: 0 };
}

function isAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
