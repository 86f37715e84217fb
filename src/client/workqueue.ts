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
  /** Workers finish the key in hand and stop (run() resolves); waiting, delayed and later keys are dropped. */
  shutDown(): void;
}

export interface WorkQueueOptions {
  name: string;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called with errors from process (for logging); default logs to stderr. */
  onError?: (key: string, err: unknown) => void;
}

export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  return new RateLimitedQueue(options);
}

/**
 * client-go's default controller rate limiter is the larger of two delays: the per-key
 * exponential backoff and an overall token bucket (10 per second, burst 100) shared by every
 * key. We keep both, as upstream: the bucket only matters when more than 100 keys fail at
 * once, and then it spreads their retries instead of letting them all hit the API together.
 */
const bucketPerSecond = 10;
const bucketBurst = 100;

class RateLimitedQueue implements WorkQueue {
  readonly #name: string;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #onError: (key: string, err: unknown) => void;
  /** Keys ready for a worker, in the order they were added. */
  readonly #ready = new Set<string>();
  /** Keys being processed, and those of them added again meanwhile. */
  readonly #processing = new Set<string>();
  readonly #again = new Set<string>();
  /** Delayed keys: when each is due and its timer (a sooner addAfter wins). */
  readonly #delayed = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  /** Workers waiting for a key. */
  #idle: ((key: string | undefined) => void)[] = [];
  #bucketTokens = bucketBurst;
  #bucketTime = performance.now();
  #shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.#name = options.name;
    this.#baseDelayMs = options.baseDelayMs ?? 5;
    this.#maxDelayMs = options.maxDelayMs ?? 1_000_000;
    this.#onError = options.onError ?? ((key, err) => console.error(`skiff: ${this.#name}: error syncing "${key}":`, err));
  }

  get length(): number {
    return this.#ready.size + this.#again.size;
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#ready.has(key)) return;
    if (this.#processing.has(key)) {
      this.#again.add(key); // handed out again once the current run is done
      return;
    }
    const worker = this.#idle.shift();
    if (worker) {
      this.#processing.add(key);
      worker(key);
    } else this.#ready.add(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const due = performance.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending) {
      if (pending.due <= due) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs).unref();
    this.#delayed.set(key, { due, timer });
  }

  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const backoff = Math.min(this.#baseDelayMs * 2 ** failures, this.#maxDelayMs);
    this.addAfter(key, Math.max(backoff, this.#bucketDelay()));
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  async run(workers: number, process: (key: string) => Promise<void | { requeueAfterMs: number }>): Promise<void> {
    const loop = async () => {
      for (let key = await this.#next(); key !== undefined; key = await this.#next()) {
        try {
          const result = await process(key);
          this.forget(key);
          if (result) this.addAfter(key, result.requeueAfterMs);
        } catch (err) {
          this.#onError(key, err);
          this.addRateLimited(key);
        } finally {
          this.#done(key);
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, loop));
  }

  shutDown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const worker of this.#idle) worker(undefined);
    this.#idle = [];
  }

  /** The next key for a worker, or undefined once shut down (in-flight work still finishes). */
  #next(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#ready.values().next().value;
    if (key === undefined) return new Promise((resolve) => this.#idle.push(resolve));
    this.#ready.delete(key);
    this.#processing.add(key);
    return Promise.resolve(key);
  }

  #done(key: string): void {
    this.#processing.delete(key);
    if (this.#again.delete(key)) this.add(key);
  }

  /** Takes a token from the shared bucket; how long until it would have been there. */
  #bucketDelay(): number {
    const now = performance.now();
    this.#bucketTokens = Math.min(bucketBurst, this.#bucketTokens + ((now - this.#bucketTime) / 1000) * bucketPerSecond);
    this.#bucketTime = now;
    this.#bucketTokens -= 1;
    return this.#bucketTokens >= 0 ? 0 : (-this.#bucketTokens / bucketPerSecond) * 1000;
  }
}
