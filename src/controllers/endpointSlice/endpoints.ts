// A Service's pods as EndpointSlice endpoints, as upstream's endpointslice utils: the
// address types a Service takes, each pod's ports and its endpoint (addresses of one family,
// ready/serving/terminating conditions, node, zone, hostname).

import { isIPv6 } from 'node:net';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { isPodReady } from '../replicaSet/pods.ts';
import { findPort, isServiceIPSet, podIPs, shouldSetHostname, type PodObject, type ServiceObject } from '../endpoints/servicePods.ts';

export type AddressType = 'IPv4' | 'IPv6';

const zoneLabel = 'topology.kubernetes.io/zone';

/** The service's IP families; without them, its cluster IP's, and both for a headless one. */
export function addressTypesOf(service: ServiceObject): AddressType[] {
  const families = (service.spec?.ipFamilies ?? []).filter((f): f is AddressType => f === 'IPv4' || f === 'IPv6');
  if (families.length > 0) return [...new Set(families)];
  if (isServiceIPSet(service)) return [isIPv6(service.spec!.clusterIP!) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** The pod's port for each service port it has (a headless service may have none). */
export function endpointPorts(service: ServiceObject, pod: PodObject): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    ports.push({ name: servicePort.name ?? '', port, protocol: servicePort.protocol ?? 'TCP', ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}) });
  }
  return ports;
}

/**
 * A pod as an endpoint. Serving follows readiness; a terminating pod is never ready (unless
 * the service publishes not-ready addresses) but may still be serving.
 */
export function podEndpoint(pod: PodObject, node: Node | undefined, service: ServiceObject, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const meta = pod.metadata!;
  const zone = node?.metadata?.labels?.[zoneLabel];
  return {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    ...(shouldSetHostname(pod, service) ? { hostname: pod.spec!.hostname! } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(zone ? { zone } : {}),
    targetRef: { kind: 'Pod', namespace: meta.namespace!, name: meta.name!, uid: meta.uid! },
  };
}

/** Identifies a set of ports whatever their order (upstream's PortMapKey). */
export function portsKey(ports: EndpointPort[] | undefined): string {
  return (ports ?? [])
    .map((p) => `${p.name ?? ''}|${p.port ?? ''}|${p.protocol ?? 'TCP'}|${p.appProtocol ?? ''}`)
    .sort()
    .join(',');
}

/**
 * Identifies an endpoint by its addresses, hostname and pod (upstream's endpoint hash), so
 * changes to its conditions or topology update it in place.
 */
export function endpointKey(endpoint: Endpoint): string {
  return JSON.stringify([[...endpoint.addresses].sort(), endpoint.hostname ?? '', endpoint.targetRef?.namespace ?? '', endpoint.targetRef?.name ?? '']);
}

/** Equal beyond what endpointKey covers: node, zone, conditions and pod (upstream's EndpointsEqualBeyondHash). */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  const ref = (e: Endpoint) => [e.targetRef?.kind, e.targetRef?.namespace, e.targetRef?.name, e.targetRef?.uid].join('|');
  return (
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    a.conditions?.ready === b.conditions?.ready &&
    a.conditions?.serving === b.conditions?.serving &&
    a.conditions?.terminating === b.conditions?.terminating &&
    ref(a) === ref(b)
  );
}
