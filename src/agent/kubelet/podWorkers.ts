// One worker per pod uid, as the kubelet's pod workers: syncs of a pod run one at a time
// (a sync asked for while one runs happens once after it), pods run in parallel, and a sync
// may ask to run again after a delay (backoff, a probe period) or fail and be retried.

export type SyncResult = void | { requeueAfterMs: number };

const retryAfterErrorMs = 1_000;

interface Worker {
  running: Promise<void> | undefined;
  pending: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class PodWorkers {
  readonly #sync: (uid: string) => Promise<SyncResult>;
  readonly #workers = new Map<string, Worker>();
  #stopped = false;

  constructor(sync: (uid: string) => Promise<SyncResult>) {
    this.#sync = sync;
  }

  /** Syncs the pod now (or right after the sync in progress), or after delayMs. */
  enqueue(uid: string, delayMs = 0): void {
    if (this.#stopped) return;
    let worker = this.#workers.get(uid);
    if (!worker) this.#workers.set(uid, (worker = { running: undefined, pending: false, timer: undefined }));
    if (delayMs > 0) {
      if (worker.timer) return; // an earlier wake-up is already set (or the same): keep it
      worker.timer = setTimeout(() => {
        worker.timer = undefined;
        this.enqueue(uid);
      }, delayMs);
      return;
    }
    worker.pending = true;
    if (!worker.running) worker.running = this.#loop(uid, worker);
  }

  /** Waits for every sync in progress to end and runs no more. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const worker of this.#workers.values()) clearTimeout(worker.timer);
    await Promise.all([...this.#workers.values()].map((w) => w.running));
  }

  async #loop(uid: string, worker: Worker): Promise<void> {
    while (worker.pending && !this.#stopped) {
      worker.pending = false;
      let again: number | undefined;
      try {
        const result = await this.#sync(uid);
        if (result) again = result.requeueAfterMs;
      } catch (err) {
        console.error(`skiff: kubelet: sync of pod ${uid} failed:`, err);
        again = retryAfterErrorMs;
      }
      if (again !== undefined && !worker.pending) {
        clearTimeout(worker.timer);
        worker.timer = undefined;
        this.enqueue(uid, Math.max(1, again));
      }
    }
    worker.running = undefined;
    if (!worker.pending && !worker.timer) this.#workers.delete(uid);
  }
}
