// One probe's result as the kubelet's prober keeps it: a result only changes after
// failureThreshold failures or successThreshold successes in a row; readiness starts as
// failed, liveness as passed, startup as unknown (not started). A liveness or startup failure
// holds the probe until the container restarts.

import type { Probe } from 'kubernetes-types/core/v1.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
export type ProbeResult = 'success' | 'failure' | 'unknown';

/** A probe's timing fields with upstream's defaults. */
export function probeTiming(probe: Probe) {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: (probe.periodSeconds || 10) * 1000,
    timeoutMs: (probe.timeoutSeconds || 1) * 1000,
    successThreshold: probe.successThreshold || 1,
    failureThreshold: probe.failureThreshold || 3,
  };
}

export class ProbeState {
  readonly kind: ProbeKind;
  result: ProbeResult;
  /** Failed liveness/startup: no more probing until the container restarts. */
  onHold = false;
  #last: ProbeResult = 'unknown';
  #run = 0;
  readonly #successThreshold: number;
  readonly #failureThreshold: number;

  constructor(kind: ProbeKind, probe: Probe) {
    this.kind = kind;
    this.result = initialResult(kind);
    const { successThreshold, failureThreshold } = probeTiming(probe);
    this.#successThreshold = successThreshold;
    this.#failureThreshold = failureThreshold;
  }

  /** Counts one probe outcome; returns whether the result changed. */
  record(success: boolean): boolean {
    if (this.onHold) return false;
    const outcome: ProbeResult = success ? 'success' : 'failure';
    this.#run = outcome === this.#last ? this.#run + 1 : 1;
    this.#last = outcome;
    if ((outcome === 'failure' && this.#run < this.#failureThreshold) || (outcome === 'success' && this.#run < this.#successThreshold)) return false;
    const changed = this.result !== outcome;
    this.result = outcome;
    if (outcome === 'failure' && this.kind !== 'readiness') {
      this.#run = 0;
      this.onHold = true;
    }
    return changed;
  }

  /** The container is (re)started: begin again. */
  reset(): void {
    this.result = initialResult(this.kind);
    this.onHold = false;
    this.#last = 'unknown';
    this.#run = 0;
  }
}

function initialResult(kind: ProbeKind): ProbeResult {
  return kind === 'readiness' ? 'failure' : kind === 'liveness' ? 'success' : 'unknown';
}
