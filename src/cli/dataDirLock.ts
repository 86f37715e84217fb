// One server per data dir: the SQLite store assumes it is the only writer of its file.

import { join } from 'node:path';
import { tryPidLock } from './pidLock.ts';

export function lockDataDir(dataDir: string): () => void {
  const lock = tryPidLock(join(dataDir, 'server.lock'));
  if ('release' in lock) return lock.release;
  throw new Error(`data dir ${dataDir} is in use by another skiff server${lock.heldBy ? ` (pid ${lock.heldBy})` : ''}; stop it or use another --data-dir`);
}
