// Pod: the declaration, its `kubectl get` columns (the printer's READY, STATUS and RESTARTS
// logic), field selectors, pod-only defaults (requests from limits), the QoS class and the
// rules for creating and updating pods.

import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { since } from '../../age.ts';
import { forbidden, inclusiveRangeError, invalidValue, required } from '../../validation.ts';
import { ageColumn } from './format.ts';
import { defaultPodSpec, validatePodSpec } from './podSpec.ts';
import { validateImageWhitespace } from './containers.ts';
import { parseQuantity } from './quantity.ts';

export const pod: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  subresources: { status: true },
  columns: [
    { name: 'Ready', type: 'string', description: 'Ready containers out of all (regular and sidecar) containers.', cell: (p) => summarize(p).ready },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', cell: (p) => summarize(p).reason },
    { name: 'Restarts', type: 'string', description: 'Container restarts, and how long ago the last one was.', cell: (p) => summarize(p).restarts },
    ageColumn,
    { name: 'IP', type: 'string', priority: 1, description: 'The pod IP.', cell: (p) => p.status?.podIPs?.[0]?.ip || '<none>' },
    { name: 'Node', type: 'string', priority: 1, description: 'The node the pod is bound to.', cell: (p) => p.spec?.nodeName || '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, description: 'The node nominated by preemption.', cell: (p) => p.status?.nominatedNodeName || '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, description: 'Readiness gates that are true, out of all.', cell: readinessGates },
  ],
  fieldSelectors: {
    'spec.nodeName': (p) => p.spec?.nodeName ?? '',
    'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? '',
    'spec.schedulerName': (p) => p.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
    'status.phase': (p) => p.status?.phase ?? '',
    'status.podIP': (p) => p.status?.podIPs?.[0]?.ip ?? '',
    'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
  },
  defaults: defaultPod,
  // A new pod's status is the server's: Pending, with the QoS class its resources give it.
  // Pods on a node end gracefully: the kubelet stops them, then removes the object.
  deletion: {
    gracePeriodSeconds: (p, requested) => {
      if (!p.spec?.nodeName || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return 0;
      return Math.max(0, requested ?? p.spec?.terminationGracePeriodSeconds ?? 30);
    },
  },
  prepareForCreate: (p) => {
    p.status = { phase: 'Pending', qosClass: qosClass(p.spec ?? {}) };
  },
  validate: (p, old) => (old ? validatePodUpdate(p, old) : validatePodCreate(p)),
};

// ---- Columns ----

interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

/** The printer's view of a pod: READY "1/2", the STATUS reason and RESTARTS "3 (5m ago)". */
export function summarize(p: any, now = Date.now()): PodSummary {
  const spec = p.spec ?? {};
  const status = p.status ?? {};
  const sidecars = new Set<string>((spec.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always').map((c: any) => c.name));
  const total = (spec.containers ?? []).length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason: string = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c: any) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs.restartCount ?? 0;
    const finished = finishedAt(cs);
    lastRestart = Math.max(lastRestart, finished);
    const sidecar = sidecars.has(cs.name);
    if (sidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finished);
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (terminated) reason = `Init:${terminated.reason || (terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`)}`;
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: any[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const terminated = cs.state?.terminated;
      if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }

  if (p.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (p.metadata?.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  const restartText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, reason, restarts: restartText };
}

function finishedAt(cs: any): number {
  const at = cs.lastState?.terminated?.finishedAt;
  return at ? Date.parse(at) || 0 : 0;
}

function hasCondition(status: any, type: string): boolean {
  return (status.conditions ?? []).some((c: any) => c.type === type && c.status === 'True');
}

function readinessGates(p: any): string {
  const gates: any[] = p.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions: any[] = p.status?.conditions ?? [];
  const passing = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${passing}/${gates.length}`;
}

// ---- Defaults ----

/** Pod defaults: the pod spec's, plus what only Pods get. */
export function defaultPod(p: any): void {
  p.spec ??= {};
  defaultPodSpec(p.spec);
  for (const c of [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])]) {
    // Limits without requests request exactly the limits.
    const limits = c.resources?.limits;
    if (limits) {
      c.resources.requests ??= {};
      for (const [name, q] of Object.entries(limits)) c.resources.requests[name] ??= q;
    }
  }
  p.spec.enableServiceLinks ??= true;
  if (p.spec.hostNetwork) {
    for (const c of [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])]) {
      for (const port of c.ports ?? []) port.hostPort ||= port.containerPort;
    }
  }
}

const qosResources = ['cpu', 'memory'];

/** Guaranteed (cpu and memory limits equal requests everywhere), BestEffort (none) or Burstable. */
export function qosClass(spec: any): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const [name, q] of Object.entries(c.resources?.requests ?? {})) {
      const value = parseQuantity(q as string) ?? 0;
      if (qosResources.includes(name) && value > 0) requests.set(name, (requests.get(name) ?? 0) + value);
    }
    const limited = new Set<string>();
    for (const [name, q] of Object.entries(c.resources?.limits ?? {})) {
      const value = parseQuantity(q as string) ?? 0;
      if (qosResources.includes(name) && value > 0) {
        limited.add(name);
        limits.set(name, (limits.get(name) ?? 0) + value);
      }
    }
    if (!qosResources.every((r) => limited.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) for (const [name, req] of requests) if (limits.get(name) !== req) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

// ---- Validation ----

function validatePodMetadataAndSpec(p: any): FieldError[] {
  const spec = p.spec ?? {};
  const errs = validatePodSpec(spec, 'spec', { isPod: true });
  if (!spec.serviceAccountName) {
    (spec.volumes ?? []).forEach((v: any, i: number) =>
      (v.projected?.sources ?? []).forEach((s: any, j: number) => {
        if (s.serviceAccountToken) {
          errs.push(forbidden(`spec.volumes[${i}].projected.sources[${j}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      }),
    );
  }
  (spec.containers ?? []).forEach((c: any, i: number) => errs.push(...validateImageWhitespace(c, `spec.containers[${i}]`)));
  (spec.initContainers ?? []).forEach((c: any, i: number) => errs.push(...validateImageWhitespace(c, `spec.initContainers[${i}]`)));
  return errs;
}

function validatePodCreate(p: any): FieldError[] {
  const errs = validatePodMetadataAndSpec(p);
  // Ephemeral containers are only added later, through the ephemeralcontainers subresource.
  if (p.spec?.ephemeralContainers?.length) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (p.spec?.nodeName && p.spec?.schedulingGates?.length) errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  return errs;
}

const updatableFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/**
 * Upstream's ValidatePodUpdate: a pod's spec is fixed except images, a shrinking active
 * deadline, added tolerations and removed scheduling gates. One deliberate difference:
 * nodeName may go from empty to set, since skiff's binding is an update of the pod.
 */
function validatePodUpdate(p: any, old: any): FieldError[] {
  const errs = validatePodMetadataAndSpec(p);
  const spec = p.spec ?? {};
  const was = old.spec ?? {};
  for (const list of ['containers', 'initContainers'] as const) {
    const now: any[] = spec[list] ?? [];
    if (now.length !== (was[list] ?? []).length) {
      errs.push(forbidden(`spec.${list}`, 'pod updates may not add or remove containers'));
      return errs;
    }
    now.forEach((c, i) => {
      if (!c.image) errs.push(required(`spec.${list}[${i}].image`, ''));
    });
  }
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null) {
    if (deadline < 0 || deadline > 2147483647) return [...errs, invalidValue('spec.activeDeadlineSeconds', deadline, inclusiveRangeError(0, 2147483647))];
    if (was.activeDeadlineSeconds !== undefined && was.activeDeadlineSeconds < deadline) {
      return [...errs, invalidValue('spec.activeDeadlineSeconds', deadline, 'must be less than or equal to previous value')];
    }
  } else if (was.activeDeadlineSeconds !== undefined) {
    errs.push(invalidValue('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateAddedTolerations(spec.tolerations, was.tolerations));
  errs.push(...validateRemovedSchedulingGates(spec.schedulingGates, was.schedulingGates));
  if (isDeepStrictEqual(spec, was)) return errs;

  const munged = structuredClone(spec);
  for (const list of ['containers', 'initContainers'] as const) (munged[list] ?? []).forEach((c: any, i: number) => (c.image = was[list][i].image));
  setOrDelete(munged, 'activeDeadlineSeconds', was.activeDeadlineSeconds);
  setOrDelete(munged, 'schedulingGates', was.schedulingGates);
  setOrDelete(munged, 'tolerations', was.tolerations);
  if (!was.nodeName) setOrDelete(munged, 'nodeName', was.nodeName);
  if ((was.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = was.terminationGracePeriodSeconds;
  if (was.schedulingGates?.length) {
    // A gated pod may gain node selector entries (never change or lose them).
    const before: Record<string, string> = was.nodeSelector ?? {};
    const after: Record<string, string> = munged.nodeSelector ?? {};
    if (Object.entries(before).some(([k, v]) => after[k] !== v)) {
      errs.push(invalidValue('spec.nodeSelector', after, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    setOrDelete(munged, 'nodeSelector', was.nodeSelector);
  }
  if (!isDeepStrictEqual(munged, was)) errs.push(forbidden('spec', `pod updates may not change fields other than ${updatableFields.join(',')}`));
  return errs;
}

function setOrDelete(obj: any, key: string, value: unknown): void {
  if (value === undefined) delete obj[key];
  else obj[key] = structuredClone(value);
}

function validateAddedTolerations(now: any[] | undefined, was: any[] | undefined): FieldError[] {
  for (const old of was ?? []) {
    const kept = (now ?? []).some((t) => isDeepStrictEqual(withoutSeconds(old), withoutSeconds(t)));
    if (!kept) return [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

function withoutSeconds(t: any): any {
  const { tolerationSeconds: _seconds, ...rest } = t;
  return rest;
}

function validateRemovedSchedulingGates(now: any[] | undefined, was: any[] | undefined): FieldError[] {
  const old = new Set((was ?? []).map((g) => g.name));
  const errs: FieldError[] = [];
  (now ?? []).forEach((g, i) => {
    if (!old.has(g.name)) errs.push(forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${g.name}'`));
  });
  return errs;
}
