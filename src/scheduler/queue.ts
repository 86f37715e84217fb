// The scheduling queue, as upstream's PriorityQueue: pods wait in the active queue (highest
// priority first, then longest waiting), a pod that failed waits out its backoff (1 s
// doubling per attempt up to 10 s) in the backoff queue, and a pod no node fits waits in the
// unschedulable set until a cluster event could change that (as judged by the plugins that
// rejected it) or 5 minutes pass. Pods with scheduling gates wait until the gates are gone.

import type { Pod } from './objects.ts';
import type { ClusterEvent } from './framework.ts';
import { Heap } from './heap.ts';
import { podInfoOf, podKey, type PodInfo } from './podInfo.ts';

export interface QueuedPod {
  info: PodInfo;
  /** When it last entered the queue: orders pods of equal priority and starts its backoff. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** The plugins that rejected it in its last attempt (empty after an error). */
  rejectors: Set<string>;
  where: 'active' | 'backoff' | 'unschedulable' | 'gated' | 'inFlight';
  /** Enqueue order, for pods entering in the same millisecond. */
  seq: number;
}

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod may sit unschedulable without an event before it is retried anyway. */
  maxUnschedulableMs?: number;
  /** Whether the event could make the pod schedulable (upstream's queueing hints for the plugins that rejected it). */
  worthRequeuing(pod: QueuedPod, event: ClusterEvent): boolean;
}

const unschedulableFlushIntervalMs = 30_000;

export class SchedulingQueue {
  readonly #pods = new Map<string, QueuedPod>();
  readonly #active = new Heap<QueuedPod>((a, b) => a.info.priority > b.info.priority || (a.info.priority === b.info.priority && before(a, b)));
  readonly #backoff = new Heap<QueuedPod>((a, b) => this.#backoffExpiry(a) < this.#backoffExpiry(b));
  readonly #unschedulable = new Set<QueuedPod>();
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #maxUnschedulableMs: number;
  readonly #worthRequeuing: QueueOptions['worthRequeuing'];
  #waiting: (() => void) | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #backoffTimerAt = Infinity;
  readonly #flushTimer: NodeJS.Timeout;
  #seq = 0;
  #closed = false;

  constructor(options: QueueOptions) {
    this.#initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.#maxUnschedulableMs = options.maxUnschedulableMs ?? 5 * 60_000;
    this.#worthRequeuing = options.worthRequeuing;
    this.#flushTimer = setInterval(() => this.#flushUnschedulable(), unschedulableFlushIntervalMs);
  }

  /** Pods in each part of the queue (for tests and metrics). */
  get counts(): Record<QueuedPod['where'], number> {
    const counts = { active: 0, backoff: 0, unschedulable: 0, gated: 0, inFlight: 0 };
    for (const qp of this.#pods.values()) counts[qp.where]++;
    return counts;
  }

  add(pod: Pod): void {
    const info = podInfoOf(pod);
    const existing = this.#pods.get(info.key);
    if (existing) return this.#replace(existing, existing.info.pod, info);
    const qp: QueuedPod = { info, timestamp: Date.now(), attempts: 0, rejectors: new Set(), where: 'gated', seq: this.#seq++ };
    this.#pods.set(info.key, qp);
    if (!gated(pod)) this.#toActive(qp);
  }

  update(old: Pod, pod: Pod): void {
    const info = podInfoOf(pod);
    const qp = this.#pods.get(info.key);
    if (!qp) return this.add(pod);
    this.#replace(qp, old, info);
  }

  delete(pod: Pod): void {
    const qp = this.#pods.get(podKey(pod));
    if (qp) this.#remove(qp);
  }

  /** The next pod to schedule, waiting for one; undefined once the queue is closed. */
  async pop(): Promise<QueuedPod | undefined> {
    while (!this.#closed) {
      const qp = this.#active.pop();
      if (qp) {
        qp.where = 'inFlight';
        qp.attempts++;
        return qp;
      }
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
    return undefined;
  }

  /** The attempt placed the pod: it leaves the queue. */
  done(qp: QueuedPod): void {
    if (this.#pods.get(qp.info.key) === qp) this.#remove(qp);
  }

  /**
   * The attempt failed: rejected by plugins, the pod waits for an event one of them cares
   * about; after an error (no rejectors), it waits out its backoff.
   */
  requeue(qp: QueuedPod, rejectors: Set<string>): void {
    if (this.#pods.get(qp.info.key) !== qp || qp.where !== 'inFlight') return; // deleted or bound meanwhile
    qp.timestamp = Date.now();
    qp.seq = this.#seq++;
    qp.rejectors = rejectors;
    if (rejectors.size === 0) this.#toBackoff(qp);
    else {
      qp.where = 'unschedulable';
      this.#unschedulable.add(qp);
    }
  }

  /** Moves the unschedulable pods the event could help to the active queue (or to backoff if theirs is not over). */
  onEvent(event: ClusterEvent): void {
    for (const qp of this.#unschedulable) if (this.#worthRequeuing(qp, event)) this.#activateOrBackoff(qp);
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#flushTimer);
    clearTimeout(this.#backoffTimer);
    this.#wake();
  }

  #replace(qp: QueuedPod, old: Pod | undefined, info: PodInfo): void {
    qp.info = info;
    if (qp.where === 'gated' && !gated(info.pod)) this.#toActive(qp);
    else if (qp.where === 'unschedulable' && schedulingPropertiesChanged(old, info.pod)) this.#activateOrBackoff(qp);
  }

  #remove(qp: QueuedPod): void {
    this.#pods.delete(qp.info.key);
    this.#active.delete(qp);
    this.#backoff.delete(qp);
    this.#unschedulable.delete(qp);
  }

  #activateOrBackoff(qp: QueuedPod): void {
    this.#unschedulable.delete(qp);
    if (this.#backoffExpiry(qp) > Date.now()) this.#toBackoff(qp);
    else this.#toActive(qp);
  }

  #toActive(qp: QueuedPod): void {
    qp.where = 'active';
    this.#active.push(qp);
    this.#wake();
  }

  #toBackoff(qp: QueuedPod): void {
    qp.where = 'backoff';
    this.#backoff.push(qp);
    this.#armBackoffTimer();
  }

  /** When the pod's backoff ends: 1 s after its last failure, doubling per further attempt, at most 10 s. */
  #backoffExpiry(qp: QueuedPod): number {
    if (qp.attempts === 0) return qp.timestamp;
    const backoff = Math.min(this.#maxBackoffMs, this.#initialBackoffMs * 2 ** Math.min(qp.attempts - 1, 30));
    return qp.timestamp + backoff;
  }

  #armBackoffTimer(): void {
    const next = this.#backoff.peek();
    if (!next || this.#closed) return;
    const at = this.#backoffExpiry(next);
    if (this.#backoffTimer && this.#backoffTimerAt <= at) return;
    clearTimeout(this.#backoffTimer);
    this.#backoffTimerAt = at;
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      this.#backoffTimerAt = Infinity;
      const now = Date.now();
      for (let qp = this.#backoff.peek(); qp && this.#backoffExpiry(qp) <= now; qp = this.#backoff.peek()) {
        this.#backoff.delete(qp);
        this.#toActive(qp);
      }
      this.#armBackoffTimer();
    }, Math.max(0, at - Date.now()));
  }

  #flushUnschedulable(): void {
    const now = Date.now();
    for (const qp of this.#unschedulable) if (now - qp.timestamp > this.#maxUnschedulableMs) this.#activateOrBackoff(qp);
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }
}

function before(a: QueuedPod, b: QueuedPod): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}

function gated(pod: Pod): boolean {
  return (pod.spec?.schedulingGates?.length ?? 0) > 0;
}

/** Changes to a waiting pod that can change where it fits: labels (self-affinity, spreading) and tolerations. */
function schedulingPropertiesChanged(old: Pod | undefined, pod: Pod): boolean {
  if (!old) return true;
  return JSON.stringify(old.metadata?.labels) !== JSON.stringify(pod.metadata?.labels) || JSON.stringify(old.spec?.tolerations) !== JSON.stringify(pod.spec?.tolerations);
}
