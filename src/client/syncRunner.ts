// Runs a sync of the whole state when asked (the service proxy's rules, the Ingresses' statuses,
// the node's routes), coalescing requests as upstream's BoundedFrequencyRunner: requests made
// while a sync runs, or within minIntervalMs of the last one's start, become one later sync; a
// failed sync is retried; a periodic resync, if asked for, repairs what someone else changed.

export interface SyncRunnerOptions {
  minIntervalMs: number;
  retryMs: number;
  /** None: no periodic sync. */
  resyncMs?: number;
  onError(err: unknown): void;
}

export interface SyncRunner {
  /** Asks for a sync: at once if the last one started minIntervalMs ago, else then. */
  request(): void;
  /** Resolves once no sync is running or waiting. */
  idle(): Promise<void>;
  stop(): void;
}

/** sync may resolve to a delay after which it wants to run again (stale state to finish). */
export function createSyncRunner(sync: () => Promise<number | void>, options: SyncRunnerOptions): SyncRunner {
  let pending = false;
  let running = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastStart = -Infinity;
  let idleWaiters: (() => void)[] = [];
  const later = new Set<NodeJS.Timeout>();

  const requestIn = (ms: number) => {
    const t = setTimeout(() => {
      later.delete(t);
      request();
    }, ms);
    later.add(t);
  };
  const settle = () => {
    if (pending || running || timer) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };
  const schedule = () => {
    if (stopped || running || timer || !pending) return settle();
    // A zero delay still waits for the current burst of informer events to be delivered.
    timer = setTimeout(runNow, Math.max(0, lastStart + options.minIntervalMs - performance.now()));
  };
  const runNow = async () => {
    timer = undefined;
    if (stopped || !pending) return settle();
    pending = false;
    running = true;
    lastStart = performance.now();
    try {
      const again = await sync();
      if (typeof again === 'number') requestIn(again);
    } catch (err) {
      options.onError(err);
      requestIn(options.retryMs);
    } finally {
      running = false;
      schedule();
    }
  };
  const request = () => {
    pending = true;
    schedule();
  };
  const resync = options.resyncMs === undefined ? undefined : setInterval(request, options.resyncMs);
  return {
    request,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settle();
      }),
    stop() {
      stopped = true;
      pending = false;
      clearInterval(resync);
      clearTimeout(timer);
      timer = undefined;
      for (const t of later) clearTimeout(t);
      later.clear();
      settle();
    },
  };
}
