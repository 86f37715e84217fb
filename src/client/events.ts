// Events about objects, recorded the way upstream's legacy recorder does: repeats of the same
// event update one Event's count and lastTimestamp instead of creating new ones, similar events
// within ten minutes are combined, and a noisy object is rate-limited, so `kubectl describe`
// and `kubectl get events` tell the story.

import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../api/kind.ts';
import { ApiError } from '../apiserver/errors.ts';
import type { Client } from './client.ts';
import { types } from './resourceTypes.ts';

export interface EventRecorder {
  /** Records asynchronously; never throws (failures are logged). */
  event(regarding: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Waits for pending writes (for tests and shutdown). */
  flush(): Promise<void>;
}

/**
 * component: the source/reportingController, e.g. "default-scheduler", "deployment-controller".
 * host: the source host / reportingInstance (the kubelet's node name; controllers leave it empty).
 */
export function createEventRecorder(client: Client, component: string, host?: string): EventRecorder {
  return new CorrelatingRecorder(client, { component, host });
}

// Upstream's correlator numbers.
const cacheEntries = 4096;
/** More than this many events differing only in message within the window become one. */
const aggregateMaxEvents = 10;
const aggregateWindowMs = 10 * 60_000;
/** Per source and object: a burst of 25 events, then one more every 5 minutes. */
const spamBurst = 25;
const spamRefillPerMs = 1 / 300_000;
/** Events waiting to be written beyond this are dropped (logged), as upstream's queue does. */
const maxQueued = 1000;
const maxInFlight = 8;
/** Unreachable servers are retried, as upstream: 12 tries, 10 s apart (the first randomized). */
const maxTries = 12;
const retryDelayMs = 10_000;

interface EventSource {
  component: string;
  host?: string;
}

interface CoreEvent extends KubeObject {
  metadata: { name: string; namespace: string };
  involvedObject: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string };
  reason: string;
  message: string;
  type: string;
  source: EventSource;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  reportingComponent: string;
  reportingInstance?: string;
}

/** What an event repeating an earlier one changes on the stored Event. */
type EventPatch = Pick<CoreEvent, 'count' | 'lastTimestamp' | 'message'>;

class CorrelatingRecorder implements EventRecorder {
  readonly #client: Client;
  readonly #source: EventSource;
  /** aggregate key -> the distinct messages seen in the window */
  readonly #aggregates = new Lru<{ messages: Set<string>; lastMs: number }>();
  /** event key -> the Event that recorded it */
  readonly #observed = new Lru<{ name: string; count: number; firstTimestamp: string }>();
  /** source+object -> token bucket */
  readonly #spam = new Lru<{ tokens: number; lastMs: number }>();
  /** The last write of each Event name: a patch waits for the create before it. */
  readonly #writes = new Map<string, Promise<void>>();
  #queued = 0;
  #dropped = 0;
  #inFlight = 0;
  #slotWaiters: (() => void)[] = [];

  constructor(client: Client, source: EventSource) {
    this.#client = client;
    this.#source = source;
  }

  event(regarding: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    try {
      const correlated = this.#correlate(this.#makeEvent(regarding, type, reason, message));
      if (correlated) this.#enqueue(correlated.event, correlated.patch);
    } catch (err) {
      console.error(`skiff: ${this.#source.component}: could not record event ${reason}:`, err);
    }
  }

  async flush(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all(this.#writes.values());
  }

  #makeEvent(regarding: KubeObject, type: string, reason: string, message: string): CoreEvent {
    const meta = regarding.metadata ?? {};
    const now = new Date();
    const timestamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
    const { component, host } = this.#source;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(meta.name ?? '', now), namespace: meta.namespace || 'default' },
      involvedObject: {
        kind: regarding.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        apiVersion: regarding.apiVersion,
        resourceVersion: meta.resourceVersion,
      },
      reason,
      message,
      type,
      source: host ? { component, host } : { component },
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
      reportingComponent: component,
      reportingInstance: host,
    };
  }

  /**
   * Upstream's correlator, in its order: aggregate similar events, count repeats of the same
   * one (the result is a patch of the existing Event), then drop what the spam filter refuses.
   */
  #correlate(event: CoreEvent): { event: CoreEvent; patch?: EventPatch } | undefined {
    const nowMs = Date.now();
    const { source, involvedObject: o } = event;
    const objectKey = [source.component, source.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion].join('\n');
    const aggregateKey = [objectKey, event.type, event.reason, event.reportingComponent, event.reportingInstance].join('\n');
    let key = `${aggregateKey}\n${event.message}`;

    let aggregate = this.#aggregates.get(aggregateKey);
    if (!aggregate || nowMs - aggregate.lastMs > aggregateWindowMs) aggregate = { messages: new Set(), lastMs: nowMs };
    aggregate.messages.add(event.message);
    aggregate.lastMs = nowMs;
    this.#aggregates.set(aggregateKey, aggregate);
    if (aggregate.messages.size >= aggregateMaxEvents) {
      aggregate.messages.delete(aggregate.messages.values().next().value!); // the set stays at the limit
      event = { ...event, message: `(combined from similar events): ${event.message}` };
      key = aggregateKey;
    }

    let patch: EventPatch | undefined;
    const previous = this.#observed.get(key);
    if (previous) {
      event = { ...event, metadata: { ...event.metadata, name: previous.name }, firstTimestamp: previous.firstTimestamp, count: previous.count + 1 };
      patch = { count: event.count, lastTimestamp: event.lastTimestamp, message: event.message };
    }
    this.#observed.set(key, { name: event.metadata.name, count: event.count, firstTimestamp: event.firstTimestamp });

    let bucket = this.#spam.get(objectKey) ?? { tokens: spamBurst, lastMs: nowMs };
    bucket = { tokens: Math.min(spamBurst, bucket.tokens + (nowMs - bucket.lastMs) * spamRefillPerMs), lastMs: nowMs };
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.#spam.set(objectKey, bucket);
    return allowed ? { event, patch } : undefined;
  }

  #enqueue(event: CoreEvent, patch: EventPatch | undefined): void {
    if (this.#queued >= maxQueued) {
      // One line per burst of drops, not one per event.
      if (this.#dropped++ === 0) console.error(`skiff: ${this.#source.component}: too many events waiting to be written; dropping (first: ${event.reason} for ${event.involvedObject.name})`);
      return;
    }
    if (this.#dropped > 1) console.error(`skiff: ${this.#source.component}: dropped ${this.#dropped} events`);
    this.#dropped = 0;
    this.#queued++;
    const name = event.metadata.name;
    const write = (this.#writes.get(name) ?? Promise.resolve())
      .then(() => this.#write(event, patch))
      .finally(() => {
        this.#queued--;
        if (this.#writes.get(name) === write) this.#writes.delete(name);
      });
    this.#writes.set(name, write);
  }

  /** Writes one event; never throws. */
  async #write(event: CoreEvent, patch: EventPatch | undefined): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await this.#withSlot(() => this.#send(event, patch));
        return;
      } catch (err) {
        if (err instanceof ApiError) {
          // The server refused it: retrying would not help. A duplicate or a namespace being
          // deleted is expected and not worth a log line.
          const expected = err.code === 409 || err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
          if (!expected) console.error(`skiff: ${this.#source.component}: server rejected event ${event.metadata.namespace}/${event.metadata.name}: ${err.message}`);
          return;
        }
        if (tries >= maxTries) {
          console.error(`skiff: ${this.#source.component}: could not write event ${event.metadata.namespace}/${event.metadata.name}: ${(err as Error).message}`);
          return;
        }
        await sleep(tries === 1 ? retryDelayMs * Math.random() : retryDelayMs, undefined, { ref: false });
      }
    }
  }

  async #send(event: CoreEvent, patch: EventPatch | undefined): Promise<void> {
    const { namespace, name } = event.metadata;
    if (patch) {
      try {
        await this.#client.patch(types.events, namespace, name, 'strategic', patch);
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
        // The Event is gone (expired): record this one afresh, with its count.
      }
    }
    await this.#client.create(types.events, event);
  }

  async #withSlot(write: () => Promise<void>): Promise<void> {
    while (this.#inFlight >= maxInFlight) await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
    this.#inFlight++;
    try {
      await write();
    } finally {
      this.#inFlight--;
      this.#slotWaiters.shift()?.();
    }
  }
}

let lastNanos = 0n;

/** "<object name>.<hex unix nanoseconds>", unique within this process. */
function eventName(objectName: string, now: Date): string {
  let nanos = BigInt(now.getTime()) * 1_000_000n;
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  return `${objectName}.${nanos.toString(16)}`;
}

/** A Map that forgets its least recently used entries beyond cacheEntries. */
class Lru<V> {
  readonly #entries = new Map<string, V>();

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > cacheEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
