// Periodic compaction, as kube-apiserver does it: every interval (5 minutes upstream) compact
// to the revision seen one interval earlier, so history reaches back at least one interval.
// We also keep at least keepRevisions revisions, so a burst of writes does not push a
// client's resourceVersion out of reach (410 Gone) within seconds of reading it.

import type { Store } from './store.ts';

export interface CompactorOptions {
  /** Revisions always kept behind the current one. */
  keepRevisions?: number;
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

/** Starts compacting the store periodically; returns the function that stops it. */
export function startCompactor(store: Store, options: CompactorOptions = {}): () => void {
  const { keepRevisions = 1000, intervalMs = 5 * 60_000, onError = (err) => console.error('compaction failed:', err) } = options;
  let previous = store.currentRevision();
  let running = false;
  const timer = setInterval(() => {
    const current = store.currentRevision();
    const target = Math.min(previous, current - keepRevisions);
    previous = current;
    if (running || target <= store.compactRevision()) return;
    running = true;
    store
      .compact(target)
      .catch(onError)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
