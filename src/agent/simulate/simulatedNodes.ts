// Simulated nodes, kwok-style: N Nodes that register, heartbeat and play the pods bound to
// them without running anything, so the control plane can be driven at scale before (and
// beside) real nodes. One process holds thousands: heartbeats come from one timer wheel,
// pods from one informer and one work queue.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { Client } from '../../client/client.ts';
import { keyOf, splitKey, type InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { AddressPool, defaultPodCIDR, networkOf, nodeAddress } from './addresses.ts';
import { conditionsOutdated, defaultCapacity, defaultLeaseDurationSeconds, nodeObject, nodeStatus, type SimulatedNode } from './nodeObject.ts';
import { planPod } from './podStatus.ts';
import { TimerWheel } from './timerWheel.ts';
import { isApiError, renewNodeLease } from '../node/nodeLease.ts';
import type { Lease, Node, Pod } from '../../api/objects.ts';

export interface SimulatedNodesOptions {
  count: number;
  /** Nodes are <prefix>0 .. <prefix>N-1. Default "sim-". */
  namePrefix?: string;
  /** Merged over 8 cpu, 32Gi memory, 110 pods, 100Gi ephemeral storage. */
  capacity?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** How long a pod stays Pending (ContainerCreating) before it runs. Default 0. */
  startDelayMs?: number;
  /** Where pod IPs come from. Default 10.<128+n>.0.0/16, n from the name prefix. */
  podCIDR?: string;
  /**
   * The Lease's duration (default 40 s, as the kubelet's --node-lease-duration-seconds); it is
   * renewed every quarter of that. Shorter for clusters with a short node grace period.
   */
  leaseDurationSeconds?: number;
  /** Aborting stops the nodes, as stop() does. */
  signal: AbortSignal;
}

export interface SimulatedNodes {
  nodeNames: string[];
  /** Stops heartbeats and pod handling: the nodes go silent (they stay registered). */
  stop(): Promise<void>;
}

/** As the kubelet: the status is reported every 5 min unless it changed. */
const statusReportIntervalMs = 5 * 60_000;
/** The wheel turns 100 times per lease renewal interval (every 100 ms by default). */
const wheelSlots = 100;
/** Writes in flight while registering. */
const registerConcurrency = 64;
const podWorkers = 32;

interface NodeState {
  node: SimulatedNode;
  uid: string | undefined;
  /** The lease as last written (renewals update it without a read). */
  lease: Lease | undefined;
  lastReportMs: number;
  /** A heartbeat failed: post the status again once one succeeds. */
  dirty: boolean;
  busy: boolean;
}

interface PodState {
  uid: string;
  firstSeenMs: number;
  startedMs: number | undefined;
  ip: string | undefined;
}

/**
 * Registers the nodes (resolves once all are), then keeps them alive and plays their pods
 * until stopped. Starts `informers` (it adds the nodes and pods informers to them).
 */
export async function startSimulatedNodes(client: Client, informers: InformerFactory, options: SimulatedNodesOptions): Promise<SimulatedNodes> {
  const prefix = options.namePrefix ?? 'sim-';
  const network = networkOf(prefix);
  const podCIDR = options.podCIDR ?? defaultPodCIDR(network);
  const pool = new AddressPool(podCIDR);
  const startDelayMs = options.startDelayMs ?? 0;
  const leaseDuration = options.leaseDurationSeconds ?? defaultLeaseDurationSeconds;
  const capacity = { ...defaultCapacity, ...options.capacity };
  const states = new Map<string, NodeState>();
  for (let i = 0; i < options.count; i++) {
    const name = `${prefix}${i}`;
    const node: SimulatedNode = { name, address: nodeAddress(network, i), capacity, labels: options.labels ?? {}, taints: options.taints ?? [], podCIDR };
    states.set(name, { node, uid: undefined, lease: undefined, lastReportMs: 0, dirty: false, busy: false });
  }

  const nodeInformer = informers.informer<Node>(types.nodes);
  const podInformer = informers.informer<Pod>(types.pods);
  informers.start();

  let stopped = false;
  const halted = new AbortController(); // wakes registration retries on stop
  const inflight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };
  const warn = throttledWarning();

  // ---- node heartbeats

  const registerNode = async (state: NodeState) => {
    const { name } = state.node;
    let node: Node;
    try {
      node = await client.create<Node>(types.nodes, nodeObject(state.node));
    } catch (err) {
      if (!isApiError(err, 409)) throw err;
      node = await client.get<Node>(types.nodes, undefined, name); // registered before: take it over
    }
    state.uid = node.metadata?.uid;
    await postStatus(state, node);
    await renewLease(state);
  };

  const postStatus = async (state: NodeState, posted: Node | undefined) => {
    const now = Date.now();
    const status = nodeStatus(state.node, posted?.status, new Date(now));
    await client.patch(types.nodes, undefined, state.node.name, 'merge', { status }, { subresource: 'status' });
    state.lastReportMs = now;
  };

  const renewLease = async (state: NodeState) => {
    state.lease = await renewNodeLease(client, state.lease, { nodeName: state.node.name, nodeUid: state.uid, leaseDurationSeconds: leaseDuration });
  };

  const heartbeat = async (state: NodeState) => {
    const posted = nodeInformer.hasSynced() ? nodeInformer.get(undefined, state.node.name) : undefined;
    if (nodeInformer.hasSynced() && !posted) return; // deleted: a kubelet does not register again, it goes silent
    try {
      await renewLease(state);
      const outdated = posted ? conditionsOutdated(posted.status) : false;
      if (state.dirty || outdated || Date.now() - state.lastReportMs >= statusReportIntervalMs) await postStatus(state, posted);
      state.dirty = false;
    } catch (err) {
      state.dirty = true;
      warn(`heartbeat of node ${state.node.name} failed`, err);
    }
  };

  const renewIntervalMs = (leaseDuration * 1000) / 4;
  const wheel = new TimerWheel<NodeState>(renewIntervalMs, Math.max(10, renewIntervalMs / wheelSlots), (members) => {
    for (const state of members) {
      if (state.busy || stopped) continue;
      state.busy = true;
      track(heartbeat(state).finally(() => (state.busy = false)));
    }
  });

  // ---- pods

  const pods = new Map<string, PodState>();
  const forgetPod = (key: string) => {
    const state = pods.get(key);
    if (state?.ip) pool.release(state.ip);
    pods.delete(key);
  };
  const podStateOf = (key: string, pod: Pod): PodState => {
    const known = pods.get(key);
    if (known && known.uid === pod.metadata?.uid) return known;
    forgetPod(key);
    // A pod found running (the simulator restarted) keeps its address.
    const ip = pod.status?.podIP && pool.reserve(pod.status.podIP) ? pod.status.podIP : undefined;
    const state: PodState = { uid: pod.metadata?.uid ?? '', firstSeenMs: Date.now(), startedMs: undefined, ip };
    pods.set(key, state);
    return state;
  };

  const syncPod = async (key: string): Promise<void | { requeueAfterMs: number }> => {
    const { namespace, name } = splitKey(key);
    const pod = podInformer.get(namespace, name);
    const nodeName = pod?.spec?.nodeName;
    const node = nodeName ? states.get(nodeName) : undefined;
    if (!pod || !node) return forgetPod(key);
    const state = podStateOf(key, pod);
    if (pod.metadata?.deletionTimestamp) {
      // The simulated containers stop at once; the object goes once they have.
      await client.delete(types.pods, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: state.uid } }).catch((err) => {
        if (!isApiError(err, 404, 409)) throw err;
      });
      return forgetPod(key);
    }
    const plan = planPod(pod, state, {
      now: Date.now(),
      startDelayMs,
      hostIP: node.node.address,
      allocatePodIP: () => (state.ip ??= pool.allocate()),
    });
    // A strategic merge patch, as the kubelet's: conditions merge by type, so ones others own stay.
    if (plan.status) await client.patch(types.pods, namespace, name, 'strategic', { status: plan.status }, { subresource: 'status' });
    if (plan.startedMs !== undefined) state.startedMs = plan.startedMs;
    const phase = plan.status?.phase ?? pod.status?.phase;
    if ((phase === 'Succeeded' || phase === 'Failed') && state.ip) {
      pool.release(state.ip); // finished pods give their address back, as on a real node
      state.ip = undefined;
    }
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
  };

  const queue = createWorkQueue({ name: 'simulated-pods', onError: (key, err) => warn(`syncing pod ${key} failed`, err) });
  const enqueue = (pod: Pod) => {
    if (pod.spec?.nodeName && states.has(pod.spec.nodeName)) queue.add(keyOf(pod));
  };
  podInformer.addHandler({ onAdd: enqueue, onUpdate: (_, pod) => enqueue(pod), onDelete: enqueue });

  let running = Promise.resolve();
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    halted.abort();
    wheel.stop();
    queue.shutDown();
    await Promise.allSettled([running, ...inflight]);
  };
  options.signal.addEventListener('abort', () => void stop(), { once: true });

  // As the kubelet, a node keeps trying to register until it can (the server may not be up yet).
  // Pods bound meanwhile wait in the queue until the workers start.
  await forEachLimited([...states.values()], registerConcurrency, async (state) => {
    for (let backoffMs = 100; !stopped; backoffMs = Math.min(backoffMs * 2, 5_000)) {
      try {
        return await registerNode(state);
      } catch (err) {
        warn(`registering node ${state.node.name} failed (retrying)`, err);
        await sleep(backoffMs, undefined, { signal: halted.signal }).catch(() => {});
      }
    }
  });
  if (!stopped) {
    for (const state of states.values()) wheel.add(state);
    running = queue.run(podWorkers, syncPod);
    wheel.start();
  }
  return { nodeNames: [...states.keys()], stop };
}

/** Runs fn over items with at most `limit` at a time. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Logs at most one warning per 10 s (thousands of nodes failing together say it once), with a count of the others. */
function throttledWarning(): (what: string, err: unknown) => void {
  let lastMs = 0;
  let suppressed = 0;
  return (what, err) => {
    const now = Date.now();
    if (now - lastMs < 10_000) {
      suppressed++;
      return;
    }
    const more = suppressed > 0 ? ` (and ${suppressed} more failures)` : '';
    console.error(`skiff: simulated nodes: ${what}: ${err instanceof Error ? err.message : err}${more}`);
    lastMs = now;
    suppressed = 0;
  };
}
