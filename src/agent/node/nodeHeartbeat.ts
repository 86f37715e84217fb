// A real node's registration and heartbeat, as the kubelet's: it registers its Node (or takes
// over the one registered before under its name), then every 10 s renews its Lease and
// re-reads the host, posting the status when it changed, when someone else changed its
// conditions (the node controller marking it Unknown), or every 5 minutes regardless.

import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { NodeStatus, Taint } from 'kubernetes-types/core/v1.js';
import type { Lease, Node } from '../../api/objects.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import { conditionsOutdated, defaultLeaseDurationSeconds, nodeStatus } from '../simulate/nodeObject.ts';
import { goArch, type HostFacts } from './hostFacts.ts';
import { isApiError, renewNodeLease } from './nodeLease.ts';

export interface NodeHeartbeatOptions {
  client: Client;
  nodeName: string;
  labels: Record<string, string>;
  taints: Taint[];
  /**
   * The host as it is now (read on every heartbeat). First read once the Node exists: a real
   * node's runtime starts only when the server has given the Node a podCIDR.
   */
  facts: () => Promise<HostFacts>;
  signal: AbortSignal;
  /** Default 10 s (the kubelet's nodeStatusUpdateFrequency and lease renew interval). */
  intervalMs?: number;
  leaseDurationSeconds?: number;
}

export interface NodeHeartbeat {
  /** The registered Node as last posted. */
  readonly node: Node;
  stop(): Promise<void>;
}

const statusReportIntervalMs = 5 * 60_000;

/** Registers the node (retrying until the server takes it, or the signal aborts), then keeps it alive. */
export async function startNodeHeartbeat(options: NodeHeartbeatOptions): Promise<NodeHeartbeat> {
  const { client, nodeName } = options;
  const halted = new AbortController(); // by stop() or the caller's signal
  options.signal.addEventListener('abort', () => halted.abort(), { once: true });
  const { signal } = halted;
  const leaseDurationSeconds = options.leaseDurationSeconds ?? defaultLeaseDurationSeconds;
  let node: Node | undefined;
  let lease: Lease | undefined;
  let lastReportMs = 0;

  const postStatus = async (current: NodeStatus | undefined, facts: HostFacts) => {
    node = await client.patch<Node>(types.nodes, undefined, nodeName, 'merge', { status: statusOf(nodeName, facts, current) }, { subresource: 'status' });
    lastReportMs = Date.now();
  };

  const register = async () => {
    let registered: Node;
    try {
      registered = await client.create<Node>(types.nodes, nodeObject(nodeName, options));
    } catch (err) {
      if (!isApiError(err, 409)) throw err;
      registered = await client.get<Node>(types.nodes, undefined, nodeName); // registered before: take it over
    }
    const facts = await options.facts();
    await postStatus(registered.status, facts);
    lease = await renewNodeLease(client, lease, { nodeName, nodeUid: registered.metadata?.uid, leaseDurationSeconds });
  };

  const heartbeat = async () => {
    lease = await renewNodeLease(client, lease, { nodeName, nodeUid: node?.metadata?.uid, leaseDurationSeconds });
    const current = await client.get<Node>(types.nodes, undefined, nodeName);
    const facts = await options.facts();
    const stale = Date.now() - lastReportMs >= statusReportIntervalMs;
    if (stale || conditionsOutdated(current.status, facts.pressure) || factsChanged(current.status, facts)) await postStatus(current.status, facts);
  };

  for (let backoffMs = 100; ; backoffMs = Math.min(backoffMs * 2, 5_000)) {
    try {
      await register();
      break;
    } catch (err) {
      if (signal.aborted) throw err;
      console.error(`skiff agent: registering node ${nodeName} failed (retrying): ${(err as Error).message}`);
      await sleep(backoffMs, undefined, { signal }).catch(() => {});
    }
  }

  const intervalMs = options.intervalMs ?? 10_000;
  const loop = (async () => {
    while (!signal.aborted) {
      await sleep(intervalMs, undefined, { signal }).catch(() => {});
      if (signal.aborted) break;
      await heartbeat().catch((err) => console.error(`skiff agent: heartbeat of node ${nodeName} failed: ${(err as Error).message}`));
    }
  })();
  return {
    get node() {
      return node!;
    },
    stop: () => {
      halted.abort();
      return loop;
    },
  };
}

/** The Node as registered (status is posted separately: create drops it; the server assigns the podCIDR). */
function nodeObject(nodeName: string, options: Pick<NodeHeartbeatOptions, 'labels' | 'taints'>): Node {
  const arch = goArch(process.arch);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: nodeName,
      labels: {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': process.platform,
        'kubernetes.io/arch': arch,
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': process.platform,
        ...options.labels,
      },
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: options.taints.length > 0 ? { taints: options.taints } : {},
  };
}

/** The status to post: healthy conditions (their transition times kept), the host's facts. */
function statusOf(nodeName: string, facts: HostFacts, current: NodeStatus | undefined): NodeStatus {
  const base = nodeStatus({ name: nodeName, address: facts.addresses[0].address, capacity: facts.capacity, labels: {}, taints: [] }, current, new Date(), facts.pressure);
  return { ...base, capacity: facts.capacity, allocatable: facts.allocatable, addresses: facts.addresses, nodeInfo: facts.nodeInfo };
}

function factsChanged(posted: NodeStatus | undefined, facts: HostFacts): boolean {
  return !isDeepStrictEqual(
    { capacity: posted?.capacity, allocatable: posted?.allocatable, addresses: posted?.addresses, nodeInfo: posted?.nodeInfo },
    { capacity: facts.capacity, allocatable: facts.allocatable, addresses: facts.addresses, nodeInfo: facts.nodeInfo },
  );
}
