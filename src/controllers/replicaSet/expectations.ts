// Expectations, as upstream's (UIDTracking)ControllerExpectations: after a controller asks for
// N creations or for deleting some pods, it does not act on that key again until its informer
// has seen them happen (or 5 minutes pass), so a cache that lags behind its own writes never
// makes it create or delete twice.

export interface Expectations {
  /** Replaces the key's expectations with `count` creations. */
  expectCreations(key: string, count: number): void;
  /** Replaces the key's expectations with the deletion of these pods ("namespace/name"). */
  expectDeletions(key: string, podKeys: string[]): void;
  creationObserved(key: string): void;
  /** Counts only for a pod the key expected to delete, and only once. */
  deletionObserved(key: string, podKey: string): void;
  /** True when nothing is pending, the record expired, or there is none. */
  satisfied(key: string): boolean;
  forget(key: string): void;
}

/** Upstream's ExpectationsTimeout. */
const expectationsTimeoutMs = 5 * 60_000;

interface Pending {
  adds: number;
  dels: number;
  deleting: Set<string>;
  at: number;
}

export function createExpectations(now: () => number = Date.now, timeoutMs = expectationsTimeoutMs): Expectations {
  const pending = new Map<string, Pending>();
  return {
    expectCreations(key, count) {
      pending.set(key, { adds: count, dels: 0, deleting: new Set(), at: now() });
    },
    expectDeletions(key, podKeys) {
      pending.set(key, { adds: 0, dels: podKeys.length, deleting: new Set(podKeys), at: now() });
    },
    creationObserved(key) {
      const p = pending.get(key);
      if (p) p.adds--;
    },
    deletionObserved(key, podKey) {
      const p = pending.get(key);
      if (p?.deleting.delete(podKey)) p.dels--;
    },
    satisfied(key) {
      const p = pending.get(key);
      return !p || (p.adds <= 0 && p.dels <= 0) || now() - p.at > timeoutMs;
    },
    forget(key) {
      pending.delete(key);
    },
  };
}
