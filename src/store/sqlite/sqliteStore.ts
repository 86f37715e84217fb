// The embedded Store: one SQLite file in WAL mode, kine's log-table design. Writes go to a
// worker thread (sqliteWriter.ts) that owns the writing connection; writes arriving in the
// same event-loop turn travel as one batch and commit in one transaction, and their promises
// resolve only after that commit is on disk. Reads use a second connection on this thread:
// WAL lets it read a consistent snapshot while the writer commits. Watches are fanned out
// here, after each commit, in revision order.
//
// One process owns the file: the revision this store reports is the writer's, not re-read.

import { once } from 'node:events';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { Fanout } from '../fanout.ts';
import { StoreError, type KeyValue, type ListOptions, type ListResult, type Store, type Watch, type WatchEvent } from '../store.ts';
import type { OpenedStore, WriteOp, WriteResult, WriterCommand, WriterResponse } from './sqliteWriter.ts';

/** Opens (creating if needed) the store in the SQLite file at path. */
export async function openSqliteStore(path: string): Promise<Store> {
  const worker = new Worker(new URL('./sqliteWriter.ts', import.meta.url), { workerData: { path } });
  try {
    const [hello] = (await once(worker, 'message')) as [WriterResponse];
    if (hello.error) throw hello.error;
    return new SqliteStore(path, worker, hello.result as OpenedStore);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
}

interface PendingWrite {
  op: WriteOp;
  resolve: (kv: KeyValue) => void;
  reject: (err: unknown) => void;
}

interface Reply {
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

/** key, value, createRevision, modRevision: rows come as arrays, the cheapest to build. */
type Row = [string, string, number, number];

/** A Row, then deleted, prev value and prev revision (null for creations). */
type LogRow = [...Row, number, string | null, number | null];

class SqliteStore implements Store {
  readonly #worker: Worker;
  readonly #reader: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareReads>;
  readonly #fanout = new Fanout<WatchEvent>();
  readonly #replies = new Map<number, Reply>();
  #nextRequest = 1;
  #revision: number;
  #compactRevision: number;
  /** Writes waiting for the next batch. */
  #queue: PendingWrite[] = [];
  #flushScheduled = false;
  #inFlight: Promise<void> | undefined;
  #closed = false;
  /** Set when the writer died: every later write fails with it. */
  #broken: unknown;

  constructor(path: string, worker: Worker, opened: OpenedStore) {
    this.#worker = worker;
    this.#revision = opened.revision;
    this.#compactRevision = opened.compactRevision;
    worker.on('message', (response: WriterResponse) => this.#onReply(response));
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', () => this.#fail(new Error('the SQLite writer thread exited')));

    this.#reader = new DatabaseSync(path);
    this.#reader.exec('PRAGMA busy_timeout = 5000; PRAGMA query_only = 1;');
    this.#sql = prepareReads(this.#reader);
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
    const revision = options.revision || 0;
    if (revision > 0 && revision < this.#compactRevision) throw compacted(revision, this.#compactRevision);
    const from = options.after !== undefined && options.after >= prefix ? options.after + '\0' : prefix;
    const to = prefixEnd(prefix);
    const limit = options.limit ? options.limit + 1 : -1;
    // One read transaction: the items and the revision they are reported at agree.
    this.#sql.begin.run();
    try {
      const newest = (this.#sql.lastRevision.get()?.seq as number | undefined) ?? 0;
      if (revision > newest) throw new Error(`revision ${revision} is newer than the store's (${newest})`);
      const rows = (
        revision === 0 || revision === newest
          ? this.#sql.listCurrent.all(from, to, limit)
          : this.#sql.listAt.all({ from, to, revision, limit })
      ) as unknown as Row[];
      const more = options.limit !== undefined && options.limit > 0 && rows.length > options.limit;
      if (more) rows.pop();
      return { items: rows.map(toKeyValue), revision: revision || newest, more };
    } finally {
      this.#sql.commit.run();
    }
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
    // Events up to #revision come from the log (this thread has published exactly those);
    // later ones arrive live, so replay and live events meet without gap or overlap.
    const replay = afterRevision < this.#revision ? this.#history(prefix, afterRevision, this.#revision) : [];
    return this.#fanout.add(prefix, Math.max(afterRevision, this.#revision), replay, onEvents);
  }

  /**
   * Compacts up to revision (at most the current one). Lists and watches below it fail as
   * compacted from the moment this is called, while the rows are deleted in the background.
   */
  async compact(revision: number): Promise<void> {
    this.#checkOpen();
    const target = Math.min(revision, this.#revision);
    if (target <= this.#compactRevision) return;
    this.#compactRevision = target;
    await this.#request({ type: 'compact', revision: target });
  }

  /** Waits for queued writes to commit, then closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#queue.length > 0 || this.#flushScheduled || this.#inFlight) {
      await (this.#inFlight ?? new Promise((resolve) => setImmediate(resolve)));
    }
    this.#fanout.clear();
    this.#reader.close();
    if (this.#broken === undefined) await this.#request({ type: 'close' });
    await this.#worker.terminate();
  }

  // ---- writes: group commit through the writer thread

  #write(op: WriteOp): Promise<KeyValue> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /** After this turn's I/O callbacks have queued their writes, send them as one batch. */
  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#inFlight) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#inFlight = this.#commitBatch().finally(() => {
        this.#inFlight = undefined;
        if (this.#queue.length > 0) this.#scheduleFlush();
      });
    });
  }

  async #commitBatch(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    let results: WriteResult[];
    try {
      results = (await this.#request({ type: 'write', ops: batch.map((w) => w.op) })) as WriteResult[];
    } catch (err) {
      for (const write of batch) write.reject(err);
      return;
    }
    const events: WatchEvent[] = [];
    const settle: (() => void)[] = [];
    batch.forEach((write, i) => {
      const result = results[i];
      if (!result.ok) {
        settle.push(() => write.reject(writeError(write.op, result)));
        return;
      }
      const event = toEvent(write.op, result);
      events.push(event);
      settle.push(() => write.resolve(event.kv));
    });
    if (events.length > 0) {
      this.#revision = events[events.length - 1].kv.modRevision;
      this.#fanout.publish(events);
    }
    for (const s of settle) s();
  }

  // ---- the writer thread

  #request(message: WriterCommand): Promise<unknown> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const id = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#replies.set(id, { resolve, reject });
      this.#worker.postMessage({ ...message, id });
    });
  }

  #onReply(response: WriterResponse): void {
    const reply = this.#replies.get(response.id);
    if (!reply) return;
    this.#replies.delete(response.id);
    if (response.error !== undefined) reply.reject(response.error);
    else reply.resolve(response.result);
  }

  #fail(err: unknown): void {
    if (this.#broken !== undefined) return;
    this.#broken = err;
    for (const reply of this.#replies.values()) reply.reject(err);
    this.#replies.clear();
  }

  // ---- reads

  #checkOpen(): void {
    if (this.#closed) throw new Error('the store is closed');
  }

  #history(prefix: string, after: number, upTo: number): WatchEvent[] {
    const rows = this.#sql.history.all(after, upTo, prefix, prefixEnd(prefix)) as unknown as LogRow[];
    return rows.map((row) => {
      const [key, value, createRevision, modRevision, deleted, prevValue, prevRevision] = row;
      const kv = { key, value, createRevision, modRevision };
      const type = deleted ? 'delete' : 'put';
      if (prevRevision === null) return { type, kv };
      return { type, kv, prev: { key, value: prevValue!, createRevision, modRevision: prevRevision } };
    });
  }
}

function prepareReads(db: DatabaseSync) {
  const kv = 'l.key, l.value, l.create_revision, l.revision';
  const statements = {
    begin: db.prepare('BEGIN'),
    commit: db.prepare('COMMIT'),
    lastRevision: db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'log'`),
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
       WHERE l.revision > ? AND l.revision <= ? AND +l.key >= ? AND +l.key < ? ORDER BY l.revision`,
    ),
  };
  for (const statement of [statements.get, statements.listCurrent, statements.listAt, statements.history]) statement.setReturnArrays(true);
  return statements;
}

function toKeyValue([key, value, createRevision, modRevision]: Row): KeyValue {
  return { key, value, createRevision, modRevision };
}

function toEvent(op: WriteOp, result: WriteResult & { ok: true }): WatchEvent {
  const { key } = op;
  const { revision, createRevision } = result;
  const prev = result.prev && { key, value: result.prev.value, createRevision, modRevision: result.prev.modRevision };
  if (op.op === 'delete') return { type: 'delete', kv: { ...prev!, modRevision: revision }, prev };
  const kv = { key, value: op.value, createRevision, modRevision: revision };
  return prev ? { type: 'put', kv, prev } : { type: 'put', kv };
}

function writeError(op: WriteOp, result: WriteResult & { ok: false }): StoreError {
  switch (result.code) {
    case 'exists':
      return new StoreError('exists', `key ${op.key} already exists`);
    case 'not-found':
      return new StoreError('not-found', `key ${op.key} not found`);
    case 'conflict':
      return new StoreError('conflict', `key ${op.key} is at revision ${result.current!.modRevision}, not ${'expected' in op ? op.expected : '?'}`, result.current);
  }
}

function compacted(revision: number, compactRevision: number): StoreError {
  return new StoreError('compacted', `revision ${revision} has been compacted (oldest available: ${compactRevision})`);
}

/** The smallest string greater than every key that starts with prefix. */
function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
