// What the Endpoints and EndpointSlice controllers both know about a Service and its pods, as
// upstream's endpointslice util: which pods a Service selects, which of them are endpoints,
// their addresses, and the port a service port means on each pod.

import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import { selectorMatches } from '../../api/validation.ts';
import type { Lister } from '../../client/informer.ts';
import { isPodReady } from '../replicaSet/pods.ts';

export type PodObject = Pod & KubeObject;
export type ServiceObject = Service & KubeObject;

/** On the Endpoints and EndpointSlices of services without a cluster IP. */

/** Services with a selector get endpoints from the controllers; ExternalName ones never do. */
export function managesEndpoints(service: Service): boolean {
  return service.spec?.type !== 'ExternalName' && service.spec?.selector != null;
}

export function selects(service: Service, labels: Record<string, string> | undefined): boolean {
  return service.spec?.selector != null && selectorMatches({ matchLabels: service.spec.selector }, labels);
}

/** The pods a Service's selector picks, by name for a stable order. */
export function selectedPods(pods: Lister<PodObject>, service: ServiceObject): PodObject[] {
  return pods.list(service.metadata?.namespace, (pod) => selects(service, pod.metadata?.labels)).sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

/**
 * A pod is an endpoint once it has an IP and until it finishes; a pod being deleted only
 * when terminating endpoints are included.
 */
export function isEndpoint(pod: PodObject, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

/** The pod's IPs, in order. */
export function podIPs(pod: PodObject): string[] {
  const ips = (pod.status?.podIPs ?? []).flatMap((p) => (p.ip ? [p.ip] : []));
  return ips.length > 0 ? ips : pod.status?.podIP ? [pod.status.podIP] : [];
}

/** The hostname is published for pods naming this service as their subdomain. */
export function shouldSetHostname(pod: PodObject, service: ServiceObject): boolean {
  return Boolean(pod.spec?.hostname) && pod.spec?.subdomain === service.metadata?.name && pod.metadata?.namespace === service.metadata?.namespace;
}

/** Headless services (clusterIP None, or none at all) have no virtual IP. */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return Boolean(ip) && ip !== 'None';
}

/**
 * The port a service port reaches on a pod: targetPort as a number, or the container port of
 * that name and protocol (regular containers, then restartable init containers); undefined
 * when the pod has no such named port, which leaves the pod out for this service port.
 */
export function findPort(pod: PodObject, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
  }
  return undefined;
}

/**
 * Whether a pod update can change the endpoints of the services selecting it (upstream's
 * podEndpointsChanged), or which services select it (labels, hostname, subdomain).
 */
export function podEndpointsChanged(old: PodObject, pod: PodObject): { endpoints: boolean; membership: boolean } {
  const membership =
    JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {}) ||
    old.spec?.hostname !== pod.spec?.hostname ||
    old.spec?.subdomain !== pod.spec?.subdomain;
  const endpoints =
    old.metadata?.deletionTimestamp !== pod.metadata?.deletionTimestamp ||
    isPodReady(old) !== isPodReady(pod) ||
    old.status?.phase !== pod.status?.phase ||
    podIPs(old).join() !== podIPs(pod).join() ||
    old.spec?.nodeName !== pod.spec?.nodeName;
  return { endpoints, membership };
}
