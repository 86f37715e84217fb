// The node lifecycle controller, as upstream's: every monitor period it checks that each
// node is still heard from (Ready heartbeats and kube-node-lease Leases); a node silent for
// the grace period gets Ready=Unknown, its pods are marked not ready, and it is tainted
// NoExecute (unreachable, or not-ready for a node reporting Ready=False) at a rate its zone's
// health allows; healthy again, the taints go. The taint eviction controller evicts the pods.
// It also keeps the NoSchedule taints that mirror node conditions (TaintNodesByCondition).

import type { Controller, ControllerContext } from '../controller.ts';
import type { EventRecorder } from '../../client/events.ts';
import { indexes, keyOf, splitKey, type Informer } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue, type WorkQueue } from '../../client/workqueue.ts';
import { ApiError } from '../../apiserver/errors.ts';
import { observeNodeHealth, rfc3339, type NodeHealth } from './nodeHealth.ts';
import { hasTaint, notReadyNoExecute, swapTaints, unreachableNoExecute, updateTaints, withNoScheduleTaints } from './taints.ts';
import { evictionRate, excludeDisruptionLabel, TokenBucket, zoneOf, zoneState, type DisruptionSettings, type ZoneState } from './zones.ts';
import type { Lease, Node, NodeCondition, Pod } from '../../api/objects.ts';

export interface NodeLifecycleSettings extends DisruptionSettings {
  nodeMonitorGracePeriodMs: number;
  nodeMonitorPeriodMs: number;
  /** Silence allowed for a node that never posted a Ready condition (upstream --node-startup-grace-period 60 s). */
  nodeStartupGracePeriodMs: number;
}

/** Upstream's defaults; ControllerOptions override the fields it has. */
export const nodeLifecycleDefaults: NodeLifecycleSettings = {
  nodeMonitorGracePeriodMs: 50_000,
  nodeMonitorPeriodMs: 5_000,
  nodeStartupGracePeriodMs: 60_000,
  nodeEvictionRate: 0.1,
  secondaryNodeEvictionRate: 0.01,
  largeClusterSizeThreshold: 50,
  unhealthyZoneThreshold: 0.55,
};

export const nodeLifecycleController: Controller = {
  name: 'node-lifecycle-controller',
  start(ctx) {
    new NodeLifecycle(ctx, { ...nodeLifecycleDefaults, ...ctx.options }).start();
  },
};

const nodeLeaseNamespace = 'kube-node-lease';
/** Node status writes in flight during a monitor pass (upstream: 8 workers). */
const nodeUpdateWorkers = 8;
/** How often the taint queues are looked at while they hold nodes (upstream NodeEvictionPeriod). */
const taintPassMs = 100;

/** Nodes waiting for their NoExecute taint in one zone, admitted by the zone's rate. */
interface ZoneTainter {
  bucket: TokenBucket;
  /** Node names, oldest first. */
  waiting: Set<string>;
}

class NodeLifecycle {
  readonly #ctx: ControllerContext;
  readonly #settings: NodeLifecycleSettings;
  readonly #recorder: EventRecorder;
  readonly #nodes: Informer<Node>;
  readonly #leases: Informer<Lease>;
  readonly #pods: Informer<Pod>;
  /** What each node last said, timed by our clock. */
  readonly #health = new Map<string, NodeHealth>();
  /** The nodes seen so far, as last seen. */
  readonly #known = new Map<string, Node>();
  readonly #zoneStates = new Map<string, ZoneState>();
  readonly #tainters = new Map<string, ZoneTainter>();
  /** Nodes whose pods could not all be marked not ready: tried again next pass. */
  readonly #retryPods = new Set<string>();
  readonly #noScheduleQueue: WorkQueue;
  readonly #podQueue: WorkQueue;
  #monitorTimer: NodeJS.Timeout | undefined;
  #taintTimer: NodeJS.Timeout | undefined;
  #monitoring = false;
  #tainting = false;

  constructor(ctx: ControllerContext, settings: NodeLifecycleSettings) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#recorder = ctx.recorder('node-controller');
    this.#nodes = ctx.informers.informer<Node>(types.nodes);
    this.#leases = ctx.informers.informer<Lease>(types.leases, { namespace: nodeLeaseNamespace });
    this.#pods = ctx.informers.informer<Pod>(types.pods);
    this.#noScheduleQueue = createWorkQueue({ name: 'node_lifecycle_controller' });
    this.#podQueue = createWorkQueue({ name: 'node_lifecycle_controller_pods' });
  }

  start(): void {
    const { signal } = this.#ctx;
    this.#nodes.addHandler({
      onAdd: (node) => this.#noScheduleQueue.add(keyOf(node)),
      onUpdate: (_, node) => this.#noScheduleQueue.add(keyOf(node)),
    });
    // A pod bound to a node already unhealthy is marked not ready at once.
    const bound = (old: Pod | undefined, pod: Pod) => {
      if (pod.spec?.nodeName && pod.spec.nodeName !== old?.spec?.nodeName) this.#podQueue.add(keyOf(pod));
    };
    this.#pods.addHandler({ onAdd: (pod) => bound(undefined, pod), onUpdate: bound });
    void this.#noScheduleQueue.run(nodeUpdateWorkers, (key) => this.#syncNoScheduleTaints(key));
    void this.#podQueue.run(4, (key) => this.#syncPod(key));
    signal.addEventListener('abort', () => {
      clearInterval(this.#monitorTimer);
      clearTimeout(this.#taintTimer);
      this.#noScheduleQueue.shutDown();
      this.#podQueue.shutDown();
    }, { once: true });
    void this.#ctx.informers.waitForSync(signal).then(() => {
      if (signal.aborted) return;
      const pass = () => void this.#monitor().catch((err) => console.error(`skiff: node-lifecycle-controller: monitoring nodes failed:`, err));
      this.#monitorTimer = setInterval(pass, this.#settings.nodeMonitorPeriodMs);
      pass();
    }, () => {}); // aborted before the caches synced
  }

  // ---- the monitor pass

  async #monitor(): Promise<void> {
    if (this.#monitoring) return; // the previous pass is still writing
    this.#monitoring = true;
    try {
      const nodes = this.#nodes.list();
      await this.#classify(nodes);
      const zoneReady = new Map<string, (NodeCondition | undefined)[]>();
      await forEachLimited(nodes, nodeUpdateWorkers, async (node) => {
        const ready = await this.#monitorNode(node);
        if (ready === false || node.metadata?.labels?.[excludeDisruptionLabel] !== undefined) return;
        const zone = zoneOf(node);
        const conditions = zoneReady.get(zone);
        if (conditions) conditions.push(ready);
        else zoneReady.set(zone, [ready]);
      });
      await this.#handleDisruption(zoneReady, nodes);
      void this.#taintPass();
    } finally {
      this.#monitoring = false;
    }
  }

  /** New nodes are registered (and start untainted), deleted ones forgotten. */
  async #classify(nodes: Node[]): Promise<void> {
    const names = new Set(nodes.map((n) => n.metadata!.name!));
    for (const [name, last] of this.#known) {
      if (names.has(name)) continue;
      this.#known.delete(name);
      this.#health.delete(name);
      this.#retryPods.delete(name);
      for (const tainter of this.#tainters.values()) tainter.waiting.delete(name);
      this.#recorder.event(last, 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
    }
    for (const node of nodes) {
      const name = node.metadata!.name!;
      this.#tainterOf(node);
      const isNew = !this.#known.has(name);
      this.#known.set(name, node);
      if (!isNew) continue;
      this.#recorder.event(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
      await this.#markReachable(node).catch((err) => console.error(`skiff: node-lifecycle-controller: untainting new node ${name} failed:`, err));
    }
  }

  /**
   * One node's health: written Unknown if silent too long, tainted or untainted, its pods
   * marked not ready when it stops being Ready. Returns its Ready condition now (undefined:
   * never posted), or false if its status could not be written this pass.
   */
  async #monitorNode(node: Node): Promise<NodeCondition | undefined | false> {
    const name = node.metadata!.name!;
    const now = Date.now();
    const observation = observeNodeHealth(node, this.#leases.get(nodeLeaseNamespace, name), this.#health.get(name), now, {
      monitorMs: this.#settings.nodeMonitorGracePeriodMs,
      startupMs: this.#settings.nodeStartupGracePeriodMs,
    });
    this.#health.set(name, observation.health);
    const { observedReady, silentConditions } = observation;
    let currentReady = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (silentConditions) {
      try {
        // Strategic merge: conditions merge by type; the resourceVersion makes it fail rather than overwrite a fresh heartbeat.
        await this.#ctx.client.patch(types.nodes, undefined, name, 'strategic', { metadata: { resourceVersion: node.metadata?.resourceVersion }, status: { conditions: silentConditions } }, { subresource: 'status' });
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) console.error(`skiff: node-lifecycle-controller: marking node ${name} Unknown failed:`, err);
        return false;
      }
      currentReady = silentConditions.find((c) => c.type === 'Ready');
    }
    if (!currentReady) return undefined;

    await this.#processTaintEviction(node, observedReady);
    const becameNotReady = currentReady.status !== 'True' && observedReady.status === 'True';
    if (becameNotReady) this.#recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (becameNotReady || (this.#retryPods.has(name) && observedReady.status !== 'True')) {
      try {
        await this.#markPodsNotReady(this.#pods.byIndex(indexes.nodeName, name), name);
        this.#retryPods.delete(name);
      } catch (err) {
        console.error(`skiff: node-lifecycle-controller: marking pods on node ${name} not ready failed (will retry):`, err);
        this.#retryPods.add(name);
      }
    } else this.#retryPods.delete(name);
    return currentReady;
  }

  /** NoExecute taints follow the Ready condition the node posted: not-ready for False, unreachable for Unknown, none for True. */
  async #processTaintEviction(node: Node, observedReady: NodeCondition): Promise<void> {
    try {
      switch (observedReady.status) {
        case 'False':
          // Swapping one taint for the other is not rate limited.
          if (hasTaint(node, unreachableNoExecute)) await this.#swap(node, notReadyNoExecute, unreachableNoExecute);
          else if (!hasTaint(node, notReadyNoExecute)) this.#tainterOf(node).waiting.add(node.metadata!.name!);
          break;
        case 'Unknown':
          if (hasTaint(node, notReadyNoExecute)) await this.#swap(node, unreachableNoExecute, notReadyNoExecute);
          else if (!hasTaint(node, unreachableNoExecute)) this.#tainterOf(node).waiting.add(node.metadata!.name!);
          break;
        case 'True':
          await this.#markReachable(node);
          break;
      }
    } catch (err) {
      console.error(`skiff: node-lifecycle-controller: updating the taints of node ${node.metadata?.name} failed (will retry):`, err);
    }
  }

  /** Removes the NoExecute taints and any queued tainting. */
  async #markReachable(node: Node): Promise<void> {
    this.#tainterOf(node).waiting.delete(node.metadata!.name!);
    await updateTaints(this.#ctx.client, node, (n) => swapTaints(n.spec?.taints, [], [unreachableNoExecute, notReadyNoExecute], Date.now()));
  }

  #swap(node: Node, add: typeof notReadyNoExecute, remove: typeof notReadyNoExecute): Promise<boolean> {
    return updateTaints(this.#ctx.client, node, (n) => swapTaints(n.spec?.taints, [add], [remove], Date.now()));
  }

  /** As upstream's MarkPodsNotReady: each pod's Ready condition becomes False, with an event. */
  async #markPodsNotReady(pods: Pod[], nodeName: string): Promise<void> {
    const now = rfc3339(Date.now());
    const failures: unknown[] = [];
    for (const pod of pods) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      try {
        await this.#ctx.client.patch(types.pods, pod.metadata?.namespace, pod.metadata!.name!, 'strategic', { status: { conditions: [{ ...ready, status: 'False', lastTransitionTime: now }] } }, { subresource: 'status' });
        this.#recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) failures.push(err);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  // ---- zones

  #tainterOf(node: Node): ZoneTainter {
    const zone = zoneOf(node);
    let tainter = this.#tainters.get(zone);
    if (!tainter) {
      this.#tainters.set(zone, (tainter = { bucket: new TokenBucket(this.#settings.nodeEvictionRate, Date.now()), waiting: new Set() }));
      this.#zoneStates.set(zone, 'Initial');
    }
    return tainter;
  }

  /** Sets each zone's tainting rate from its health; with every zone fully down, untaints everything and stops. */
  async #handleDisruption(zoneReady: Map<string, (NodeCondition | undefined)[]>, nodes: Node[]): Promise<void> {
    const now = Date.now();
    const newStates = new Map([...zoneReady].map(([zone, conditions]) => [zone, zoneState(conditions, this.#settings)] as const));
    for (const zone of this.#zoneStates.keys()) if (!zoneReady.has(zone)) this.#zoneStates.delete(zone);
    const allAreFullyDisrupted = [...newStates.values()].every((s) => s === 'FullDisruption');
    const allWereFullyDisrupted = [...this.#zoneStates.values()].every((s) => s === 'FullDisruption');
    const setRate = (zone: string, state: ZoneState) => {
      this.#tainters.get(zone)?.bucket.setRate(evictionRate(state, zoneReady.get(zone)?.length ?? 0, this.#settings), now);
      this.#zoneStates.set(zone, state);
    };
    if (allAreFullyDisrupted && allWereFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      // Every node down at once is more likely this controller's view than the nodes: evict nothing.
      console.log('skiff: node-lifecycle-controller: every node is not ready; entering master disruption mode (no evictions)');
      for (const node of nodes) await this.#markReachable(node).catch((err) => console.error(`skiff: node-lifecycle-controller: untainting node ${node.metadata?.name} failed:`, err));
      for (const [zone, tainter] of this.#tainters) {
        tainter.bucket.setRate(0, now);
        if (this.#zoneStates.has(zone)) this.#zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWereFullyDisrupted) {
      console.log('skiff: node-lifecycle-controller: some nodes are ready again; leaving master disruption mode');
      // Every node gets a fresh grace period.
      for (const [name, health] of this.#health) this.#health.set(name, { ...health, probeMs: now });
      for (const [zone, state] of newStates) setRate(zone, state);
      return;
    }
    for (const [zone, state] of newStates) if (this.#zoneStates.get(zone) !== state) setRate(zone, state);
  }

  /** Taints the waiting nodes as fast as their zones allow; looks again while some wait. */
  async #taintPass(): Promise<void> {
    if (this.#tainting || this.#ctx.signal.aborted) return;
    this.#tainting = true;
    let waiting = false;
    try {
      for (const tainter of this.#tainters.values()) {
        for (const name of tainter.waiting) {
          if (!tainter.bucket.tryAccept(Date.now())) break;
          tainter.waiting.delete(name);
          if (!(await this.#taintNoExecute(name))) tainter.waiting.add(name); // to the back, as upstream's retry
        }
        waiting ||= tainter.waiting.size > 0 && tainter.bucket.rate > 0;
      }
    } finally {
      this.#tainting = false;
    }
    clearTimeout(this.#taintTimer);
    if (waiting && !this.#ctx.signal.aborted) this.#taintTimer = setTimeout(() => void this.#taintPass(), taintPassMs);
  }

  /** Taints one node for its Ready condition; false to try again later. */
  async #taintNoExecute(name: string): Promise<boolean> {
    const node = this.#nodes.get(undefined, name);
    if (!node) return true;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready) return false;
    try {
      if (ready.status === 'False') await this.#swap(node, notReadyNoExecute, unreachableNoExecute);
      else if (ready.status === 'Unknown') await this.#swap(node, unreachableNoExecute, notReadyNoExecute);
      return true;
    } catch (err) {
      console.error(`skiff: node-lifecycle-controller: tainting node ${name} failed (will retry):`, err);
      return false;
    }
  }

  // ---- work queues

  /** The NoSchedule taints that mirror the node's conditions and unschedulable flag. */
  async #syncNoScheduleTaints(key: string): Promise<void> {
    const node = this.#nodes.get(undefined, key);
    if (node) await updateTaints(this.#ctx.client, node, withNoScheduleTaints);
  }

  /** A pod newly bound to a node that is not ready is marked not ready too. */
  async #syncPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.#pods.get(namespace, name);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || !this.#health.has(nodeName)) return;
    const node = this.#nodes.get(undefined, nodeName);
    const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') await this.#markPodsNotReady([pod], nodeName);
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
