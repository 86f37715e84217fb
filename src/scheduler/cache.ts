// The scheduler's cache: a NodeInfo per node, updated incrementally from the informers, plus
// the pods it has assumed onto nodes while their bindings are in flight, so back-to-back
// pods see each other's requests. Scheduling cycles are synchronous, so they read the cache
// itself rather than a copy.

import type { Node } from 'kubernetes-types/core/v1.js';
import { NodeInfo } from './nodeInfo.ts';
import type { PodInfo } from './podInfo.ts';

interface PodPlace {
  nodeName: string;
  /** Placed by this scheduler and not yet seen bound. */
  assumed: boolean;
}

export class SchedulerCache {
  readonly #nodes = new Map<string, NodeInfo>();
  readonly #pods = new Map<string, PodPlace>();
  readonly #withAffinityPods = new Set<NodeInfo>();
  readonly #withRequiredAntiAffinityPods = new Set<NodeInfo>();
  #ordered: NodeInfo[] = [];
  #orderStale = false;

  /** Nodes in upstream's node-tree order: round-robin across zones, so a partial scan still spreads over zones. */
  nodeList(): NodeInfo[] {
    if (this.#orderStale) {
      this.#ordered = interleaveZones([...this.#nodes.values()].filter((n) => n.node));
      this.#orderStale = false;
    }
    return this.#ordered;
  }

  node(name: string): NodeInfo | undefined {
    const info = this.#nodes.get(name);
    return info?.node ? info : undefined;
  }

  /** Nodes hosting pods with pod affinity or anti-affinity. */
  nodesWithAffinityPods(): Iterable<NodeInfo> {
    return this.#withAffinityPods;
  }

  nodesWithRequiredAntiAffinityPods(): Iterable<NodeInfo> {
    return this.#withRequiredAntiAffinityPods;
  }

  setNode(node: Node): void {
    const name = node.metadata!.name!;
    const info = this.#infoFor(name);
    const zoneBefore = info.node ? zoneKey(info.labels) : undefined;
    info.setNode(node);
    if (zoneBefore !== zoneKey(info.labels)) this.#orderStale = true;
  }

  removeNode(name: string): void {
    const info = this.#nodes.get(name);
    if (!info) return;
    info.setNode(undefined);
    // Pods still naming the node keep counting until they go (as upstream's ghost nodes).
    if (info.pods.size === 0) this.#nodes.delete(name);
    this.#orderStale = true;
  }

  /** A pod the API shows bound to nodeName (confirms an assumption, or moves it if bound elsewhere). */
  setPod(p: PodInfo, nodeName: string): void {
    this.#remove(p.key);
    this.#pods.set(p.key, { nodeName, assumed: false });
    this.#update(this.#infoFor(nodeName), (info) => info.addPod(p));
  }

  removePod(key: string): PodInfo | undefined {
    return this.#remove(key);
  }

  /** Counts the pod on nodeName before its binding lands. */
  assume(p: PodInfo, nodeName: string): void {
    this.#remove(p.key);
    this.#pods.set(p.key, { nodeName, assumed: true });
    this.#update(this.#infoFor(nodeName), (info) => info.addPod(p));
  }

  /** Drops an assumption whose binding failed; returns the pod if it was still only assumed. */
  forget(key: string): PodInfo | undefined {
    return this.#pods.get(key)?.assumed ? this.#remove(key) : undefined;
  }

  isAssumed(key: string): boolean {
    return this.#pods.get(key)?.assumed ?? false;
  }

  #remove(key: string): PodInfo | undefined {
    const place = this.#pods.get(key);
    if (!place) return undefined;
    this.#pods.delete(key);
    const info = this.#nodes.get(place.nodeName);
    if (!info) return undefined;
    let removed: PodInfo | undefined;
    this.#update(info, (i) => (removed = i.removePod(key)));
    if (!info.node && info.pods.size === 0) this.#nodes.delete(info.name);
    return removed;
  }

  #update(info: NodeInfo, change: (info: NodeInfo) => void): void {
    change(info);
    if (info.podsWithAffinity.size > 0) this.#withAffinityPods.add(info);
    else this.#withAffinityPods.delete(info);
    if (info.podsWithRequiredAntiAffinity.size > 0) this.#withRequiredAntiAffinityPods.add(info);
    else this.#withRequiredAntiAffinityPods.delete(info);
  }

  #infoFor(name: string): NodeInfo {
    let info = this.#nodes.get(name);
    if (!info) {
      info = new NodeInfo(name);
      this.#nodes.set(name, info);
    }
    return info;
  }
}

/** Upstream's zone key: region and zone labels (current or beta names). */
export function zoneKey(labels: Record<string, string>): string {
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  return region || zone ? `${region}:\u0000:${zone}` : '';
}

function interleaveZones(nodes: NodeInfo[]): NodeInfo[] {
  const zones = new Map<string, NodeInfo[]>();
  for (const n of nodes) {
    const key = zoneKey(n.labels);
    const list = zones.get(key);
    if (list) list.push(n);
    else zones.set(key, [n]);
  }
  if (zones.size <= 1) return nodes;
  const out: NodeInfo[] = [];
  const lists = [...zones.values()];
  for (let i = 0; out.length < nodes.length; i++) for (const list of lists) if (i < list.length) out.push(list[i]);
  return out;
}
