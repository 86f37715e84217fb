// SyncPod, as the kubelet's: bring one pod's sandbox and containers to what its spec asks
// (sandbox on the runtime its RuntimeClass names, volumes, init containers in order, then
// the containers with their resources, user and environment; restarts by policy with
// CrashLoopBackOff; liveness and startup failures restarted), then report its status.
// Terminating pods are stopped gracefully (preStop, SIGTERM, grace, SIGKILL) and their
// object deleted.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, LifecycleHandler, Service } from 'kubernetes-types/core/v1.js';
import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import type { Pod } from '../../api/objects.ts';
import { ApiError } from '../../apiserver/errors.ts';
import type { Client } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { types } from '../../client/resourceTypes.ts';
import type { ContainerConfig, ContainerRuntime, ContainerStatus, SandboxStatus } from '../../runtime/runtime.ts';
import type { CrashLoopBackoff } from './backoff.ts';
import { ConfigError } from './downward.ts';
import { containerResources, podResources } from './containerResources.ts';
import { containerUser } from './containerUser.ts';
import { containerArgv, containerEnv } from './envVars.ts';
import { execIn, httpGet, sleepFor, type Outcome } from './handlers.ts';
import { podStatus, isSidecar, type Waiting } from './podStatus.ts';
import type { DeclaredProbes, Prober } from './prober.ts';
import { podHostname } from './podHostname.ts';
import { ignoredWithoutRoot, ignoredWithoutRootReason } from './rootOnly.ts';
import { hasExited, isRunning, succeeded, viewOf, type RuntimeView } from './runtimeView.ts';
import { serviceEnv } from './serviceEnv.ts';
import type { StatusManager } from './statusManager.ts';
import { withFallbackMessages } from './terminationMessage.ts';
import { containerMounts, setUpVolumes, tearDownVolumes, type VolumeSources } from './volumes.ts';
import { podDnsMounts, type DnsContext } from './dnsConfig.ts';
import type { SyncResult } from './podWorkers.ts';

export interface SyncContext extends Omit<VolumeSources, 'podIPs' | 'warn'>, DnsContext {
  client: Client;
  runtime: ContainerRuntime;
  rootDir: string;
  recorder: EventRecorder;
  prober: Prober;
  backoff: CrashLoopBackoff;
  statuses: StatusManager;
  /** What the kubelet remembers per pod uid. */
  records: Map<string, PodRecord>;
  runtimeClass(name: string): RuntimeClass | undefined;
  /** The Services of a namespace and of `default` (for service link variables). */
  services(namespace: string): Service[];
  clusterDomain: string;
  /** The node's hostname (host-network pods keep it). */
  nodeHostname: string;
  /** Whether the runtime runs without root: what needs root is ignored, and each pod told so once. */
  rootless: boolean;
}

export interface PodRecord {
  sandboxId?: string;
  /** Why containers are held back, by name (reported as their waiting state). */
  waiting: Map<string, Waiting>;
  /** The runtime's view as last seen by a sync (for log and exec lookups). */
  view?: RuntimeView;
  /** Fallback termination messages read from logs, by container id. */
  messages: Map<string, string>;
}

/** upstream's minimumGracePeriodInSeconds */
const minimumGraceSeconds = 2;
const defaultGraceSeconds = 30;
/** How soon a pod held back by missing config is looked at again (changes also wake it). */
const configRetryMs = 10_000;
/** How soon a pod whose sandbox could not be created is tried again. */
const sandboxRetryMs = 10_000;

export async function syncPod(pod: Pod, ctx: SyncContext): Promise<SyncResult> {
  const uid = pod.metadata!.uid!;
  const record = recordOf(ctx, uid);
  if (pod.metadata?.deletionTimestamp) return terminatePod(pod, ctx);
  const warn = (reason: string, message: string) => ctx.recorder.event(pod, 'Warning', reason, message);
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
    // Nothing more runs; its containers stay known for their logs (also after a restart).
    const sandbox = (await ctx.runtime.listPodSandboxes()).find((s) => s.uid === uid);
    if (sandbox && !record.view) record.view = viewOf(sandbox, await ctx.runtime.listContainers(sandbox.id));
    return;
  }

  let sandbox: SandboxStatus;
  try {
    sandbox = await ensureSandbox(pod, ctx, record);
  } catch (err) {
    warn('FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
    record.view = viewOf(undefined, []);
    await writeStatus(pod, ctx, record, record.view, []);
    return { requeueAfterMs: sandboxRetryMs };
  }
  const podIPs = sandbox.ip ? [sandbox.ip] : [];
  const current = async () => viewOf(sandbox, await withFallbackMessages(pod, await ctx.runtime.listContainers(sandbox.id), record.messages));
  let view = (record.view = await current());
  const report = async () => {
    view = record.view = await current();
    await writeStatus(pod, ctx, record, view, podIPs);
  };

  let volumePaths: Map<string, string>;
  try {
    volumePaths = await setUpVolumes(pod, ctx.rootDir, { ...ctx, podIPs, warn });
  } catch (err) {
    ctx.recorder.event(pod, 'Warning', 'FailedMount', (err as Error).message);
    await report();
    return { requeueAfterMs: configRetryMs };
  }

  await killUnhealthy(pod, ctx, view);
  view = viewOf(sandbox, await ctx.runtime.listContainers(sandbox.id));

  const policy = pod.spec?.restartPolicy ?? 'Always';
  const starter: Starter = { pod, ctx, record, sandbox, volumePaths, podIPs, requeueAfterMs: undefined };
  let initialized = true;
  for (const c of pod.spec?.initContainers ?? []) {
    const latest = view.containers.get(c.name)?.latest;
    if (isSidecar(c)) {
      if (isRunning(latest)) {
        if (ctx.prober.started(uid, c.name, latest!.id)) continue;
      } else if (await startOrBackOff(starter, c, latest) && !c.startupProbe) {
        continue;
      }
      initialized = false;
      break;
    }
    if (succeeded(latest)) continue;
    initialized = false;
    if (!latest || (hasExited(latest) && policy !== 'Never')) await startOrBackOff(starter, c, latest);
    break;
  }
  if (initialized) {
    for (const c of pod.spec?.containers ?? []) {
      const latest = view.containers.get(c.name)?.latest;
      if (isRunning(latest)) continue;
      if (latest && !shouldRestart(policy, latest)) continue;
      await startOrBackOff(starter, c, latest);
    }
  }

  await report();
  const running = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((container) => {
    const latest = view.containers.get(container.name)?.latest;
    return latest?.state === 'running' ? [{ container, id: latest.id, startedAtMs: Date.parse(latest.startedAt ?? latest.createdAt) }] : [];
  });
  ctx.prober.sync(pod, podIPs[0] ?? '', running);
  return starter.requeueAfterMs === undefined ? undefined : { requeueAfterMs: starter.requeueAfterMs };
}

/** The pod object is gone (deleted with no grace, or never seen again): stop whatever runs. */
export async function cleanUpPod(uid: string, ctx: SyncContext): Promise<void> {
  ctx.prober.stopPod(uid);
  for (const sandbox of await ctx.runtime.listPodSandboxes()) {
    if (sandbox.uid !== uid) continue;
    await ctx.runtime.stopPodSandbox(sandbox.id);
    await ctx.runtime.removePodSandbox(sandbox.id);
  }
  await tearDownVolumes(ctx.rootDir, uid);
  ctx.records.delete(uid);
  ctx.backoff.forget(`${uid}/`);
  ctx.statuses.forget(uid);
}

function recordOf(ctx: SyncContext, uid: string): PodRecord {
  let record = ctx.records.get(uid);
  if (!record) ctx.records.set(uid, (record = { waiting: new Map(), messages: new Map() }));
  return record;
}

function shouldRestart(policy: string, c: ContainerStatus): boolean {
  if (!hasExited(c)) return false;
  return policy === 'Always' || (policy === 'OnFailure' && c.exitCode !== 0);
}

async function ensureSandbox(pod: Pod, ctx: SyncContext, record: PodRecord): Promise<SandboxStatus> {
  const uid = pod.metadata!.uid!;
  let sandbox = record.sandboxId ? await ctx.runtime.podSandboxStatus(record.sandboxId) : undefined;
  // After an agent restart, the pod's sandbox is adopted again.
  sandbox ??= (await ctx.runtime.listPodSandboxes()).find((s) => s.uid === uid && s.state === 'ready');
  if (sandbox?.state === 'ready') {
    record.sandboxId = sandbox.id;
    return sandbox;
  }
  if (sandbox) await ctx.runtime.removePodSandbox(sandbox.id);
  const spec = pod.spec ?? { containers: [] };
  checkRuntimeHandler(pod, ctx);
  const id = await ctx.runtime.runPodSandbox({
    uid,
    name: pod.metadata!.name!,
    namespace: pod.metadata!.namespace ?? 'default',
    hostname: podHostname(pod, ctx.clusterDomain, ctx.nodeHostname),
    hostNetwork: spec.hostNetwork ?? false,
    shareProcessNamespace: spec.shareProcessNamespace ?? false,
    resources: podResources(pod),
    labels: pod.metadata?.labels,
  });
  record.sandboxId = id;
  const status = await ctx.runtime.podSandboxStatus(id);
  if (!status) throw new Error(`sandbox ${id} vanished after it was created`);
  const ignored = ctx.rootless ? ignoredWithoutRoot(pod) : undefined;
  if (ignored) ctx.recorder.event(pod, 'Warning', ignoredWithoutRootReason, ignored);
  return status;
}

/**
 * The pod's RuntimeClass must exist and name a handler this node's runtime is (unset: the
 * default runtime); the errors are what upstream reports in FailedCreatePodSandBox.
 */
function checkRuntimeHandler(pod: Pod, ctx: SyncContext): void {
  const name = pod.spec?.runtimeClassName;
  if (!name) return;
  const runtimeClass = ctx.runtimeClass(name);
  if (!runtimeClass) throw new Error(`runtimeclasses.node.k8s.io "${name}" not found`);
  if (runtimeClass.handler !== ctx.runtime.name) throw new Error(`RuntimeHandler "${runtimeClass.handler}" not supported`);
}

/** Stops containers whose liveness or startup probe failed (they restart by policy). */
async function killUnhealthy(pod: Pod, ctx: SyncContext, view: RuntimeView): Promise<void> {
  const uid = pod.metadata!.uid!;
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    const latest = view.containers.get(c.name)?.latest;
    if (latest?.state !== 'running') continue;
    const failed = ctx.prober.result(uid, c.name, latest.id, 'startup') === 'failure' ? 'startup' : ctx.prober.result(uid, c.name, latest.id, 'liveness') === 'failure' ? 'liveness' : undefined;
    if (!failed) continue;
    await killContainer(pod, ctx, c, latest, `Container ${c.name} failed ${failed} probe, will be restarted`, graceSeconds(pod));
  }
}

interface Starter {
  pod: Pod;
  ctx: SyncContext;
  record: PodRecord;
  sandbox: SandboxStatus;
  volumePaths: Map<string, string>;
  podIPs: string[];
  /** The soonest the pod wants another look (the end of a backoff). */
  requeueAfterMs: number | undefined;
}

/** Starts the container, or (after it exited) waits out its backoff. Returns whether it started. */
async function startOrBackOff(s: Starter, c: Container, latest: ContainerStatus | undefined): Promise<boolean> {
  const { pod, ctx, record } = s;
  const uid = pod.metadata!.uid!;
  if (latest && hasExited(latest)) {
    const started = Date.parse(latest.startedAt ?? latest.createdAt);
    const finished = Date.parse(latest.finishedAt ?? latest.createdAt);
    const verdict = ctx.backoff.check(`${uid}/${c.name}`, started, finished);
    if (!verdict.restart) {
      const who = `${pod.metadata!.name}_${pod.metadata!.namespace}(${uid})`;
      record.waiting.set(c.name, { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(verdict.backoffMs)} restarting failed container=${c.name} pod=${who}` });
      ctx.recorder.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${who}`);
      s.requeueAfterMs = Math.min(s.requeueAfterMs ?? Infinity, verdict.remainingMs);
      return false;
    }
  }
  return startContainer(s, c, latest ? latest.attempt + 1 : 0);
}

async function startContainer(s: Starter, c: Container, attempt: number): Promise<boolean> {
  const { pod, ctx, record } = s;
  const ns = pod.metadata!.namespace ?? 'default';
  let env: { name: string; value: string }[];
  let user: ContainerConfig['user'];
  try {
    const links = serviceEnv(ctx.services(ns), ns, pod.spec?.enableServiceLinks ?? true);
    env = containerEnv(pod, c, { ...ctx, podIPs: s.podIPs, serviceEnv: links, warn: (reason, message) => ctx.recorder.event(pod, 'Warning', reason, message) });
    user = containerUser(pod, c);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    record.waiting.set(c.name, { reason: 'CreateContainerConfigError', message: err.message });
    ctx.recorder.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
    s.requeueAfterMs = Math.min(s.requeueAfterMs ?? Infinity, configRetryMs);
    return false;
  }
  const logDir = join(ctx.rootDir, 'logs', `${ns}_${pod.metadata!.name}_${pod.metadata!.uid}`, c.name);
  await mkdir(logDir, { recursive: true });
  let id: string;
  try {
    id = await ctx.runtime.createContainer(s.sandbox.id, {
      name: c.name,
      argv: containerArgv(c, env),
      env,
      workingDir: c.workingDir,
      user,
      resources: containerResources(c),
      mounts: [...containerMounts(c, s.volumePaths), ...(await podDnsMounts(pod, c, s.podIPs, ctx, (reason, message) => ctx.recorder.event(pod, 'Warning', reason, message)))],
      tty: c.tty ?? false,
      stdin: c.stdin ?? false,
      stdinOnce: c.stdinOnce ?? false,
      logPath: join(logDir, `${attempt}.log`),
      attempt,
    });
  } catch (err) {
    record.waiting.set(c.name, { reason: 'CreateContainerError', message: (err as Error).message });
    ctx.recorder.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
    return false;
  }
  record.waiting.delete(c.name);
  ctx.recorder.event(pod, 'Normal', 'Created', `Created container ${c.name}`);
  try {
    await ctx.runtime.startContainer(id);
  } catch (err) {
    ctx.recorder.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
    return false;
  }
  ctx.recorder.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
  await removeOldAttempts(ctx, s.sandbox.id, c.name);

  const postStart = c.lifecycle?.postStart;
  if (postStart) {
    const outcome = await runHandler(pod, ctx, c, id, postStart, s.podIPs[0] ?? '', graceSeconds(pod) * 1000);
    if (!outcome.ok) {
      ctx.recorder.event(pod, 'Warning', 'FailedPostStartHook', outcome.message);
      const status = await ctx.runtime.containerStatus(id);
      if (status) await killContainer(pod, ctx, c, status, `FailedPostStartHook`, graceSeconds(pod), false);
      return false;
    }
  }
  return true;
}

/** Keeps the newest two attempts of a container (the current one and lastState's). */
async function removeOldAttempts(ctx: SyncContext, sandboxId: string, name: string): Promise<void> {
  const view = viewOf(undefined, await ctx.runtime.listContainers(sandboxId));
  for (const old of view.containers.get(name)?.older ?? []) await ctx.runtime.removeContainer(old.id);
}

/** preStop (within the grace), then SIGTERM, then SIGKILL when the rest of the grace is over. */
async function killContainer(pod: Pod, ctx: SyncContext, c: Container, status: ContainerStatus, message: string, grace: number, preStop = true): Promise<void> {
  const startedMs = Date.now();
  ctx.recorder.event(pod, 'Normal', 'Killing', message);
  const hook = c.lifecycle?.preStop;
  if (preStop && hook && status.state === 'running') {
    const outcome = await runHandler(pod, ctx, c, status.id, hook, await podIPOf(ctx, status.sandboxId), grace * 1000);
    if (!outcome.ok) ctx.recorder.event(pod, 'Warning', 'FailedPreStopHook', outcome.message);
  }
  const left = Math.max(minimumGraceSeconds, Math.ceil(grace - (Date.now() - startedMs) / 1000));
  await ctx.runtime.stopContainer(status.id, left);
}

async function podIPOf(ctx: SyncContext, sandboxId: string): Promise<string> {
  return (await ctx.runtime.podSandboxStatus(sandboxId))?.ip ?? '';
}

function runHandler(pod: Pod, ctx: SyncContext, c: Container, id: string, handler: LifecycleHandler, podIP: string, timeoutMs: number): Promise<Outcome> {
  if (handler.exec) return execIn(ctx.runtime, id, handler.exec.command ?? [], timeoutMs);
  if (handler.httpGet) return httpGet(handler.httpGet, podIP, c, timeoutMs);
  if (handler.sleep) return sleepFor(handler.sleep.seconds);
  return Promise.resolve({ ok: false, message: `${pod.metadata?.name}: unsupported lifecycle handler` });
}

function graceSeconds(pod: Pod): number {
  return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? defaultGraceSeconds;
}

async function terminatePod(pod: Pod, ctx: SyncContext): Promise<SyncResult> {
  const uid = pod.metadata!.uid!;
  const grace = graceSeconds(pod);
  const sandboxes = (await ctx.runtime.listPodSandboxes()).filter((s) => s.uid === uid);
  ctx.prober.stopPod(uid);
  for (const sandbox of sandboxes) {
    const view = viewOf(sandbox, await ctx.runtime.listContainers(sandbox.id));
    const runningOf = (list: Container[]) => list.flatMap((c) => {
      const latest = view.containers.get(c.name)?.latest;
      return latest?.state === 'running' ? [{ c, latest }] : [];
    });
    // The containers stop together; sidecars after them, as upstream.
    await Promise.all(runningOf(pod.spec?.containers ?? []).map(({ c, latest }) => killContainer(pod, ctx, c, latest, `Stopping container ${c.name}`, grace)));
    await Promise.all(runningOf((pod.spec?.initContainers ?? []).filter(isSidecar).reverse()).map(({ c, latest }) => killContainer(pod, ctx, c, latest, `Stopping container ${c.name}`, grace)));
    await ctx.runtime.stopPodSandbox(sandbox.id);
    await ctx.runtime.removePodSandbox(sandbox.id);
  }
  await cleanUpPod(uid, ctx);
  try {
    await ctx.client.delete(types.pods, pod.metadata!.namespace, pod.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
  } catch (err) {
    if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
  }
}

async function writeStatus(pod: Pod, ctx: SyncContext, record: PodRecord, view: RuntimeView, podIPs: string[]): Promise<void> {
  const uid = pod.metadata!.uid!;
  // A reason to hold back a container ends once it runs again.
  for (const [name] of record.waiting) if (isRunning(view.containers.get(name)?.latest)) record.waiting.delete(name);
  const status = podStatus({
    pod, view, podIPs,
    runtimeName: ctx.runtime.name,
    hostIPs: ctx.hostIPs,
    waiting: record.waiting,
    ready: (name, id) => ctx.prober.ready(uid, name, id, declaredProbes(pod, name)),
    started: (name, id) => ctx.prober.started(uid, name, id, declaredProbes(pod, name)),
    now: new Date(),
  });
  await ctx.statuses.set(pod, status);
}

function declaredProbes(pod: Pod, name: string): DeclaredProbes {
  const container = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
  return { readiness: !!container?.readinessProbe, startup: !!container?.startupProbe };
}

/** Go's time.Duration formatting for whole seconds and minutes ("10s", "2m40s", "5m0s"). */
function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}
