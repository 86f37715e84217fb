// The node IPAM controller, as upstream's range allocator: every Node without a podCIDR gets
// the next free subnet of the cluster CIDR (10.42.0.0/16 in /24s unless configured), written
// to spec.podCIDR and spec.podCIDRs (which may only go from unset to set). Subnets of nodes
// that have one (registered with their own, or allocated before a restart) are marked used
// first, and freed when the node is deleted. When the range is full the node gets a
// CIDRNotAvailable event and waits until a subnet frees up.

import type { Node } from '../../api/objects.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { Informer } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue, type WorkQueue } from '../../client/workqueue.ts';
import type { Client } from '../../client/client.ts';
import { runWorkers, type Controller } from '../controller.ts';
import { isInvalid, isNotFound } from '../replicaSet/apiErrors.ts';
import { CidrSet } from './cidrSet.ts';

/** k3s's defaults: --cluster-cidr 10.42.0.0/16, --node-cidr-mask-size 24. */
export const defaultClusterCIDR = '10.42.0.0/16';
export const defaultNodeCIDRMaskSize = 24;

/** Upstream runs 30 CIDR update workers. */
const workers = 8;

export const nodeIpamController: Controller = {
  name: 'node-ipam-controller',
  start(ctx) {
    const cidrs = new CidrSet(ctx.options.clusterCIDR ?? defaultClusterCIDR, ctx.options.nodeCIDRMaskSize ?? defaultNodeCIDRMaskSize);
    const queue = createWorkQueue({ name: 'nodeipam' });
    const allocator = new RangeAllocator(ctx.client, ctx.informers.informer<Node>(types.nodes), cidrs, queue, ctx.recorder('cidrAllocator'));
    allocator.watch();
    runWorkers(ctx, 'node-ipam-controller', queue, workers, (name) => allocator.sync(name));
  },
};

class RangeAllocator {
  readonly #client: Client;
  readonly #nodes: Informer<Node>;
  readonly #cidrs: CidrSet;
  readonly #queue: WorkQueue;
  readonly #recorder: EventRecorder;
  /** Subnets allocated to nodes whose Node does not show them yet: a retried write reuses them. */
  readonly #pending = new Map<string, string>();

  constructor(client: Client, nodes: Informer<Node>, cidrs: CidrSet, queue: WorkQueue, recorder: EventRecorder) {
    this.#client = client;
    this.#nodes = nodes;
    this.#cidrs = cidrs;
    this.#queue = queue;
    this.#recorder = recorder;
  }

  /**
   * Follows the nodes. Workers start only once the cache synced, so every existing node's
   * subnet is marked used before the first allocation.
   */
  watch(): void {
    this.#nodes.addHandler({
      onAdd: (node) => this.#observe(node),
      onUpdate: (old, node) => {
        if (podCIDRsOf(node).length === 0 || podCIDRsOf(old).join() !== podCIDRsOf(node).join()) this.#observe(node);
      },
      onDelete: (node) => this.#release(node),
    });
  }

  /** Gives the node a subnet if it has none yet. */
  async sync(name: string): Promise<void> {
    const node = this.#nodes.get(undefined, name);
    if (!node || podCIDRsOf(node).length > 0) return;
    const cidr = this.#pending.get(name) ?? this.#cidrs.allocateNext();
    if (cidr === undefined) {
      this.#recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      return;
    }
    this.#pending.set(name, cidr);
    try {
      await this.#client.patch<Node>(types.nodes, undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (err) {
      // Gone, or given a podCIDR by someone else meanwhile (it is immutable once set): ours is free again.
      if (!isNotFound(err) && !isInvalid(err)) throw err;
      this.#forgetPending(name);
    }
  }

  #observe(node: Node): void {
    const name = node.metadata!.name!;
    const podCIDRs = podCIDRsOf(node);
    if (podCIDRs.length === 0) return void this.#queue.add(name);
    // Subnets outside the cluster CIDR (a node that chose its own) are not ours to track.
    for (const cidr of podCIDRs) this.#cidrs.occupy(cidr);
    const pending = this.#pending.get(name);
    if (pending !== undefined && !podCIDRs.includes(pending)) this.#cidrs.release(pending);
    this.#pending.delete(name);
  }

  #release(node: Node): void {
    const name = node.metadata!.name!;
    const freed = podCIDRsOf(node).filter((cidr) => this.#cidrs.release(cidr)).length;
    this.#forgetPending(name);
    // A node that found the range full may have a subnet now (one per subnet freed).
    if (freed === 0) return;
    for (const waiting of this.#nodes.list(undefined, (n) => podCIDRsOf(n).length === 0).slice(0, freed)) this.#queue.add(waiting.metadata!.name!);
  }

  #forgetPending(name: string): void {
    const pending = this.#pending.get(name);
    if (pending !== undefined) this.#cidrs.release(pending);
    this.#pending.delete(name);
  }
}

function podCIDRsOf(node: Node): string[] {
  return node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}
