// What the scheduler knows of one node: the Node's labels, taints and allocatable resources,
// and the pods on it (bound, or assumed while their binding is under way) summed into
// requested resources, host ports in use and the subsets with pod (anti-)affinity.
// Kept up to date incrementally as pods and the node change.

import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { accumulate, allocatableOf, emptyResources, type Allocatable, type Resources } from './resources.ts';
import { hasPodAffinity, type HostPort, type PodInfo } from './podInfo.ts';

export class NodeInfo {
  readonly name: string;
  /** undefined while pods name a node the scheduler has not seen (or no longer sees). */
  node: Node | undefined;
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  unschedulable = false;
  allocatable: Allocatable = { ...emptyResources(), allowedPods: 0 };
  readonly requested: Resources = emptyResources();
  /** cpu and memory requested, counting upstream's defaults for containers that request none. */
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  /** By namespace/name. */
  readonly pods = new Map<string, PodInfo>();
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** "protocol/port" -> host IP -> number of pods using it. */
  readonly #usedPorts = new Map<string, Map<string, number>>();

  constructor(name: string) {
    this.name = name;
  }

  setNode(node: Node | undefined): void {
    this.node = node;
    this.labels = node?.metadata?.labels ?? {};
    this.taints = node?.spec?.taints ?? [];
    this.unschedulable = Boolean(node?.spec?.unschedulable);
    this.allocatable = allocatableOf(node?.status?.allocatable as Record<string, string> | undefined);
  }

  addPod(p: PodInfo): void {
    this.pods.set(p.key, p);
    if (hasPodAffinity(p)) this.podsWithAffinity.add(p);
    if (p.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.add(p);
    this.#account(p, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    this.podsWithAffinity.delete(p);
    this.podsWithRequiredAntiAffinity.delete(p);
    this.#account(p, -1);
    return p;
  }

  /** Whether any of these host ports is taken (0.0.0.0 conflicts with every address). */
  portsConflict(ports: HostPort[]): boolean {
    for (const { ip, protocol, port } of ports) {
      const users = this.#usedPorts.get(`${protocol}/${port}`);
      if (!users) continue;
      if (ip === '0.0.0.0' || users.has(ip) || users.has('0.0.0.0')) return true;
    }
    return false;
  }

  #account(p: PodInfo, sign: 1 | -1): void {
    accumulate(this.requested, p.requests, sign);
    this.nonZeroMilliCPU += sign * p.nonZeroMilliCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const { ip, protocol, port } of p.hostPorts) {
      const key = `${protocol}/${port}`;
      const users = this.#usedPorts.get(key) ?? new Map<string, number>();
      const count = (users.get(ip) ?? 0) + sign;
      if (count > 0) users.set(ip, count);
      else users.delete(ip);
      if (users.size > 0) this.#usedPorts.set(key, users);
      else this.#usedPorts.delete(key);
    }
  }
}
