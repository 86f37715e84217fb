// Leader election on a coordination.k8s.io Lease, as client-go's: acquire when the lease is
// free or expired, renew every retry period, give up leadership if renewal fails for the
// renew deadline. Defaults as upstream: lease 15 s, renew deadline 10 s, retry 2 s.

import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../api/kind.ts';
import { ApiError } from '../apiserver/errors.ts';
import type { Client } from './client.ts';
import { types } from './resourceTypes.ts';

export interface LeaderElectionOptions {
  /** The Lease: kube-system/<name> (e.g. "kube-controller-manager", "kube-scheduler"). */
  name: string;
  namespace?: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called when this process becomes leader; the signal aborts when leadership is lost or on stop. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  onStoppedLeading?: () => void;
}

export interface LeaderElector {
  isLeader(): boolean;
  /** Stops trying; releases the lease if held. */
  stop(): Promise<void>;
}

/**
 * Starts competing for the lease. Unlike client-go (whose processes exit when they lose the
 * lease), a process that loses it goes back to trying to acquire it, and onStartedLeading is
 * called again when it does: skiff's apiserver lives in the same process and must not exit.
 */
export function startLeaderElection(client: Client, options: LeaderElectionOptions): LeaderElector {
  return new LeaseElector(client, options);
}

/** client-go's JitterFactor: acquire attempts are spaced retryPeriod * (1 + rand * 1.2) apart. */
const jitterFactor = 1.2;

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

class LeaseElector implements LeaderElector {
  readonly #client: Client;
  readonly #options: LeaderElectionOptions & { namespace: string; leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  readonly #stop = new AbortController();
  readonly #loop: Promise<void>;
  /** The lease as last read or written: its resourceVersion guards our next write. */
  #lease: Lease | undefined;
  /** The record last seen, and when we (by our own clock) first saw it: expiry is judged from that. */
  #observed: LeaseSpec = {};
  #observedJson = '';
  #observedAtMs = 0;
  #leading: AbortController | undefined;

  constructor(client: Client, options: LeaderElectionOptions) {
    this.#client = client;
    this.#options = {
      ...options,
      namespace: options.namespace ?? 'kube-system',
      leaseDurationMs: options.leaseDurationMs ?? 15_000,
      renewDeadlineMs: options.renewDeadlineMs ?? 10_000,
      retryPeriodMs: options.retryPeriodMs ?? 2_000,
    };
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.#options;
    if (leaseDurationMs <= renewDeadlineMs) throw new Error('leader election: the lease duration must be longer than the renew deadline');
    if (renewDeadlineMs <= retryPeriodMs * jitterFactor) throw new Error('leader election: the renew deadline must be longer than 1.2 retry periods');
    this.#loop = this.#run();
  }

  isLeader(): boolean {
    return this.#leading !== undefined;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const stopped = this.#stop.signal;
    while (await this.#acquire()) {
      const leading = new AbortController();
      this.#leading = leading;
      this.#startLeading(leading.signal);
      await this.#keepRenewing();
      this.#leading = undefined;
      leading.abort();
      if (stopped.aborted) await this.#release();
      try {
        this.#options.onStoppedLeading?.();
      } catch (err) {
        console.error(`skiff: leader election ${this.#options.name}: onStoppedLeading failed:`, err);
      }
    }
  }

  #startLeading(signal: AbortSignal): void {
    (async () => this.#options.onStartedLeading(signal))().catch((err) => {
      console.error(`skiff: leader election ${this.#options.name}: onStartedLeading failed:`, err);
    });
  }

  /** Tries until the lease is ours (true) or we are stopped (false). */
  async #acquire(): Promise<boolean> {
    const stopped = this.#stop.signal;
    while (!stopped.aborted) {
      if (await this.#tryAcquireOrRenew()) {
        if (!stopped.aborted) return true;
        await this.#release(); // stopped while that attempt was under way
        return false;
      }
      await this.#sleep(this.#options.retryPeriodMs * (1 + Math.random() * jitterFactor));
    }
    return false;
  }

  /** Renews every retry period; returns when a renewal has not succeeded within the renew deadline, or on stop. */
  async #keepRenewing(): Promise<void> {
    const { renewDeadlineMs, retryPeriodMs } = this.#options;
    while (!this.#stop.signal.aborted) {
      const deadline = performance.now() + renewDeadlineMs;
      let renewed = false;
      while (!renewed && !this.#stop.signal.aborted) {
        renewed = await within(this.#tryAcquireOrRenew(), deadline - performance.now());
        const left = deadline - performance.now();
        if (renewed || left <= 0) break;
        await this.#sleep(Math.min(retryPeriodMs, left));
      }
      if (!renewed) return;
      await this.#sleep(retryPeriodMs);
    }
  }

  /** One round of client-go's tryAcquireOrRenew. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { identity, leaseDurationMs } = this.#options;
    const now = microTime(Date.now());
    const ours: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: Math.max(1, Math.round(leaseDurationMs / 1000)), acquireTime: now, renewTime: now, leaseTransitions: 0 };

    // The leader renews optimistically from what it wrote last.
    if (this.#heldByUs() && this.#unexpired() && this.#lease) {
      try {
        await this.#write({ ...ours, acquireTime: this.#observed.acquireTime, leaseTransitions: this.#observed.leaseTransitions });
        return true;
      } catch {
        // someone else wrote it, or the server is away: read it again below
      }
    }

    let lease: Lease;
    try {
      lease = await this.#client.get<Lease>(types.leases, this.#options.namespace, this.#options.name);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) return this.#failed('reading', err);
      try {
        this.#lease = await this.#client.create<Lease>(types.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.#options.name, namespace: this.#options.namespace }, spec: ours });
        this.#observe(ours);
        return true;
      } catch (err) {
        return this.#failed('creating', err);
      }
    }
    this.#lease = lease;
    const current = lease.spec ?? {};
    const json = JSON.stringify(current);
    if (json !== this.#observedJson) {
      this.#observedJson = json;
      this.#observe(current);
    }
    if (current.holderIdentity && this.#unexpired() && !this.#heldByUs()) return false;

    const next = this.#heldByUs()
      ? { ...ours, acquireTime: current.acquireTime, leaseTransitions: current.leaseTransitions ?? 0 }
      : { ...ours, leaseTransitions: (current.leaseTransitions ?? 0) + 1 };
    try {
      await this.#write(next);
      return true;
    } catch (err) {
      return this.#failed('updating', err);
    }
  }

  /** As client-go's ReleaseOnCancel: an empty holder and a 1 s duration let the next candidate in at once. */
  async #release(): Promise<void> {
    if (!this.#heldByUs() || !this.#lease) return;
    const now = microTime(Date.now());
    try {
      await this.#write({ holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.#observed.leaseTransitions ?? 0 });
    } catch (err) {
      this.#failed('releasing', err);
    }
  }

  async #write(spec: LeaseSpec): Promise<void> {
    this.#lease = await this.#client.update<Lease>(types.leases, { ...this.#lease!, spec });
    this.#observe(spec);
    this.#observedJson = JSON.stringify(this.#lease.spec ?? {});
  }

  #observe(spec: LeaseSpec): void {
    this.#observed = spec;
    this.#observedAtMs = Date.now();
  }

  #heldByUs(): boolean {
    return this.#observed.holderIdentity === this.#options.identity;
  }

  #unexpired(): boolean {
    return this.#observedAtMs + (this.#observed.leaseDurationSeconds ?? 0) * 1000 > Date.now();
  }

  #failed(doing: string, err: unknown): false {
    // A conflict only means another candidate wrote first.
    if (!(err instanceof ApiError && err.code === 409)) {
      console.error(`skiff: leader election ${this.#options.namespace}/${this.#options.name}: ${doing} the lease: ${err instanceof Error ? err.message : err}`);
    }
    return false;
  }

  #sleep(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.#stop.signal }).catch(() => {}); // stopped: callers check
  }
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Whether attempt resolves true within ms (a slower answer counts as failure). */
function within(attempt: Promise<boolean>, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false);
  let timer: NodeJS.Timeout;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  return Promise.race([attempt, timeout]).finally(() => clearTimeout(timer));
}
