// CrashLoopBackOff, as the kubelet's: a container that exited waits 10 s before its first
// restart, doubling each time up to 5 min. The delay counts from when it last exited; a
// container that ran 10 min before exiting starts over at 10 s, and so does one whose last
// backoff is older than twice the maximum.

export const initialBackoffMs = 10_000;
export const maxBackoffMs = 300_000;
/** A run this long means the container is healthy again. */
export const backoffResetMs = 600_000;

export type Clock = () => number;

interface Entry {
  backoffMs: number;
  /** When the backoff was last lengthened. */
  updatedMs: number;
}

export class CrashLoopBackoff {
  readonly #entries = new Map<string, Entry>();
  readonly #now: Clock;

  constructor(now: Clock = Date.now) {
    this.#now = now;
  }

  /**
   * Whether a container that finished at finishedMs (after starting at startedMs) may restart
   * now. If not, how much longer it waits; if so, the next wait is lengthened.
   */
  check(key: string, startedMs: number, finishedMs: number): { restart: true } | { restart: false; remainingMs: number; backoffMs: number } {
    const now = this.#now();
    let entry = this.#entries.get(key);
    if (entry && (finishedMs - startedMs >= backoffResetMs || now - entry.updatedMs > 2 * maxBackoffMs)) {
      this.#entries.delete(key);
      entry = undefined;
    }
    if (entry) {
      const remainingMs = finishedMs + entry.backoffMs - now;
      if (remainingMs > 0) return { restart: false, remainingMs, backoffMs: entry.backoffMs };
      entry.backoffMs = Math.min(entry.backoffMs * 2, maxBackoffMs);
      entry.updatedMs = now;
    } else {
      this.#entries.set(key, { backoffMs: initialBackoffMs, updatedMs: now });
    }
    return { restart: true };
  }

  forget(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }
}
