// The status the kubelet reports for a pod, computed from the runtime's view, the
// prober's results and the reasons the kubelet holds containers back: phase, conditions,
// addresses and container statuses shaped as kubelet v1.32 writes them.

import type { Container, ContainerState, ContainerStatus as ApiContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { qosClass } from '../../api/groups/core/pod.ts';
import type { ContainerStatus } from '../../runtime/runtime.ts';
import { hasExited, isRunning, succeeded, type RuntimeView } from './runtimeView.ts';

export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  view: RuntimeView;
  runtimeName: string;
  hostIPs: string[];
  podIPs: string[];
  /** Why the kubelet holds a container back (CrashLoopBackOff, CreateContainerConfigError...), by name. */
  waiting: Map<string, Waiting>;
  /** Readiness as the prober says (containers without a readiness probe: ready once started). */
  ready(name: string, id: string): boolean;
  /** Whether the startup probe (if any) has passed. */
  started(name: string, id: string): boolean;
  now: Date;
}

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/** Init containers are done: every regular one succeeded and every sidecar started. */
export function initialized(pod: Pod, view: RuntimeView, started: StatusInput['started']): boolean {
  return (pod.spec?.initContainers ?? []).every((c) => {
    const latest = view.containers.get(c.name)?.latest;
    return isSidecar(c) ? isRunning(latest) && started(c.name, latest!.id) : succeeded(latest);
  });
}

export function podStatus(input: StatusInput): PodStatus {
  const { pod, view } = input;
  const spec = pod.spec!;
  const inits = spec.initContainers ?? [];
  const isInitialized = initialized(pod, view, input.started);
  const defaultWaiting = inits.length > 0 && !isInitialized ? 'PodInitializing' : 'ContainerCreating';
  const initContainerStatuses = inits.map((c) => containerStatus(input, c, 'PodInitializing'));
  const containerStatuses = spec.containers.map((c) => containerStatus(input, c, defaultWaiting));
  const phase = podPhase(pod, view, isInitialized, containerStatuses);
  const time = input.now.toISOString().replace(/\.\d+Z$/, 'Z');
  const current = pod.status ?? {};

  const done = phase === 'Succeeded' || phase === 'Failed';
  const doneReason = phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';
  // Sidecars count toward readiness, as upstream.
  const unready = [
    ...inits.flatMap((c, i) => (isSidecar(c) && !initContainerStatuses[i].ready ? [c.name] : [])),
    ...spec.containers.flatMap((c, i) => (containerStatuses[i].ready ? [] : [c.name])),
  ];
  const incomplete = inits.filter((c, i) => (isSidecar(c) ? !initContainerStatuses[i].started : !initContainerStatuses[i].state?.terminated || initContainerStatuses[i].state!.terminated!.exitCode !== 0)).map((c) => c.name);
  const containersReady: Omit<PodCondition, 'type'> = done
    ? { status: 'False', reason: doneReason }
    : unready.length === 0 ? { status: 'True' } : { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  const owned: Record<string, Omit<PodCondition, 'type'>> = {
    PodReadyToStartContainers: { status: view.sandbox?.state === 'ready' && !done ? 'True' : 'False' },
    Initialized: isInitialized || incomplete.length === 0
      ? { status: 'True', ...(phase === 'Succeeded' ? { reason: 'PodCompleted' } : {}) }
      : { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` },
    Ready: containersReady.status === 'True' ? readinessGates(pod) : containersReady,
    ContainersReady: containersReady,
    PodScheduled: { status: 'True' },
  };
  const others = (current.conditions ?? []).filter((c) => !(c.type in owned));
  const conditions = [
    ...others,
    ...Object.entries(owned).map(([type, state]): PodCondition => {
      const was = current.conditions?.find((c) => c.type === type);
      return { type, ...state, lastProbeTime: null as unknown as string, lastTransitionTime: was?.status === state.status ? (was.lastTransitionTime ?? time) : time };
    }),
  ];

  return {
    phase,
    conditions,
    ...(input.hostIPs.length ? { hostIP: input.hostIPs[0], hostIPs: input.hostIPs.map((ip) => ({ ip })) } : {}),
    ...(input.podIPs.length ? { podIP: input.podIPs[0], podIPs: input.podIPs.map((ip) => ({ ip })) } : {}),
    startTime: current.startTime ?? time,
    ...(inits.length ? { initContainerStatuses } : {}),
    containerStatuses,
    qosClass: current.qosClass ?? qosClass(spec),
  };
}

/** As upstream's getPhase: containers waiting for their first start keep the pod Pending. */
function podPhase(pod: Pod, view: RuntimeView, isInitialized: boolean, statuses: ApiContainerStatus[]): Phase {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  for (const c of pod.spec?.initContainers ?? []) {
    const latest = view.containers.get(c.name)?.latest;
    if (!isSidecar(c) && hasExited(latest) && !succeeded(latest) && policy === 'Never') return 'Failed';
  }
  if (!isInitialized) return 'Pending';
  let waiting = 0, running = 0, stopped = 0, succeededCount = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeededCount++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeededCount) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

function containerStatus(input: StatusInput, c: Container, defaultWaiting: string): ApiContainerStatus {
  const history = input.view.containers.get(c.name);
  const latest = history?.latest;
  const base = { name: c.name, image: c.image ?? '', imageID: '', restartCount: latest?.attempt ?? 0 };
  const held = input.waiting.get(c.name);
  if (!latest) {
    return { ...base, ready: false, started: false, state: { waiting: { reason: held?.reason ?? defaultWaiting, ...(held?.message ? { message: held.message } : {}) } }, lastState: {} };
  }
  const containerID = `${input.runtimeName}://${latest.id}`;
  if (isRunning(latest)) {
    const started = input.started(c.name, latest.id);
    return {
      ...base, containerID, started,
      ready: started && input.ready(c.name, latest.id),
      state: { running: { startedAt: latest.startedAt ?? latest.createdAt } },
      lastState: history?.previous ? { terminated: terminated(input.runtimeName, history.previous) } : {},
    };
  }
  const ended = terminated(input.runtimeName, latest);
  if (held) return { ...base, containerID, ready: false, started: false, state: { waiting: { reason: held.reason, ...(held.message ? { message: held.message } : {}) } }, lastState: { terminated: ended } };
  return {
    ...base, containerID, ready: false, started: false,
    state: { terminated: ended },
    lastState: history?.previous ? { terminated: terminated(input.runtimeName, history.previous) } : {},
  };
}

function terminated(runtimeName: string, c: ContainerStatus): NonNullable<ContainerState['terminated']> {
  const exitCode = c.exitCode ?? 0;
  return {
    exitCode,
    reason: c.reason ?? (exitCode === 0 ? 'Completed' : 'Error'),
    ...(c.message ? { message: c.message } : {}),
    startedAt: c.startedAt ?? c.createdAt,
    finishedAt: c.finishedAt ?? c.createdAt,
    containerID: `${runtimeName}://${c.id}`,
  };
}

function readinessGates(pod: Pod): Omit<PodCondition, 'type'> {
  for (const gate of pod.spec?.readinessGates ?? []) {
    const condition = pod.status?.conditions?.find((c) => c.type === gate.conditionType);
    if (!condition) return { status: 'False', reason: 'ReadinessGatesNotReady', message: `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.` };
    if (condition.status !== 'True') return { status: 'False', reason: 'ReadinessGatesNotReady', message: `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${condition.status}` };
  }
  return { status: 'True' };
}
