// An in-memory stand-in for the API server, enough to run the scheduler without one: informers
// whose handlers are called directly, a client that binds pods and patches their status, and
// an event recorder that keeps what it is told. For unit tests and for benchmarking the
// scheduler itself (no HTTP, no storage).

import type { KubeObject } from '../api/kind.ts';
import { ApiError } from '../apiserver/errors.ts';
import type { Client, ResourceType } from '../client/client.ts';
import type { EventRecorder } from '../client/events.ts';
import { createMemoryInformers, type MemoryInformers } from '../client/testing/memoryInformers.ts';
import { types } from '../client/resourceTypes.ts';
import { SchedulerCache } from './cache.ts';
import type { CycleContext } from './framework.ts';
import type { Node, Pod } from './objects.ts';
import { podInfoOf } from './podInfo.ts';

export interface RecordedEvent {
  regarding: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export class FakeCluster {
  readonly informers: MemoryInformers = createMemoryInformers();
  readonly client: Client;
  readonly events: RecordedEvent[] = [];
  /** Called after each successful binding (for measuring). */
  onBind: ((pod: Pod, nodeName: string) => void) | undefined;
  /** How many of the next bindings fail with a 500. */
  failBindings = 0;
  #resourceVersion = 0;

  constructor() {
    this.client = {
      create: async (type, obj, options) => {
        if (type !== types.pods || options?.subresource !== 'binding') throw new Error(`fake client: cannot create ${type.plural}`);
        this.#bind(options.namespace!, options.name!, (obj as { target?: { name?: string } }).target?.name ?? '');
        return { kind: 'Status', status: 'Success' } as never;
      },
      patch: async (type, namespace, name, _patchType, patch) => {
        if (type !== types.pods) throw new Error(`fake client: cannot patch ${type.plural}`);
        return this.#patchPodStatus(namespace!, name, patch as { status: { conditions: any[] } }) as never;
      },
      get: unsupported,
      list: unsupported,
      watch: () => {
        throw new Error('fake client: not supported');
      },
      update: unsupported,
      delete: unsupported,
    };
  }

  recorder = (_component: string): EventRecorder => ({
    event: (regarding, type, reason, message) => void this.events.push({ regarding, type, reason, message }),
    flush: async () => {},
  });

  /** Creates or replaces an object, as a watch event would deliver it. */
  apply<T extends KubeObject>(type: ResourceType, obj: T): T {
    const stored = { ...obj, metadata: { uid: `uid-${obj.metadata?.namespace}-${obj.metadata?.name}`, creationTimestamp: new Date().toISOString(), ...obj.metadata, resourceVersion: String(++this.#resourceVersion) } };
    this.informers.put(type, stored);
    return stored;
  }

  remove(type: ResourceType, namespace: string | undefined, name: string): void {
    this.informers.remove(type, namespace, name);
  }

  addNode(node: Node): Node {
    return this.apply(types.nodes, node);
  }

  addPod(pod: Pod): Pod {
    return this.apply(types.pods, pod);
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.informers.informer<Pod>(types.pods).get(namespace, name);
  }

  #bind(namespace: string, name: string, nodeName: string): void {
    if (this.failBindings > 0) {
      this.failBindings--;
      throw new ApiError(500, 'InternalError', 'binding failed (injected)');
    }
    const pod = this.pod(namespace, name);
    if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`);
    if (pod.spec?.nodeName) throw new ApiError(409, 'Conflict', `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    const bound = this.apply(types.pods, {
      ...pod,
      spec: { ...pod.spec!, nodeName },
      status: { ...pod.status, conditions: [...conditions, { type: 'PodScheduled', status: 'True' }] },
    });
    this.onBind?.(bound, nodeName);
  }

  #patchPodStatus(namespace: string, name: string, patch: { status: { conditions: any[] } }): Pod {
    const pod = this.pod(namespace, name);
    if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`);
    const patched = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
    for (const c of patch.status.conditions) patched.set(c.type, c);
    return this.apply(types.pods, { ...pod, status: { ...pod.status, conditions: [...patched.values()] } });
  }
}

async function unsupported(): Promise<never> {
  throw new Error('fake client: not supported');
}

export interface NodeShape {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: NonNullable<Node['spec']>['taints'];
  unschedulable?: boolean;
  /** More allocatable resources (extended resources, ephemeral-storage). */
  extra?: Record<string, string>;
}

/** A Ready node with this allocatable (default 4 cpu, 32Gi, 110 pods: kube-scheduler's benchmark node) and a hostname label. */
export function testNode(name: string, shape: NodeShape = {}): Node {
  const allocatable = { cpu: shape.cpu ?? '4', memory: shape.memory ?? '32Gi', pods: shape.pods ?? '110', ...shape.extra };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...shape.labels } },
    spec: { taints: shape.taints, unschedulable: shape.unschedulable },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** A pod with one container requesting cpu and memory (none when omitted), plus whatever spec fields are given. */
export function testPod(name: string, requests: Record<string, string> = {}, spec: Partial<NonNullable<Pod['spec']>> = {}, labels?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { schedulerName: 'default-scheduler', containers: [{ name: 'c', image: 'pause', resources: { requests } }], ...spec },
    status: { phase: 'Pending' },
  };
}

/** The context for scheduling `pod` onto these nodes holding these bound pods, with plain objects and no scheduler (tests). */
export function cycleOn(nodes: Node[], boundPods: Pod[], pod: Pod, namespaceLabels: Record<string, Record<string, string>> = {}): CycleContext {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.setNode(n);
  for (const p of boundPods) cache.setPod(podInfoOf(p), p.spec!.nodeName!);
  return { pod: podInfoOf(pod), cache, namespaceLabels: (ns) => namespaceLabels[ns], defaultSpreadSelector: () => undefined };
}
