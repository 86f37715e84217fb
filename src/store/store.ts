// The Store: an MVCC key space with one global revision, the source of truth for every
// object. Keys are strings such as "/registry/apps/deployments/default/web"; values are
// opaque strings (the apiserver stores JSON without metadata.resourceVersion, which is
// derived from modRevision on read, as kine does).

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (its current incarnation). */
  createRevision: number;
  /** Revision of the last write to this key: the object's resourceVersion. */
  modRevision: number;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  /** For a put, the new value; for a delete, the last value with modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event, when there was one. */
  prev?: KeyValue;
}

export interface ListOptions {
  /** Read as of this revision (0 or absent: the current one). Older than the compacted revision: StoreError 'compacted'. */
  revision?: number;
  /** At most this many items; `more` says whether there were others. */
  limit?: number;
  /** Only keys strictly greater than this one (for continue tokens). */
  after?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** True when the limit cut the list short. */
  more: boolean;
}

export interface Watch {
  /** Stops the watch; the callback is not called again. */
  stop(): void;
}

export interface Store {
  /** The newest revision (0 for an empty store). */
  currentRevision(): number;
  /** The oldest revision still readable; watches and lists from before it fail as 'compacted'. */
  compactRevision(): number;
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with prefix, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Fails with 'exists' if the key is present. Resolves once the write is durable. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Compare-and-swap: fails with 'conflict' unless the key's modRevision equals expected, 'not-found' if absent. */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /** Deletes the key; with expectedModRevision, only if unchanged ('conflict' otherwise). Resolves to the deleted value. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /**
   * Calls onEvents, in revision order, with every change to keys under prefix after
   * `afterRevision`. History older than the compacted revision fails with 'compacted'
   * (thrown synchronously). Batches delivered to one watcher never interleave.
   */
  watch(prefix: string, afterRevision: number, onEvents: (events: WatchEvent[]) => void): Watch;
  /** Forgets superseded values and deletions at or below revision. */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export type StoreErrorCode = 'exists' | 'not-found' | 'conflict' | 'compacted';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** For conflicts: the current value, so callers can report or retry. */
  readonly current?: KeyValue;
  constructor(code: StoreErrorCode, message: string, current?: KeyValue) {
    super(message);
    this.code = code;
    this.current = current;
  }
}
