// Which addresses ServiceLB gives a LoadBalancer Service (k3s's ServiceLB idea without its
// DaemonSet: every node's service proxy serves the Service's port on the node's own address).
// Pure: the controller writes the result to status.loadBalancer.ingress.

import type { LoadBalancerIngress } from 'kubernetes-types/core/v1.js';
import type { Node, Service } from '../../api/objects.ts';

/** Nodes with this label are never load-balancer backends (upstream's service controller honours it too). */
export const excludeLabel = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** ServiceLB's Services: type LoadBalancer, with no loadBalancerClass naming another implementation. */
export function isServiceLBs(service: Service): boolean {
  return service.spec?.type === 'LoadBalancer' && !service.spec.loadBalancerClass;
}

/** The Ready nodes' InternalIPs, sorted, as VIP ingress points (the proxies DNAT them). */
export function ingressFor(nodes: readonly Node[]): LoadBalancerIngress[] {
  const ips = nodes.filter(isCandidate).flatMap((n) => internalIP(n) ?? []);
  return [...new Set(ips)].sort(compareIPs).map((ip) => ({ ip, ipMode: 'VIP' }));
}

function isCandidate(node: Node): boolean {
  if (node.metadata?.deletionTimestamp || node.metadata?.labels?.[excludeLabel] !== undefined) return false;
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP' && /^\d+\.\d+\.\d+\.\d+$/.test(a.address))?.address;
}

function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** Whether the status already says exactly this. */
export function sameIngress(current: readonly LoadBalancerIngress[] | undefined, wanted: readonly LoadBalancerIngress[]): boolean {
  const have = current ?? [];
  return have.length === wanted.length && have.every((i, k) => i.ip === wanted[k]!.ip && i.ipMode === wanted[k]!.ipMode && !i.hostname && !i.ports);
}
