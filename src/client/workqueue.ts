// A rate-limited work queue, as client-go's: keys are deduplicated while waiting, a key is
// handed to at most one worker at a time (re-added keys wait until it is done), and
// failures back off per key exponentially.

export interface WorkQueue {
  add(key: string): void;
  /** Adds the key after a delay (e.g. a requeue or a deadline). */
  addAfter(key: string, delayMs: number): void;
  /** Adds the key after its per-key backoff (5 ms doubling to 1000 s, as upstream), and lengthens it. */
  addRateLimited(key: string): void;
  /** Resets the key's backoff (after a success). */
  forget(key: string): void;
  /** Keys waiting (not counting delayed ones). */
  readonly length: number;
  /**
   * Runs `workers` concurrent loops calling process(key) until shutDown; a throw or a
   * `{ requeueAfterMs }` result requeues the key (rate-limited on throw), a plain return forgets it.
   */
  run(workers: number, process: (key: string) => Promise<void | { requeueAfterMs: number }>): Promise<void>;
  shutDown(): void;
}

export interface WorkQueueOptions {
  name: string;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called with errors from process (for logging); default logs to stderr. */
  onError?: (key: string, err: unknown) => void;
}

export declare function createWorkQueue(options: WorkQueueOptions): WorkQueue;
