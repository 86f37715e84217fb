// In-process fan-out of committed events to watchers by key prefix, shared by the stores
// and the watch cache. Each watcher has a cursor (the last revision it was given), so a
// replay followed by live events never repeats or skips a revision, and batches to one
// watcher never interleave. Delivery is a synchronous call per batch: a slow consumer
// buffers (or gives up) on its own side and never holds up the writer or other watchers.

import type { KeyValue, Watch } from './store.ts';

interface Subscriber<E> {
  prefix: string;
  /** The newest revision this watcher has been given (or asked to start after). */
  after: number;
  onEvents: (events: E[]) => void;
  /** Events waiting behind a replay that has not been delivered yet. */
  pending?: E[];
}

export class Fanout<E extends { kv: KeyValue }> {
  readonly #subscribers = new Set<Subscriber<E>>();

  get size(): number {
    return this.#subscribers.size;
  }

  /**
   * Adds a watcher of keys under prefix for events after afterRevision. `replay` (events
   * after afterRevision, in revision order, already filtered by prefix; the fan-out owns the
   * array from then on) is delivered on a microtask, so the caller holds the returned Watch
   * before its callback first runs.
   */
  add(prefix: string, afterRevision: number, replay: E[], onEvents: (events: E[]) => void): Watch {
    const subscriber: Subscriber<E> = { prefix, after: Math.max(afterRevision, lastRevision(replay)), onEvents };
    this.#subscribers.add(subscriber);
    if (replay.length > 0) {
      subscriber.pending = replay;
      queueMicrotask(() => {
        const events = subscriber.pending!;
        subscriber.pending = undefined;
        if (this.#subscribers.has(subscriber)) deliver(subscriber, events);
      });
    }
    return { stop: () => this.#subscribers.delete(subscriber) };
  }

  /**
   * Delivers events (in revision order) to every watcher whose prefix they match. Arrays
   * are shared between watchers with the same prefix: callbacks must not modify them.
   */
  publish(events: E[]): void {
    if (events.length === 0) return;
    const byPrefix = new Map<string, E[]>();
    for (const subscriber of this.#subscribers) {
      let matching = byPrefix.get(subscriber.prefix);
      if (!matching) {
        const prefix = subscriber.prefix;
        matching = prefix === '' ? events : events.filter((e) => e.kv.key.startsWith(prefix));
        byPrefix.set(prefix, matching);
      }
      if (matching.length === 0 || lastRevision(matching) <= subscriber.after) continue;
      const after = subscriber.after;
      const fresh = matching[0].kv.modRevision > after ? matching : matching.filter((e) => e.kv.modRevision > after);
      subscriber.after = lastRevision(fresh);
      if (subscriber.pending) subscriber.pending.push(...fresh);
      else deliver(subscriber, fresh);
    }
  }

  /** Stops every watcher. */
  clear(): void {
    this.#subscribers.clear();
  }
}

/** A throwing callback must not starve the other watchers; its error still surfaces. */
function deliver<E>(subscriber: Subscriber<E>, events: E[]): void {
  try {
    subscriber.onEvents(events);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}

function lastRevision(events: { kv: KeyValue }[]): number {
  return events.length === 0 ? 0 : events[events.length - 1].kv.modRevision;
}
