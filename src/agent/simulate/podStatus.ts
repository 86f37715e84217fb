// What a simulated kubelet reports for a pod, as a pure function of the pod, the clock and
// what the simulator remembers: Pending (ContainerCreating) during the start delay, then
// Running with every container started and (unless annotated otherwise) ready, then, for
// pods that do not restart, Succeeded or Failed once their simulated run time is over.
// Conditions, container states and timestamps are shaped as kubelet v1.32 writes them.

import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from './nodeObject.ts';

/** Annotations that steer a simulated pod (tests use them). */
export const simulateAnnotations = {
  /** "false": containers start but never become ready (a rollout stalls). */
  ready: 'skiff.dev/simulate-ready',
  /** Pods that do not restart (restartPolicy Never/OnFailure) finish this many ms after starting. */
  exitAfterMs: 'skiff.dev/simulate-exit-after-ms',
  /**
   * Their exit code (default 0: Succeeded; anything else: Failed). Restarts are not
   * simulated: a restartPolicy OnFailure pod with a non-zero code just keeps running.
   */
  exitCode: 'skiff.dev/simulate-exit-code',
};

export interface PodTimes {
  /** When the simulator first saw the pod on its node (the start delay counts from here). */
  firstSeenMs: number;
  /** When its containers started, if they have. */
  startedMs: number | undefined;
}

export interface PlayContext {
  now: number;
  startDelayMs: number;
  hostIP: string;
  /** Allocates the pod's IP (called only when it first runs). */
  allocatePodIP: () => string;
}

export interface PodPlan {
  /** The status to post, or undefined when the posted one already says it. */
  status?: PodStatus;
  /** When to look again: the end of the start delay or of the run. */
  requeueAfterMs?: number;
  /** When the containers started (to remember once the status is posted). */
  startedMs?: number;
}

/** The next status of a pod bound to a simulated node. */
export function planPod(pod: Pod, times: PodTimes, ctx: PlayContext): PodPlan {
  const current = pod.status ?? {};
  if (current.phase === 'Succeeded' || current.phase === 'Failed') return {};
  const startTime = current.startTime ?? rfc3339(new Date(ctx.now));
  const startsAt = times.firstSeenMs + ctx.startDelayMs;
  if (times.startedMs === undefined && !isRunning(current) && ctx.now < startsAt) {
    return withChanges(current, creatingStatus(pod, startTime, ctx), { requeueAfterMs: startsAt - ctx.now });
  }

  const startedMs = times.startedMs ?? startedAtOf(current) ?? ctx.now;
  const podIP = current.podIP ?? (pod.spec?.hostNetwork ? ctx.hostIP : ctx.allocatePodIP());
  const exit = simulatedExit(pod);
  if (exit && ctx.now >= startedMs + exit.afterMs) {
    return withChanges(current, finishedStatus(pod, startTime, podIP, startedMs, startedMs + exit.afterMs, exit.code, ctx), { startedMs });
  }
  return withChanges(current, runningStatus(pod, startTime, podIP, startedMs, ctx), {
    startedMs,
    ...(exit ? { requeueAfterMs: startedMs + exit.afterMs - ctx.now } : {}),
  });
}

/** When a pod that does not restart finishes, if it is annotated to. */
export function simulatedExit(pod: Pod): { afterMs: number; code: number } | undefined {
  const afterMs = Number(pod.metadata?.annotations?.[simulateAnnotations.exitAfterMs]);
  if (pod.spec?.restartPolicy === 'Always' || !Number.isFinite(afterMs) || afterMs < 0) return undefined;
  const annotated = Number(pod.metadata?.annotations?.[simulateAnnotations.exitCode] ?? 0);
  const code = Number.isInteger(annotated) ? annotated : 1;
  if (code !== 0 && pod.spec?.restartPolicy === 'OnFailure') return undefined;
  return { afterMs, code };
}

// ---- the statuses

function creatingStatus(pod: Pod, startTime: string, ctx: PlayContext): PodStatus {
  const spec = pod.spec!;
  const inits = spec.initContainers ?? [];
  const waitingReason = inits.length > 0 ? 'PodInitializing' : 'ContainerCreating';
  const waiting = (c: Container, reason: string): ContainerStatus => ({ name: c.name, state: { waiting: { reason } }, lastState: {}, ready: false, restartCount: 0, image: c.image ?? '', imageID: '', started: false });
  const unready = spec.containers.map((c) => c.name);
  return {
    phase: 'Pending',
    conditions: kubeletConditions(pod, {
      PodReadyToStartContainers: { status: 'False' },
      Initialized: inits.length > 0 ? { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${inits.map((c) => c.name).join(' ')}]` } : { status: 'True' },
      Ready: notReady('ContainersNotReady', unready),
      ContainersReady: notReady('ContainersNotReady', unready),
    }, ctx.now),
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
    startTime,
    ...(inits.length > 0 ? { initContainerStatuses: inits.map((c) => waiting(c, 'PodInitializing')) } : {}),
    containerStatuses: spec.containers.map((c) => waiting(c, waitingReason)),
    qosClass: pod.status?.qosClass,
  };
}

function runningStatus(pod: Pod, startTime: string, podIP: string, startedMs: number, ctx: PlayContext): PodStatus {
  const spec = pod.spec!;
  const ready = pod.metadata?.annotations?.[simulateAnnotations.ready] !== 'false';
  const startedAt = rfc3339(new Date(startedMs));
  const unready = ready ? [] : spec.containers.map((c) => c.name);
  const containersReady = unready.length === 0 ? { status: 'True' } : notReady('ContainersNotReady', unready);
  return {
    phase: 'Running',
    conditions: kubeletConditions(pod, {
      PodReadyToStartContainers: { status: 'True' },
      Initialized: { status: 'True' },
      Ready: unready.length === 0 ? readinessGatesCondition(pod) : containersReady,
      ContainersReady: containersReady,
    }, ctx.now),
    ...addresses(ctx.hostIP, podIP),
    startTime,
    ...initStatuses(pod, startedAt, ready),
    containerStatuses: spec.containers.map((c) => ({ ...containerBase(pod, c), ready, started: true, state: { running: { startedAt } } })),
    qosClass: pod.status?.qosClass,
  };
}

function finishedStatus(pod: Pod, startTime: string, podIP: string, startedMs: number, finishedMs: number, exitCode: number, ctx: PlayContext): PodStatus {
  const spec = pod.spec!;
  const succeeded = exitCode === 0;
  const reason = succeeded ? 'PodCompleted' : 'PodFailed';
  const startedAt = rfc3339(new Date(startedMs));
  const finishedAt = rfc3339(new Date(finishedMs));
  return {
    phase: succeeded ? 'Succeeded' : 'Failed',
    conditions: kubeletConditions(pod, {
      PodReadyToStartContainers: { status: 'False' },
      Initialized: { status: 'True', ...(succeeded ? { reason } : {}) },
      Ready: { status: 'False', reason },
      ContainersReady: { status: 'False', reason },
    }, ctx.now),
    ...addresses(ctx.hostIP, podIP),
    startTime,
    ...initStatuses(pod, startedAt, false),
    containerStatuses: spec.containers.map((c) => {
      const base = containerBase(pod, c);
      const terminated = { exitCode, reason: succeeded ? 'Completed' : 'Error', startedAt, finishedAt, containerID: base.containerID };
      return { ...base, ready: false, started: false, state: { terminated } };
    }),
    qosClass: pod.status?.qosClass,
  };
}

// ---- pieces

type ConditionState = Pick<PodCondition, 'status' | 'reason' | 'message'>;

/**
 * The conditions the kubelet owns, after the ones it does not (readiness gates,
 * DisruptionTarget...), in its order; a condition keeps its lastTransitionTime while its
 * status stays the same.
 */
function kubeletConditions(pod: Pod, owned: Record<'PodReadyToStartContainers' | 'Initialized' | 'Ready' | 'ContainersReady', ConditionState>, now: number): PodCondition[] {
  const current = pod.status?.conditions ?? [];
  const all: Record<string, ConditionState> = { ...owned, PodScheduled: { status: 'True' } };
  const others = current.filter((c) => !(c.type in all));
  const time = rfc3339(new Date(now));
  return [
    ...others,
    ...Object.entries(all).map(([type, state]): PodCondition => {
      const was = current.find((c) => c.type === type);
      return { type, ...state, lastProbeTime: null as unknown as string, lastTransitionTime: was?.status === state.status ? (was.lastTransitionTime ?? time) : time };
    }),
  ];
}

function notReady(reason: string, containers: string[]): ConditionState {
  return { status: 'False', reason, message: `containers with unready status: [${containers.join(' ')}]` };
}

/** Ready once the containers are: unless a readiness gate's condition is missing or not True. */
function readinessGatesCondition(pod: Pod): ConditionState {
  for (const gate of pod.spec?.readinessGates ?? []) {
    const condition = pod.status?.conditions?.find((c) => c.type === gate.conditionType);
    if (!condition) return { status: 'False', reason: 'ReadinessGatesNotReady', message: `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.` };
    if (condition.status !== 'True') return { status: 'False', reason: 'ReadinessGatesNotReady', message: `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${condition.status}` };
  }
  return { status: 'True' };
}

/** Init containers ran to completion before the others started; sidecars (restartPolicy Always) keep running. */
function initStatuses(pod: Pod, startedAt: string, ready: boolean): Pick<PodStatus, 'initContainerStatuses'> {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return {};
  return {
    initContainerStatuses: inits.map((c): ContainerStatus => {
      const base = containerBase(pod, c);
      if (c.restartPolicy === 'Always') return { ...base, ready, started: true, state: { running: { startedAt } } };
      return { ...base, ready: true, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: startedAt, containerID: base.containerID } } };
    }),
  };
}

function containerBase(pod: Pod, c: Container): Omit<ContainerStatus, 'ready' | 'state'> {
  const image = normalizedImage(c.image ?? '');
  const repository = image.replace(/[:@][^/]*$/, '');
  return {
    name: c.name,
    lastState: {},
    restartCount: 0,
    image,
    imageID: `${repository}@sha256:${sha256(image)}`,
    containerID: `skiff-sim://${sha256(`${pod.metadata?.uid}/${c.name}`)}`,
    ...(c.volumeMounts?.length
      ? { volumeMounts: c.volumeMounts.map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) })) }
      : {}),
  };
}

function addresses(hostIP: string, podIP: string): Pick<PodStatus, 'hostIP' | 'hostIPs' | 'podIP' | 'podIPs'> {
  return { hostIP, hostIPs: [{ ip: hostIP }], podIP, podIPs: [{ ip: podIP }] };
}

/** As the container runtime reports it: docker.io/library/nginx:latest for "nginx". */
export function normalizedImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasRegistry ? image : slash < 0 ? `docker.io/library/${image}` : `docker.io/${image}`;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  if (!lastSegment.includes(':') && !name.includes('@')) name += ':latest';
  return name;
}

function isRunning(status: PodStatus): boolean {
  return status.phase === 'Running';
}

function startedAtOf(status: PodStatus): number | undefined {
  const startedAt = status.containerStatuses?.find((c) => c.state?.running?.startedAt)?.state?.running?.startedAt;
  return startedAt ? Date.parse(startedAt) : undefined;
}

/**
 * Only what matters is compared (phase, addresses, container states and readiness,
 * condition statuses), so a status the server normalizes differently is not posted again.
 */
function withChanges(current: PodStatus, desired: PodStatus, plan: Omit<PodPlan, 'status'>): PodPlan {
  return isDeepStrictEqual(essence(current), essence(desired)) ? plan : { ...plan, status: desired };
}

function essence(status: PodStatus): unknown {
  const containers = (list: ContainerStatus[] | undefined) => (list ?? []).map((c) => [c.name, Object.keys(c.state ?? {})[0], c.ready, c.started ?? false]);
  return {
    phase: status.phase,
    podIP: status.podIP,
    hostIP: status.hostIP,
    conditions: (status.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '']).sort(),
    containers: containers(status.containerStatuses),
    inits: containers(status.initContainerStatuses),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
