// The kubelet's pod side: watches the pods bound to this node, keeps one worker per pod
// syncing it against the container runtime, relists the runtime (upstream's PLEG) to notice
// containers that exited, and resyncs pods whose ConfigMaps or Secrets changed so their
// volumes follow. Node registration and heartbeats live beside it (not here).

import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';
import type { Node, Pod } from '../../api/objects.ts';
import type { Client } from '../../client/client.ts';
import { createEventRecorder, type EventRecorder } from '../../client/events.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import type { ContainerRuntime } from '../../runtime/runtime.ts';
import { CrashLoopBackoff, type Clock } from './backoff.ts';
import { PodWorkers } from './podWorkers.ts';
import { Prober } from './prober.ts';
import { cleanUpPod, syncPod, type PodRecord, type SyncContext } from './podSync.ts';
import { StatusManager } from './statusManager.ts';

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
}

export interface Kubelet {
  /** Stops syncing (running containers are left as they are, to be adopted again). */
  stop(): Promise<void>;
}

const uidIndex = 'uid';

export async function startKubelet(options: KubeletOptions): Promise<Kubelet> {
  const { client, informers, runtime, nodeName } = options;
  const pods = informers.informer<Pod>(types.pods, { fieldSelector: `spec.nodeName=${nodeName}` });
  pods.addIndex(uidIndex, (p) => (p.metadata?.uid ? [p.metadata.uid] : []));
  const nodes = informers.informer<Node>(types.nodes, { fieldSelector: `metadata.name=${nodeName}` });
  // All namespaces' ConfigMaps and Secrets: simple, but a node with few pods would rather
  // watch only those its pods use (upstream's watch-based manager); later.
  const configMaps = informers.informer<ConfigMap & Pod>(types.configMaps);
  const secrets = informers.informer<Secret & Pod>(types.secrets);
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
  return { stop };
}
