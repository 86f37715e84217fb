// The scheduler ("default-scheduler"): watches pods without a node and nodes, keeps a cache
// of every node's usage, and runs one scheduling cycle at a time: pop the next pod, filter
// and score the nodes, assume the pod onto the chosen node, and bind it through pods/binding
// in the background (the binding cycle) while the next cycle starts. A pod that fits
// nowhere gets a FailedScheduling event and PodScheduled=False, and waits in the queue.

import type { Client } from '../client/client.ts';
import type { EventRecorder } from '../client/events.ts';
import type { Informer, InformerFactory } from '../client/informer.ts';
import { types } from '../client/resourceTypes.ts';
import { SchedulerCache } from './cache.ts';
import { defaultSpreadSelector } from './defaultSpreadSelector.ts';
import { truncateMessage } from './fitError.ts';
import { nodeView, type ClusterEvent, type CycleContext, type FilterPlugin, type NodeChanges } from './framework.ts';
import type { Namespace, Node, Pod, ReplicaSet, Service, StatefulSet } from './objects.ts';
import { podInfoOf, podKey, type NamespaceLabels } from './podInfo.ts';
import { defaultProfile } from './profile.ts';
import { SchedulingQueue, type QueuedPod, type QueueOptions } from './queue.ts';
import { Algorithm, type AlgorithmOptions } from './schedulePod.ts';

export const defaultSchedulerName = 'default-scheduler';

export interface SchedulerContext {
  client: Client;
  informers: InformerFactory;
  recorder(component: string): EventRecorder;
  /** Stops the scheduler when aborted. */
  signal: AbortSignal;
}

export interface SchedulerOptions extends AlgorithmOptions, Omit<QueueOptions, 'worthRequeuing'> {
  /** Pods naming this scheduler (or none) are ours. */
  schedulerName?: string;
}

/** Starts the scheduler; resolves once it is watching (scheduling begins when the informers have synced). */
export async function startScheduler(ctx: SchedulerContext, options: SchedulerOptions = {}): Promise<void> {
  const scheduler = new Scheduler(ctx, options);
  void scheduler.run().catch((err) => {
    if (!ctx.signal.aborted) console.error('skiff: scheduler stopped:', err);
  });
}

class Scheduler {
  readonly #ctx: SchedulerContext;
  readonly #name: string;
  readonly #cache = new SchedulerCache();
  readonly #queue: SchedulingQueue;
  readonly #algorithm: Algorithm;
  readonly #recorder: EventRecorder;
  readonly #pods: Informer<Pod>;
  readonly #namespaces: Informer<Namespace>;
  readonly #plugins = new Map<string, FilterPlugin>(defaultProfile.filters.map((p) => [p.name, p]));
  readonly #namespaceLabels: NamespaceLabels;
  readonly #spreadSelector: CycleContext['defaultSpreadSelector'];
  /** PodScheduled=False patches still in flight, which a binding of the same pod waits for. */
  readonly #statusWrites = new Map<string, Promise<void>>();

  constructor(ctx: SchedulerContext, options: SchedulerOptions) {
    this.#ctx = ctx;
    this.#name = options.schedulerName ?? defaultSchedulerName;
    this.#algorithm = new Algorithm(defaultProfile, options);
    this.#queue = new SchedulingQueue({ ...options, worthRequeuing: (qp, event) => this.#worthRequeuing(qp, event) });
    this.#recorder = ctx.recorder(this.#name);
    const { informers } = ctx;
    this.#pods = informers.informer<Pod>(types.pods);
    this.#namespaces = informers.informer<Namespace>(types.namespaces);
    const spreadListers = {
      services: informers.informer<Service>(types.services),
      replicaSets: informers.informer<ReplicaSet>(types.replicaSets),
      statefulSets: informers.informer<StatefulSet>(types.statefulSets),
    };
    this.#namespaceLabels = (namespace) => this.#namespaces.get(undefined, namespace)?.metadata?.labels;
    this.#spreadSelector = (pod) => defaultSpreadSelector(pod, spreadListers);
    informers.informer<Node>(types.nodes).addHandler({
      onAdd: (node) => this.#live(() => this.#nodeAdded(node)),
      onUpdate: (old, node) => this.#live(() => this.#nodeUpdated(old, node)),
      onDelete: (node) => this.#live(() => this.#cache.removeNode(node.metadata!.name!)),
    });
    this.#pods.addHandler({
      onAdd: (pod) => this.#live(() => this.#podAdded(pod)),
      onUpdate: (old, pod) => this.#live(() => this.#podUpdated(old, pod)),
      onDelete: (pod) => this.#live(() => this.#podDeleted(pod)),
    });
    ctx.signal.addEventListener('abort', () => this.#queue.close(), { once: true });
  }

  async run(): Promise<void> {
    await this.#ctx.informers.waitForSync(this.#ctx.signal);
    let lastYield = performance.now();
    for (let qp = await this.#queue.pop(); qp; qp = await this.#queue.pop()) {
      this.#scheduleOne(qp);
      // Cycles are synchronous: let informer events and binding responses in now and then.
      if (performance.now() - lastYield > 10) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  }

  #scheduleOne(qp: QueuedPod): void {
    const pod = qp.info;
    if (pod.terminating || this.#cache.isAssumed(pod.key)) return this.#queue.done(qp);
    const result = this.#algorithm.schedule({ pod, cache: this.#cache, namespaceLabels: this.#namespaceLabels, defaultSpreadSelector: this.#spreadSelector });
    if ('failure' in result) return this.#failed(qp, result.failure, 'Unschedulable', result.rejectors);
    this.#cache.assume(pod, result.nodeName);
    void this.#bind(qp, result.nodeName);
  }

  /** The binding cycle: POST pods/<name>/binding; on failure the assumption is dropped and the pod retried after its backoff. */
  async #bind(qp: QueuedPod, nodeName: string): Promise<void> {
    const { key, pod } = qp.info;
    const { namespace, name, uid } = pod.metadata!;
    try {
      await this.#statusWrites.get(key);
      const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { namespace, name, uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } };
      await this.#ctx.client.create(types.pods, binding, { subresource: 'binding', namespace, name });
    } catch (err) {
      const forgotten = this.#cache.forget(key);
      if (forgotten) this.#queue.onEvent({ type: 'AssignedPodDelete', pod: forgotten });
      this.#failed(qp, err instanceof Error ? err.message : String(err), 'SchedulerError', new Set());
      return;
    }
    this.#queue.done(qp);
    this.#recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  /** Requeues the pod (unless it is gone or bound meanwhile) and tells the user why it did not schedule. */
  #failed(qp: QueuedPod, message: string, reason: 'Unschedulable' | 'SchedulerError', rejectors: Set<string>): void {
    const { namespace, name, uid } = qp.info.pod.metadata!;
    const current = this.#pods.get(namespace, name!);
    if (!current || current.metadata?.uid !== uid || current.spec?.nodeName) return this.#queue.done(qp);
    this.#queue.requeue(qp, rejectors);
    this.#recorder.event(current, 'Warning', 'FailedScheduling', truncateMessage(message));
    const write = this.#setUnscheduled(current, reason, message)
      .catch((err) => {
        if (!this.#ctx.signal.aborted) console.error(`skiff: scheduler: updating ${namespace}/${name} status: ${err instanceof Error ? err.message : err}`);
      })
      .finally(() => {
        if (this.#statusWrites.get(qp.info.key) === write) this.#statusWrites.delete(qp.info.key);
      });
    this.#statusWrites.set(qp.info.key, write);
  }

  /** PodScheduled=False with the reason, written only when it changes (as upstream's updatePod). */
  async #setUnscheduled(pod: Pod, reason: string, message: string): Promise<void> {
    const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (existing?.status === 'False' && existing.reason === reason && existing.message === message) return;
    const lastTransitionTime = existing?.status === 'False' && existing.lastTransitionTime ? existing.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime };
    await this.#ctx.client.patch(types.pods, pod.metadata!.namespace, pod.metadata!.name!, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
  }

  #worthRequeuing(qp: QueuedPod, event: ClusterEvent): boolean {
    if (qp.rejectors.size === 0) return true;
    for (const name of qp.rejectors) {
      const plugin = this.#plugins.get(name);
      if (!plugin || plugin.isSchedulableAfter(qp.info, event, this.#namespaceLabels)) return true;
    }
    return false;
  }

  #ours(pod: Pod): boolean {
    return (pod.spec?.schedulerName ?? defaultSchedulerName) === this.#name;
  }

  #podAdded(pod: Pod): void {
    if (finished(pod)) return;
    if (pod.spec?.nodeName) this.#assignedPodChanged(undefined, pod);
    else if (this.#ours(pod) && !pod.metadata?.deletionTimestamp) this.#queue.add(pod);
  }

  #podUpdated(old: Pod, pod: Pod): void {
    if (pod.spec?.nodeName) {
      if (!old.spec?.nodeName) this.#queue.delete(pod); // bound, by us or by someone else
      if (finished(pod)) this.#removeAssigned(pod);
      else this.#assignedPodChanged(old.spec?.nodeName && !finished(old) ? old : undefined, pod);
    } else if (!this.#ours(pod) || pod.metadata?.deletionTimestamp || finished(pod)) {
      this.#queue.delete(pod);
    } else {
      this.#queue.update(old, pod);
    }
  }

  #podDeleted(pod: Pod): void {
    if (pod.spec?.nodeName) this.#removeAssigned(pod);
    else this.#queue.delete(pod);
  }

  /** A bound pod appeared or changed (old: its previous bound state, if it was counted). */
  #assignedPodChanged(old: Pod | undefined, pod: Pod): void {
    const info = podInfoOf(pod);
    this.#cache.setPod(info, pod.spec!.nodeName!);
    if (!old) this.#queue.onEvent({ type: 'AssignedPodAdd', pod: info });
    else if (!sameLabels(old, pod)) this.#queue.onEvent({ type: 'AssignedPodUpdate', old: podInfoOf(old), pod: info });
  }

  #removeAssigned(pod: Pod): void {
    const removed = this.#cache.removePod(podKey(pod));
    if (removed) this.#queue.onEvent({ type: 'AssignedPodDelete', pod: removed });
  }

  #nodeAdded(node: Node): void {
    this.#cache.setNode(node);
    this.#queue.onEvent({ type: 'NodeAdd', node: nodeView(node) });
  }

  #nodeUpdated(old: Node, node: Node): void {
    this.#cache.setNode(node);
    const changes: NodeChanges = {
      allocatable: JSON.stringify(old.status?.allocatable) !== JSON.stringify(node.status?.allocatable),
      labels: JSON.stringify(old.metadata?.labels) !== JSON.stringify(node.metadata?.labels),
      taints: JSON.stringify(old.spec?.taints) !== JSON.stringify(node.spec?.taints),
      unschedulable: Boolean(old.spec?.unschedulable) !== Boolean(node.spec?.unschedulable),
    };
    // Heartbeats and condition updates change nothing the scheduler decides on.
    if (changes.allocatable || changes.labels || changes.taints || changes.unschedulable) {
      this.#queue.onEvent({ type: 'NodeUpdate', old: nodeView(old), node: nodeView(node), changes });
    }
  }

  /** Informer handlers outlive a stopped scheduler on a shared factory: they do nothing then. */
  #live(handle: () => void): void {
    if (!this.#ctx.signal.aborted) handle();
  }
}

/** Succeeded and Failed pods hold no resources (upstream's scheduler does not watch them). */
function finished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function sameLabels(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.metadata?.labels) === JSON.stringify(b.metadata?.labels);
}

