// The embedded Store: one SQLite file in WAL mode with synchronous=FULL, after kine's design.
// `log` is the history, one row per write, its id the revision; a tombstone row (deleted = 1)
// keeps the deleted value for the delete event. `current` maps each live key to its newest
// row, so reads at the current revision skip the history.
//
// Group commit: writes arriving in one event-loop turn are applied in one transaction, each
// with its own revision and precondition, and their promises resolve once it is on disk.
// While a commit's fsync blocks, new writes queue up and form the next batch, so batches grow
// with load. (A writer thread would keep fsync off the event loop but costs ~25 MB of RSS;
// at 0.2-2 ms per commit the latency targets do not need it.)
//
// One process owns the file: the revision is kept in memory, not re-read.

import { DatabaseSync } from 'node:sqlite';
import { Fanout } from '../fanout.ts';
import { StoreError, type KeyValue, type ListOptions, type ListResult, type Store, type Watch, type WatchEvent } from '../store.ts';

/** Opens (creating if needed) the store in the SQLite file at path. */
export async function openSqliteStore(path: string): Promise<Store> {
  return new SqliteStore(path);
}

type WriteOp =
  | { op: 'create'; key: string; value: string }
  | { op: 'update'; key: string; value: string; expected: number }
  | { op: 'delete'; key: string; expected?: number };

interface PendingWrite {
  op: WriteOp;
  resolve: (kv: KeyValue) => void;
  reject: (err: unknown) => void;
}

/** key, value, createRevision, modRevision: rows come as arrays, the cheapest to build. */
type Row = [string, string, number, number];

/** A Row, then deleted, prev value and prev revision (null for creations). */
type LogRow = [...Row, number, string | null, number | null];

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

class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepare>;
  readonly #fanout = new Fanout<WatchEvent>();
  #revision: number;
  /** Lists and watches below this fail as compacted (rows may still be being deleted). */
  #compactRevision: number;
  /** How far rows have actually been deleted (and saved as the compacted revision). */
  #compactedRows: number;
  /** Compactions run one after another, a chunk at a time between write batches. */
  #compactions: Promise<void> = Promise.resolve();
  /** Writes waiting for the next batch. */
  #queue: PendingWrite[] = [];
  #flushScheduled = false;
  #closed = false;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    this.#db.exec(schema);
    this.#sql = prepare(this.#db);
    this.#revision = (this.#sql.lastRevision.get()?.seq as number | undefined) ?? 0;
    this.#compactRevision = this.#compactedRows = (this.#sql.readMeta.get('compactRevision')?.value as number | undefined) ?? 0;
  }

  currentRevision(): number {
    return this.#revision;
  }

  compactRevision(): number {
    return this.#compactRevision;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#checkOpen();
    const row = this.#sql.get.get(key) as unknown as Row | undefined;
    return row && toKeyValue(row);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#checkOpen();
    const revision = options.revision || this.#revision;
    if (revision < this.#compactRevision) throw compacted(revision, this.#compactRevision);
    if (revision > this.#revision) throw new Error(`revision ${revision} is newer than the store's (${this.#revision})`);
    const from = options.after !== undefined && options.after >= prefix ? options.after + '\0' : prefix;
    const to = prefixEnd(prefix);
    const limit = options.limit ? options.limit + 1 : -1;
    const rows = (
      revision === this.#revision ? this.#sql.listCurrent.all(from, to, limit) : this.#sql.listAt.all({ from, to, revision, limit })
    ) as unknown as Row[];
    const more = limit > 0 && rows.length === limit;
    if (more) rows.pop();
    return { items: rows.map(toKeyValue), revision, more };
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.#write({ op: 'create', key, value });
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.#write({ op: 'update', key, value, expected: expectedModRevision });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.#write({ op: 'delete', key, expected: expectedModRevision });
  }

  watch(prefix: string, afterRevision: number, onEvents: (events: WatchEvent[]) => void): Watch {
    this.#checkOpen();
    if (afterRevision < this.#compactRevision) throw compacted(afterRevision, this.#compactRevision);
    // Commits publish synchronously, so the log up to #revision is exactly what watchers
    // have been given: replay that, and live events continue right after it.
    const replay = afterRevision < this.#revision ? this.#history(prefix, afterRevision) : [];
    return this.#fanout.add(prefix, Math.max(afterRevision, this.#revision), replay, onEvents);
  }

  /**
   * Compacts up to revision (at most the current one). Lists and watches below it fail as
   * compacted from the moment this is called; rows are deleted a chunk at a time.
   */
  async compact(revision: number): Promise<void> {
    this.#checkOpen();
    const target = Math.min(revision, this.#revision);
    if (target <= this.#compactRevision) return;
    this.#compactRevision = target;
    const compaction = this.#compactions.catch(() => {}).then(() => this.#compactRows(target));
    this.#compactions = compaction;
    await compaction;
  }

  /** Commits queued writes, lets a running compaction stop at a chunk boundary, and closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#commitBatch();
    await this.#compactions.catch(() => {});
    this.#fanout.clear();
    this.#db.close();
  }

  // ---- writes

  #write(op: WriteOp): Promise<KeyValue> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      if (this.#flushScheduled) return;
      this.#flushScheduled = true;
      // After this turn's I/O callbacks, so the writes they queue share the commit.
      setImmediate(() => this.#commitBatch());
    });
  }

  /** Applies the queued writes in one transaction; a failed precondition fails only its write. */
  #commitBatch(): void {
    this.#flushScheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const outcomes: (WatchEvent | StoreError)[] = [];
    let revision = this.#revision;
    try {
      this.#sql.begin.run();
      for (const { op } of batch) {
        const outcome = this.#apply(op, revision + 1);
        if (!(outcome instanceof StoreError)) revision++;
        outcomes.push(outcome);
      }
      this.#sql.commit.run();
    } catch (err) {
      if (this.#db.isTransaction) this.#sql.rollback.run();
      for (const write of batch) write.reject(err);
      return;
    }
    this.#revision = revision;
    this.#fanout.publish(outcomes.filter((o): o is WatchEvent => !(o instanceof StoreError)));
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof StoreError) write.reject(outcome);
      else write.resolve(outcome.kv);
    });
  }

  #apply(op: WriteOp, revision: number): WatchEvent | StoreError {
    const { key } = op;
    const row = this.#sql.get.get(key) as unknown as Row | undefined;
    const current = row && toKeyValue(row);
    if (op.op === 'create') {
      if (current) return new StoreError('exists', `key ${key} already exists`);
      this.#sql.append.run(revision, key, 1, 0, revision, 0, op.value);
      this.#sql.setCurrent.run(key, revision);
      return { type: 'put', kv: { key, value: op.value, createRevision: revision, modRevision: revision } };
    }
    if (!current) return new StoreError('not-found', `key ${key} not found`);
    if (op.expected !== undefined && op.expected !== current.modRevision) {
      return new StoreError('conflict', `key ${key} is at revision ${current.modRevision}, not ${op.expected}`, current);
    }
    const { createRevision } = current;
    if (op.op === 'update') {
      this.#sql.append.run(revision, key, 0, 0, createRevision, current.modRevision, op.value);
      this.#sql.setCurrent.run(key, revision);
      return { type: 'put', kv: { key, value: op.value, createRevision, modRevision: revision }, prev: current };
    }
    this.#sql.append.run(revision, key, 0, 1, createRevision, current.modRevision, current.value);
    this.#sql.dropCurrent.run(key);
    return { type: 'delete', kv: { ...current, modRevision: revision }, prev: current };
  }

  /**
   * Deletes every row superseded at or below target, and the tombstones there, a chunk of
   * revisions per transaction so writes wait only milliseconds. The compacted revision is
   * saved with each chunk: a crash mid-way leaves a consistent, smaller compaction.
   */
  async #compactRows(target: number): Promise<void> {
    while (this.#compactedRows < target && !this.#closed) {
      const from = this.#compactedRows;
      const to = Math.min(from + compactChunk, target);
      this.#sql.begin.run();
      try {
        this.#sql.compactSuperseded.run(from, to);
        this.#sql.compactTombstones.run(from, to);
        this.#sql.writeMeta.run('compactRevision', to);
        this.#sql.commit.run();
      } catch (err) {
        if (this.#db.isTransaction) this.#sql.rollback.run();
        throw err;
      }
      this.#compactedRows = to;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  // ---- reads

  #checkOpen(): void {
    if (this.#closed) throw new Error('the store is closed');
  }

  #history(prefix: string, after: number): WatchEvent[] {
    const rows = this.#sql.history.all(after, prefix, prefixEnd(prefix)) as unknown as LogRow[];
    return rows.map((row) => {
      const [key, value, createRevision, modRevision, deleted, prevValue, prevRevision] = row;
      const kv = { key, value, createRevision, modRevision };
      const type = deleted ? 'delete' : 'put';
      if (prevRevision === null) return { type, kv };
      return { type, kv, prev: { key, value: prevValue!, createRevision, modRevision: prevRevision } };
    });
  }
}

function prepare(db: DatabaseSync) {
  const kv = 'l.key, l.value, l.create_revision, l.revision';
  const statements = {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    lastRevision: db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'log'`),
    readMeta: db.prepare('SELECT value FROM meta WHERE name = ?'),
    writeMeta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    get: db.prepare(`SELECT ${kv} FROM current c JOIN log l ON l.revision = c.revision WHERE c.key = ?`),
    listCurrent: db.prepare(`SELECT ${kv} FROM current c JOIN log l ON l.revision = c.revision WHERE c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?`),
    // The newest row of each key at or below the revision, unless it is a tombstone.
    listAt: db.prepare(
      `SELECT ${kv} FROM log l
       WHERE l.key >= :from AND l.key < :to AND l.revision <= :revision AND l.deleted = 0
         AND NOT EXISTS (SELECT 1 FROM log n WHERE n.key = l.key AND n.revision > l.revision AND n.revision <= :revision)
       ORDER BY l.key LIMIT :limit`,
    ),
    // "+l.key" keeps the planner on the revision range: replays are of recent history.
    history: db.prepare(
      `SELECT ${kv}, l.deleted, p.value, p.revision
       FROM log l LEFT JOIN log p ON p.revision = l.prev_revision AND l.created = 0
       WHERE l.revision > ? AND +l.key >= ? AND +l.key < ? ORDER BY l.revision`,
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
  for (const statement of [statements.get, statements.listCurrent, statements.listAt, statements.history]) statement.setReturnArrays(true);
  return statements;
}

function toKeyValue([key, value, createRevision, modRevision]: Row): KeyValue {
  return { key, value, createRevision, modRevision };
}

function compacted(revision: number, compactRevision: number): StoreError {
  return new StoreError('compacted', `revision ${revision} has been compacted (oldest available: ${compactRevision})`);
}

/** The smallest string greater than every key that starts with prefix. */
function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
