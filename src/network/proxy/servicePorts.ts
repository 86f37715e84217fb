// What the service proxy programs, from the Services and EndpointSlices in the informers' caches:
// one ServicePort per port of every proxied Service, with the addresses that lead to it and the
// endpoints each kind of traffic may use. The endpoint choice is upstream's (kube-proxy's
// CategorizeEndpoints, without topology hints): Ready endpoints, or, when there is no Ready one
// at all, the serving ones that are terminating; "Local" traffic policies use this node's
// endpoints only, with the same fallback among them. Pure.

import type { EndpointSlice, Service } from '../../api/objects.ts';
import { serviceNameLabel } from '../../api/groups/cluster/endpointSlice.ts';
import { headlessLabel } from '../../api/groups/core/service.ts';

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface Endpoint {
  ip: string;
  port: number;
  /** It runs on this node. */
  local: boolean;
}

export interface ServicePort {
  namespace: string;
  service: string;
  /** The port's name, or its number when the only port has none (names always contain a letter). */
  portName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  nodePort?: number;
  /** Addresses other than the ClusterIP that lead here on `port`: spec.externalIPs and the VIP load-balancer ingress IPs. */
  externalIPs: string[];
  /** spec.loadBalancerSourceRanges, and the load-balancer addresses they guard: only those clients may use them. */
  firewall?: { addresses: string[]; sourceRanges: string[] };
  /** Session affinity ClientIP: how long a client stays with its endpoint. */
  affinitySeconds?: number;
  /** internalTrafficPolicy Local: ClusterIP traffic goes to this node's endpoints only. */
  internalLocal: boolean;
  /** externalTrafficPolicy Local (and reachable from outside): NodePort and external traffic goes to this node's endpoints only. */
  externalLocal: boolean;
  /** Endpoints for the Cluster policy (empty when neither policy is Cluster). */
  clusterEndpoints: Endpoint[];
  /** This node's endpoints for the Local policy (empty when neither policy is Local). */
  localEndpoints: Endpoint[];
  /** Some endpoint anywhere can take traffic: without one, traffic is rejected. */
  hasEndpoints: boolean;
}

export interface ProxiedNode {
  name: string;
}

/**
 * As kube-proxy's informers select: Services (and their slices) labelled for another proxy, or
 * marked headless, are not this proxy's.
 */
const notOurs = ['service.kubernetes.io/service-proxy-name', headlessLabel];
const isOurs = (o: { metadata?: { labels?: Record<string, string> } }) => !notOurs.some((label) => o.metadata?.labels?.[label] !== undefined);

/** Every port of every Service the proxy handles, in a stable order (namespace, name, port). */
export function servicePortsOf(services: readonly Service[], slices: readonly EndpointSlice[], node: ProxiedNode): ServicePort[] {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[serviceNameLabel];
    if (!service || slice.addressType !== 'IPv4' || !isOurs(slice)) continue;
    const key = `${slice.metadata!.namespace}/${service}`;
    let list = slicesByService.get(key);
    if (!list) slicesByService.set(key, (list = []));
    list.push(slice);
  }
  const ports: ServicePort[] = [];
  for (const service of services.filter(isOurs).sort(byNamespaceAndName)) {
    const key = `${service.metadata?.namespace}/${service.metadata?.name}`;
    ports.push(...portsOfService(service, slicesByService.get(key) ?? [], node));
  }
  return ports;
}

function portsOfService(service: Service, slices: EndpointSlice[], node: ProxiedNode): ServicePort[] {
  const spec = service.spec ?? {};
  const clusterIP = spec.clusterIP;
  // As upstream: headless and ExternalName Services, and those without a ClusterIP yet, are not proxied.
  if (spec.type === 'ExternalName' || !clusterIP || clusterIP === 'None' || !isIPv4(clusterIP)) return [];
  const vips = (service.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && (i.ipMode ?? 'VIP') === 'VIP').map((i) => i.ip!);
  // As kube-proxy: the load balancer's addresses are those its status names (ServiceLB names the
  // nodes that serve it), never this node's own address by itself.
  const externalIPs = [...new Set([...(spec.externalIPs ?? []), ...vips])].filter(isIPv4);
  const sourceRanges = spec.type === 'LoadBalancer' ? (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => isIPv4(r.split('/')[0]!)) : [];
  const guarded = vips.filter(isIPv4);
  const firewall = sourceRanges.length > 0 && guarded.length > 0 ? { addresses: guarded, sourceRanges } : undefined;
  const affinitySeconds = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined;
  return (spec.ports ?? []).flatMap((p): ServicePort[] => {
    const protocol = (p.protocol ?? 'TCP').toLowerCase() as Protocol;
    const nodePort = spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? p.nodePort || undefined : undefined;
    const externallyAccessible = nodePort !== undefined || externalIPs.length > 0;
    const internalLocal = spec.internalTrafficPolicy === 'Local';
    const externalLocal = externallyAccessible && spec.externalTrafficPolicy === 'Local';
    const endpoints = endpointsOf(slices, p.name ?? '', protocol, node.name);
    // As upstream, Cluster endpoints are also needed by a Service reachable from outside with
    // externalTrafficPolicy Local: its pods' and this host's own traffic to it is not external.
    const categorized = categorize(endpoints, { usesCluster: !internalLocal || externallyAccessible, usesLocal: internalLocal || externalLocal });
    return [{
      namespace: service.metadata!.namespace!,
      service: service.metadata!.name!,
      portName: p.name || String(p.port),
      protocol,
      clusterIP,
      port: p.port,
      ...(nodePort ? { nodePort } : {}),
      externalIPs,
      ...(firewall ? { firewall } : {}),
      ...(affinitySeconds ? { affinitySeconds } : {}),
      internalLocal,
      externalLocal,
      ...categorized,
    }];
  });
}

interface SliceEndpoint extends Endpoint {
  ready: boolean;
  servingTerminating: boolean;
}

/** The endpoints of one service port across the slices (each address once; upstream uses an endpoint's first address). */
function endpointsOf(slices: EndpointSlice[], portName: string, protocol: Protocol, nodeName: string): SliceEndpoint[] {
  const seen = new Map<string, SliceEndpoint>();
  for (const slice of slices) {
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP').toLowerCase() === protocol);
    if (!port?.port) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const ip = endpoint.addresses?.[0];
      if (!ip || !isIPv4(ip)) continue;
      // Upstream's reading of the conditions: unknown readiness is ready, unknown serving is serving.
      const ready = endpoint.conditions?.ready ?? true;
      const serving = endpoint.conditions?.serving ?? true;
      const terminating = endpoint.conditions?.terminating ?? false;
      const key = `${ip}:${port.port}`;
      if (!seen.has(key)) seen.set(key, { ip, port: port.port, local: endpoint.nodeName === nodeName, ready, servingTerminating: serving && terminating });
    }
  }
  return [...seen.values()].sort((a, b) => compareIPs(a.ip, b.ip) || a.port - b.port);
}

function categorize(endpoints: SliceEndpoint[], uses: { usesCluster: boolean; usesLocal: boolean }): Pick<ServicePort, 'clusterEndpoints' | 'localEndpoints' | 'hasEndpoints'> {
  const plain = (e: SliceEndpoint): Endpoint => ({ ip: e.ip, port: e.port, local: e.local });
  const usable = (candidates: SliceEndpoint[]) => {
    const ready = candidates.filter((e) => e.ready);
    return (ready.length > 0 ? ready : candidates.filter((e) => e.servingTerminating)).map(plain);
  };
  const clusterEndpoints = uses.usesCluster ? usable(endpoints) : [];
  const localEndpoints = uses.usesLocal ? usable(endpoints.filter((e) => e.local)) : [];
  const hasEndpoints = endpoints.some((e) => e.ready || e.servingTerminating);
  return { clusterEndpoints, localEndpoints, hasEndpoints };
}

export function isIPv4(address: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(address) && address.split('.').every((o) => Number(o) <= 255);
}

function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

function byNamespaceAndName(a: Service, b: Service): number {
  return (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}
