// The writing half of the SQLite store, run in a worker thread: it owns the only writing
// connection, so the fsync of every commit (synchronous=FULL) blocks this thread and never
// the apiserver's event loop. It applies each batch of writes in one transaction (group
// commit), checking every write's precondition on its own, and compacts in small chunks so
// writes keep flowing during a compaction.
//
// The schema follows kine: `log` is the history, one row per write, its id the revision;
// a tombstone row (deleted = 1) keeps the deleted value for the delete event. `current`
// maps each live key to its newest row so reads at the current revision skip the history.

import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { KeyValue } from '../store.ts';

export type WriteOp =
  | { op: 'create'; key: string; value: string }
  | { op: 'update'; key: string; value: string; expected: number }
  | { op: 'delete'; key: string; expected?: number };

export type WriteResult =
  | { ok: true; revision: number; createRevision: number; prev?: { value: string; modRevision: number } }
  | { ok: false; code: 'exists' | 'not-found' | 'conflict'; current?: KeyValue };

export type WriterCommand = { type: 'write'; ops: WriteOp[] } | { type: 'compact'; revision: number } | { type: 'close' };

export type WriterRequest = WriterCommand & { id: number };

/** The first message (id 0) carries the opened store's revisions; later ones answer requests. */
export interface WriterResponse {
  id: number;
  result?: unknown;
  error?: unknown;
}

export interface OpenedStore {
  revision: number;
  compactRevision: number;
}

/** Revisions compacted per transaction: small enough that writes wait only milliseconds. */
const compactChunk = 1000;

const schema = `
  CREATE TABLE IF NOT EXISTS log (
    revision INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    created INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision INTEGER NOT NULL,
    value TEXT NOT NULL
  );
  -- With the rowid (the revision) this is an index on (key, revision).
  CREATE INDEX IF NOT EXISTS log_key ON log (key);
  CREATE TABLE IF NOT EXISTS current (
    key TEXT PRIMARY KEY,
    revision INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

const port = parentPort!;
const db = new DatabaseSync(workerData.path as string);
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
db.exec(schema);

const sql = {
  begin: db.prepare('BEGIN IMMEDIATE'),
  commit: db.prepare('COMMIT'),
  rollback: db.prepare('ROLLBACK'),
  lastRevision: db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'log'`),
  readMeta: db.prepare('SELECT value FROM meta WHERE name = ?'),
  writeMeta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
  current: db.prepare(
    `SELECT l.value AS value, l.create_revision AS createRevision, l.revision AS modRevision
     FROM current c JOIN log l ON l.revision = c.revision WHERE c.key = ?`,
  ),
  append: db.prepare(
    `INSERT INTO log (revision, key, created, deleted, create_revision, prev_revision, value)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ),
  setCurrent: db.prepare('INSERT INTO current (key, revision) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET revision = excluded.revision'),
  dropCurrent: db.prepare('DELETE FROM current WHERE key = ?'),
  // A row is superseded once a later row of its key names it as prev_revision.
  compactSuperseded: db.prepare('DELETE FROM log WHERE revision IN (SELECT prev_revision FROM log WHERE revision > ? AND revision <= ? AND prev_revision > 0)'),
  compactTombstones: db.prepare('DELETE FROM log WHERE revision > ? AND revision <= ? AND deleted = 1'),
};

let lastRevision = (sql.lastRevision.get()?.seq as number | undefined) ?? 0;
let compactedRevision = (sql.readMeta.get('compactRevision')?.value as number | undefined) ?? 0;
let closing = false;
/** Compactions run one after another, interleaved with write batches. */
let compactions: Promise<void> = Promise.resolve();

port.postMessage({ id: 0, result: { revision: lastRevision, compactRevision: compactedRevision } satisfies OpenedStore });

port.on('message', (request: WriterRequest) => {
  switch (request.type) {
    case 'write':
      answer(request.id, () => writeBatch(request.ops));
      break;
    case 'compact': {
      const target = request.revision;
      compactions = compactions.then(() => compact(target)).then(
        () => port.postMessage({ id: request.id, result: compactedRevision }),
        (error: unknown) => port.postMessage({ id: request.id, error }),
      );
      break;
    }
    case 'close':
      closing = true;
      void compactions.then(() => {
        db.close();
        port.postMessage({ id: request.id });
        port.close();
      });
      break;
  }
});

function answer(id: number, work: () => unknown): void {
  try {
    port.postMessage({ id, result: work() });
  } catch (error) {
    port.postMessage({ id, error });
  }
}

/** Applies every write in one transaction; a failed precondition fails only its own write. */
function writeBatch(ops: WriteOp[]): WriteResult[] {
  const before = lastRevision;
  sql.begin.run();
  try {
    const results = ops.map(applyWrite);
    sql.commit.run();
    return results;
  } catch (err) {
    lastRevision = before;
    if (db.isTransaction) sql.rollback.run();
    throw err;
  }
}

function applyWrite(write: WriteOp): WriteResult {
  const current = sql.current.get(write.key) as { value: string; createRevision: number; modRevision: number } | undefined;
  if (write.op === 'create') {
    if (current) return { ok: false, code: 'exists' };
    const revision = ++lastRevision;
    sql.append.run(revision, write.key, 1, 0, revision, 0, write.value);
    sql.setCurrent.run(write.key, revision);
    return { ok: true, revision, createRevision: revision };
  }
  if (!current) return { ok: false, code: 'not-found' };
  if (write.expected !== undefined && write.expected !== current.modRevision) {
    return { ok: false, code: 'conflict', current: { key: write.key, ...current } };
  }
  const revision = ++lastRevision;
  const prev = { value: current.value, modRevision: current.modRevision };
  if (write.op === 'update') {
    sql.append.run(revision, write.key, 0, 0, current.createRevision, current.modRevision, write.value);
    sql.setCurrent.run(write.key, revision);
  } else {
    sql.append.run(revision, write.key, 0, 1, current.createRevision, current.modRevision, current.value);
    sql.dropCurrent.run(write.key);
  }
  return { ok: true, revision, createRevision: current.createRevision, prev };
}

/**
 * Forgets every row superseded at or below target, and the tombstones there, a chunk of
 * revisions per transaction. The compacted revision is saved with each chunk, so a crash
 * mid-way leaves a consistent, smaller compaction.
 */
async function compact(target: number): Promise<void> {
  while (compactedRevision < target && !closing) {
    const from = compactedRevision;
    const to = Math.min(from + compactChunk, target);
    sql.begin.run();
    try {
      sql.compactSuperseded.run(from, to);
      sql.compactTombstones.run(from, to);
      sql.writeMeta.run('compactRevision', to);
      sql.commit.run();
    } catch (err) {
      if (db.isTransaction) sql.rollback.run();
      throw err;
    }
    compactedRevision = to;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
