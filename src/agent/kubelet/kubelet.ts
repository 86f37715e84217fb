// The kubelet's pod side: watches the pods bound to this node, keeps one worker per pod
// syncing it against the container runtime, relists the runtime (upstream's PLEG) to notice
// containers that exited, and resyncs pods whose ConfigMaps or Secrets changed so their
// volumes follow. It also watches Services (for service link variables) and RuntimeClasses.
// Node registration and heartbeats live beside it (not here).

import { readdir } from 'node:fs/promises';
import * as os from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';
import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import { runtimeClass as runtimeClassKind } from '../../api/groups/cluster/runtimeClass.ts';
import type { KubeObject } from '../../api/kind.ts';
import type { Node, Pod, Service } from '../../api/objects.ts';
import type { Client } from '../../client/client.ts';
import { createEventRecorder, type EventRecorder } from '../../client/events.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { resourceTypeOf, types } from '../../client/resourceTypes.ts';
import type { ContainerRuntime } from '../../runtime/runtime.ts';
import { CrashLoopBackoff, type Clock } from './backoff.ts';
import { defaultClusterDNS, defaultPodResolvConf } from './dnsConfig.ts';
import { defaultClusterDomain } from './podHostname.ts';
import { PodWorkers } from './podWorkers.ts';
import { Prober } from './prober.ts';
import { cleanUpPod, syncPod, type PodRecord, type SyncContext } from './podSync.ts';
import { StatusManager } from './statusManager.ts';
import { tearDownVolumes } from './volumes.ts';

export interface KubeletOptions {
  client: Client;
  informers: InformerFactory;
  runtime: ContainerRuntime;
  nodeName: string;
  /** Pod volumes and logs go under it. */
  rootDir: string;
  signal: AbortSignal;
  /** How often the runtime is relisted for exits (upstream's PLEG: 1 s). */
  relistIntervalMs?: number;
  /** Used until the Node reports an InternalIP. */
  hostIP?: string;
  recorder?: EventRecorder;
  /** For the CrashLoopBackOff clock (tests). */
  now?: Clock;
  /** Default cluster.local. */
  clusterDomain?: string;
  /** The cluster DNS Service's addresses, the nameservers of ClusterFirst pods; default 10.43.0.10. */
  clusterDNS?: string[];
  /** The host resolv.conf pods start from; default /etc/resolv.conf (systemd-resolved's list when that names only its stub). */
  resolvConf?: string;
  /** Whether memory-medium emptyDirs may be mounted as tmpfs; default: when running as root. */
  canMount?: boolean;
  /** Whether the runtime runs without root (no limits, users or privileges): pods asking for them get a Warning. Default false. */
  rootless?: boolean;
}

/** A container's runtime identity and log, for logs, exec and attach. */
export interface ContainerRef {
  containerId: string;
  sandboxId: string;
  logPath: string;
}

export interface Kubelet {
  /**
   * The pod's container (the only one of spec.containers when no name is given), or with
   * `previous` its last terminated instance (`kubectl logs --previous`); undefined when the
   * pod is not on this node or has no such instance.
   */
  findContainer(namespace: string, podName: string, containerName: string | undefined, previous: boolean): ContainerRef | undefined;
  /** The pod's containers, then its init and ephemeral containers; undefined when the pod is not on this node. */
  containerNames(namespace: string, podName: string): string[] | undefined;
  /** Stops syncing (running containers are left as they are, to be adopted again). */
  stop(): Promise<void>;
}

const uidIndex = 'uid';
const masterNamespace = 'default';

export async function startKubelet(options: KubeletOptions): Promise<Kubelet> {
  const { client, informers, runtime, nodeName } = options;
  const pods = informers.informer<Pod>(types.pods, { fieldSelector: `spec.nodeName=${nodeName}` });
  pods.addIndex(uidIndex, (p) => (p.metadata?.uid ? [p.metadata.uid] : []));
  const nodes = informers.informer<Node>(types.nodes, { fieldSelector: `metadata.name=${nodeName}` });
  // All namespaces' ConfigMaps and Secrets: simple, but a node with few pods would rather
  // watch only those its pods use (upstream's watch-based manager); later.
  const configMaps = informers.informer<ConfigMap & Pod>(types.configMaps);
  const secrets = informers.informer<Secret & Pod>(types.secrets);
  const services = informers.informer<Service>(types.services);
  const runtimeClasses = informers.informer<RuntimeClass & KubeObject>(resourceTypeOf(runtimeClassKind));
  const recorder = options.recorder ?? createEventRecorder(client, 'kubelet', nodeName);

  const records = new Map<string, PodRecord>();
  const node = () => nodes.get(undefined, nodeName);
  const workers = new PodWorkers((uid) => sync(uid));
  const prober = new Prober({
    runtime,
    onChange: (uid) => workers.enqueue(uid),
    unhealthy: (pod, message) => recorder.event(pod as Pod, 'Warning', 'Unhealthy', message),
  });
  const ctx: SyncContext = {
    client, runtime, recorder, prober, records,
    rootDir: options.rootDir,
    backoff: new CrashLoopBackoff(options.now),
    statuses: new StatusManager(client),
    configMap: (ns, name) => configMaps.get(ns, name),
    secret: (ns, name) => secrets.get(ns, name),
    runtimeClass: (name) => runtimeClasses.get(undefined, name),
    services: (ns) => (ns === masterNamespace ? services.list(ns) : [...services.list(ns), ...services.list(masterNamespace)]),
    clusterDomain: options.clusterDomain ?? defaultClusterDomain,
    clusterDNS: options.clusterDNS ?? defaultClusterDNS,
    resolvConf: options.resolvConf ?? defaultPodResolvConf(),
    nodeHostname: os.hostname(),
    canMount: options.canMount ?? (process.getuid?.() === 0 && process.platform === 'linux'),
    rootless: options.rootless ?? false,
    get allocatable() {
      return node()?.status?.allocatable ?? {};
    },
    get hostIPs() {
      const ip = node()?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? options.hostIP;
      return ip ? [ip] : [];
    },
  };

  const sync = async (uid: string) => {
    if (options.signal.aborted) return;
    const pod = pods.byIndex(uidIndex, uid)[0];
    if (!pod) return cleanUpPod(uid, ctx);
    return syncPod(pod, ctx);
  };

  const enqueuePod = (pod: Pod) => pod.metadata?.uid && workers.enqueue(pod.metadata.uid);
  pods.addHandler({ onAdd: enqueuePod, onUpdate: (_old, pod) => enqueuePod(pod), onDelete: enqueuePod });
  const enqueueNamespace = (obj: { metadata?: { namespace?: string } }) => {
    for (const pod of pods.list(obj.metadata?.namespace)) enqueuePod(pod);
  };
  for (const informer of [configMaps, secrets]) {
    informer.addHandler({ onAdd: enqueueNamespace, onUpdate: (_old, obj) => enqueueNamespace(obj), onDelete: enqueueNamespace });
  }
  informers.start();
  await informers.waitForSync(options.signal);
  await removeOrphanedPodDirs(options.rootDir, new Set(pods.list().map((p) => p.metadata?.uid ?? '')), runtime);

  // PLEG: a relist that finds a pod's containers changed (or a sandbox of a pod no longer
  // bound here) syncs that pod.
  const seen = new Map<string, string>();
  const relist = async () => {
    const sandboxes = await runtime.listPodSandboxes();
    const bySandbox = new Map<string, string>();
    for (const c of await runtime.listContainers()) bySandbox.set(c.sandboxId, `${bySandbox.get(c.sandboxId) ?? ''}|${c.id}:${c.state}`);
    const now = new Map<string, string>();
    for (const s of sandboxes) now.set(s.uid, `${now.get(s.uid) ?? ''}${s.id}:${s.state}${bySandbox.get(s.id) ?? ''}`);
    for (const [uid, signature] of now) if (seen.get(uid) !== signature) workers.enqueue(uid);
    seen.clear();
    for (const [uid, signature] of now) seen.set(uid, signature);
  };
  let relisting = false;
  const timer = setInterval(() => {
    if (relisting) return;
    relisting = true;
    relist().catch((err) => console.error('skiff: kubelet: relist failed:', err)).finally(() => (relisting = false));
  }, options.relistIntervalMs ?? 1_000);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      clearInterval(timer);
      prober.stop();
      await workers.stop();
      await recorder.flush();
    })());
  options.signal.addEventListener('abort', () => void stop(), { once: true });

  const podOn = (namespace: string, name: string) => pods.get(namespace, name);
  return {
    findContainer(namespace, podName, containerName, previous) {
      const pod = podOn(namespace, podName);
      const view = pod && records.get(pod.metadata?.uid ?? '')?.view;
      if (!pod || !view) return undefined;
      const containers = pod.spec?.containers ?? [];
      const name = containerName ?? (containers.length === 1 ? containers[0]!.name : undefined);
      const history = name === undefined ? undefined : view.containers.get(name);
      const found = previous ? history?.previous : history?.latest;
      return found && { containerId: found.id, sandboxId: found.sandboxId, logPath: found.logPath };
    },
    containerNames(namespace, podName) {
      const spec = podOn(namespace, podName)?.spec;
      return spec && [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
    },
    stop,
  };
}

/** Pod directories left by pods that went while no kubelet ran (and have no sandbox left): their volumes are removed. */
async function removeOrphanedPodDirs(rootDir: string, known: Set<string>, runtime: ContainerRuntime): Promise<void> {
  const withSandbox = new Set((await runtime.listPodSandboxes()).map((s) => s.uid));
  const dirs = await readdir(join(rootDir, 'pods')).catch(() => [] as string[]);
  for (const uid of dirs) if (!known.has(uid) && !withSandbox.has(uid)) await tearDownVolumes(rootDir, uid);
}
