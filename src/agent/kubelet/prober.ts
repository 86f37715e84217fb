// The prober: one worker per running container and probe kind, probing on its period from
// the container's start plus initialDelaySeconds, keeping results with their thresholds
// (probeState.ts). Liveness and readiness wait until the startup probe has passed. A result
// that changes asks for the pod to be synced again (which restarts a container whose
// liveness or startup probe failed, and reports readiness).

import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerRuntime } from '../../runtime/runtime.ts';
import { grpcCheck } from './grpcProbe.ts';
import { execIn, httpGet, tcpSocket, type Outcome } from './handlers.ts';
import { ProbeState, probeTiming, type ProbeKind, type ProbeResult } from './probeState.ts';

export interface ProberOptions {
  runtime: ContainerRuntime;
  /** A result changed: sync the pod. */
  onChange(uid: string): void;
  /** Records the Unhealthy event. */
  unhealthy(pod: Pod, message: string): void;
}

export interface RunningContainer {
  container: Container;
  id: string;
  startedAtMs: number;
}

const kindName: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

interface Worker {
  state: ProbeState;
  containerId: string;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

export class Prober {
  readonly #options: ProberOptions;
  /** uid -> "name/kind" -> worker */
  readonly #workers = new Map<string, Map<string, Worker>>();

  constructor(options: ProberOptions) {
    this.#options = options;
  }

  /** Starts workers for containers that are new, stops those of containers gone. */
  sync(pod: Pod, podIP: string, running: RunningContainer[]): void {
    const uid = pod.metadata?.uid ?? '';
    const workers = this.#workers.get(uid) ?? new Map<string, Worker>();
    this.#workers.set(uid, workers);
    const wanted = new Set<string>();
    for (const r of running) {
      for (const kind of ['startup', 'liveness', 'readiness'] as const) {
        const probe = r.container[`${kind}Probe`];
        if (!probe) continue;
        const key = `${r.container.name}/${kind}`;
        wanted.add(key);
        const existing = workers.get(key);
        if (existing?.containerId === r.id) continue;
        if (existing) this.#stop(existing);
        const worker: Worker = { state: new ProbeState(kind, probe), containerId: r.id, timer: undefined, stopped: false };
        workers.set(key, worker);
        const { initialDelayMs } = probeTiming(probe);
        this.#schedule(worker, Math.max(0, r.startedAtMs + initialDelayMs - Date.now()), () => this.#probe(pod, podIP, r, kind, probe, worker));
      }
    }
    for (const [key, worker] of workers) {
      if (!wanted.has(key)) {
        this.#stop(worker);
        workers.delete(key);
      }
    }
  }

  /** The result for a container, or undefined if it has no such probe (or its worker is not set up yet). */
  result(uid: string, name: string, id: string, kind: ProbeKind): ProbeResult | undefined {
    const worker = this.#workers.get(uid)?.get(`${name}/${kind}`);
    if (!worker) return undefined;
    return worker.containerId === id ? worker.state.result : new ProbeState(kind, {}).result;
  }

  /**
   * Started: no startup probe, or it passed. `declared` says which probes the container's
   * spec has: one declared but not yet running (no worker yet) has not passed.
   */
  started(uid: string, name: string, id: string, declared: DeclaredProbes = {}): boolean {
    const r = this.result(uid, name, id, 'startup');
    return r === undefined ? !declared.startup : r === 'success';
  }

  /** Ready: started, and no readiness probe or it passes. */
  ready(uid: string, name: string, id: string, declared: DeclaredProbes = {}): boolean {
    const r = this.result(uid, name, id, 'readiness');
    return this.started(uid, name, id, declared) && (r === undefined ? !declared.readiness : r === 'success');
  }

  stopPod(uid: string): void {
    for (const worker of this.#workers.get(uid)?.values() ?? []) this.#stop(worker);
    this.#workers.delete(uid);
  }

  stop(): void {
    for (const uid of [...this.#workers.keys()]) this.stopPod(uid);
  }

  async #probe(pod: Pod, podIP: string, r: RunningContainer, kind: ProbeKind, probe: Probe, worker: Worker): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const { periodMs, timeoutMs } = probeTiming(probe);
    const gated = kind !== 'startup' && !this.started(uid, r.container.name, r.id);
    if (!gated && !worker.state.onHold && !(kind === 'startup' && worker.state.result === 'success')) {
      const outcome = await this.#run(probe, podIP, r, timeoutMs);
      if (worker.stopped) return;
      if (!outcome.ok) this.#options.unhealthy(pod, `${kindName[kind]} probe failed: ${outcome.message}`.trimEnd());
      if (worker.state.record(outcome.ok)) this.#options.onChange(uid);
    }
    this.#schedule(worker, periodMs, () => this.#probe(pod, podIP, r, kind, probe, worker));
  }

  #run(probe: Probe, podIP: string, r: RunningContainer, timeoutMs: number): Promise<Outcome> {
    if (probe.httpGet) return httpGet(probe.httpGet, podIP, r.container, timeoutMs);
    if (probe.tcpSocket) return tcpSocket(probe.tcpSocket, podIP, r.container, timeoutMs);
    if (probe.exec) return execIn(this.#options.runtime, r.id, probe.exec.command ?? [], timeoutMs);
    if (probe.grpc) return grpcCheck(probe.grpc, podIP, timeoutMs);
    return Promise.resolve({ ok: false, message: 'unsupported probe handler' });
  }

  #schedule(worker: Worker, delayMs: number, fn: () => Promise<void>): void {
    if (worker.stopped) return;
    worker.timer = setTimeout(() => void fn().catch((err) => console.error('skiff: prober:', err)), delayMs);
    worker.timer.unref?.();
  }

  #stop(worker: Worker): void {
    worker.stopped = true;
    clearTimeout(worker.timer);
  }
}

/** Which probes a container's spec declares. */
export interface DeclaredProbes {
  readiness?: boolean;
  startup?: boolean;
}
