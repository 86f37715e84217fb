// The subsets of a Service's Endpoints, as upstream's endpoints controller computes them: one
// address per selected pod and service port (ports resolved per pod, so pods lacking a named
// port are left out for that port), ready or not ready, then repacked into the canonical form
// where ports offered by the same addresses share a subset.

import { isIPv6 } from 'node:net';
import type { EndpointAddress, EndpointPort, EndpointSubset, ServicePort } from 'kubernetes-types/core/v1.js';
import { isPodReady } from '../replicaSet/pods.ts';
import { findPort, isEndpoint, isServiceIPSet, podIPs, shouldSetHostname, type PodObject, type ServiceObject } from './servicePods.ts';

/** Upstream's maxCapacity: addresses beyond it are truncated (annotated over-capacity). */
export const maxEndpointsCapacity = 1000;

export function endpointSubsets(service: ServiceObject, pods: PodObject[]): EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const servicePorts = service.spec?.ports ?? [];
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!isEndpoint(pod, publishNotReady)) continue;
    const address = endpointAddress(service, pod);
    if (!address) continue;
    const ready = publishNotReady || isPodReady(pod);
    const subset = (ports: EndpointPort[]): EndpointSubset => ({ ...(ready ? { addresses: [address] } : { notReadyAddresses: [address] }), ...(ports.length ? { ports } : {}) });
    // A headless service may have no ports: its addresses are still published.
    if (servicePorts.length === 0) {
      if (service.spec?.clusterIP === 'None') subsets.push(subset([]));
      continue;
    }
    for (const servicePort of servicePorts) {
      const port = findPort(pod, servicePort);
      if (port !== undefined) subsets.push(subset([endpointPort(servicePort, port)]));
    }
  }
  return repackSubsets(subsets);
}

/** The pod's address in the service's IP family (its first family, else that of its IPs). */
function endpointAddress(service: ServiceObject, pod: PodObject): EndpointAddress | undefined {
  const ips = podIPs(pod);
  const family = service.spec?.ipFamilies?.[0] ?? (isIPv6((isServiceIPSet(service) ? service.spec?.clusterIP : ips[0]) ?? '') ? 'IPv6' : 'IPv4');
  const ip = ips.find((candidate) => isIPv6(candidate) === (family === 'IPv6'));
  if (!ip) return undefined;
  const meta = pod.metadata!;
  return {
    ip,
    ...(shouldSetHostname(pod, service) ? { hostname: pod.spec!.hostname! } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: meta.namespace!, name: meta.name!, uid: meta.uid! },
  };
}

function endpointPort(servicePort: ServicePort, port: number): EndpointPort {
  return {
    ...(servicePort.name ? { name: servicePort.name } : {}),
    port,
    protocol: servicePort.protocol ?? 'TCP',
    ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
  };
}

/**
 * The canonical layout of subsets (upstream's RepackSubsets): every port maps to the set of
 * addresses offering it (an address not ready for a port is not ready there, whatever else
 * says), ports with the same address set share one subset, and everything is sorted.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  /** port key -> the port (undefined: the no-ports sentinel) and address key -> ready */
  const byPort = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  for (const subset of subsets) {
    for (const port of subset.ports?.length ? subset.ports : [undefined]) {
      const key = port ? portKey(port) : '';
      let entry = byPort.get(key);
      if (!entry) byPort.set(key, (entry = { port, ready: new Map() }));
      const mark = (address: EndpointAddress, ready: boolean) => {
        const at = addressKey(address);
        if (!addresses.has(at)) addresses.set(at, address);
        if (entry.ready.get(at) !== false) entry.ready.set(at, ready);
      };
      for (const address of subset.addresses ?? []) mark(address, true);
      for (const address of subset.notReadyAddresses ?? []) mark(address, false);
    }
  }
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const key = [...ready].map(([at, r]) => `${at}=${r}`).sort().join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ready, ports: [] }));
    if (port) group.ports.push(port);
  }
  const repacked = [...groups.values()].map(({ ready, ports }) => {
    const pick = (want: boolean) => [...ready].filter(([, r]) => r === want).map(([at]) => addresses.get(at)!).sort(compareAddresses);
    const ok = pick(true);
    const notReady = pick(false);
    const subset: EndpointSubset = {};
    if (ok.length) subset.addresses = ok;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (ports.length) subset.ports = ports.sort((a, b) => a.port - b.port || compareStrings(portKey(a), portKey(b)));
    return subset;
  });
  return repacked.sort((a, b) => compareStrings(JSON.stringify(a), JSON.stringify(b)));
}

/**
 * Subsets cut down to maxEndpointsCapacity addresses, ready ones first, each subset keeping
 * its share (rounded up), as upstream's truncateEndpoints; undefined when they fit.
 */
export function truncateSubsets(subsets: EndpointSubset[]): EndpointSubset[] | undefined {
  const count = (pick: (s: EndpointSubset) => EndpointAddress[] | undefined) => subsets.reduce((n, s) => n + (pick(s)?.length ?? 0), 0);
  const totalReady = count((s) => s.addresses);
  const totalNotReady = count((s) => s.notReadyAddresses);
  if (totalReady + totalNotReady <= maxEndpointsCapacity) return undefined;
  const truncateReady = totalReady > maxEndpointsCapacity;
  const max = truncateReady ? maxEndpointsCapacity : maxEndpointsCapacity - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let room = max;
  const cut = (addresses: EndpointAddress[] | undefined) => {
    const kept = (addresses ?? []).slice(0, Math.min(Math.ceil(((addresses?.length ?? 0) / total) * max), room));
    room -= kept.length;
    return kept;
  };
  return subsets
    .map(({ addresses, notReadyAddresses, ...rest }) => {
      const ready = truncateReady ? cut(addresses) : (addresses ?? []);
      const notReady = truncateReady ? [] : cut(notReadyAddresses);
      return { ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ...rest };
    })
    .filter((s) => s.addresses || s.notReadyAddresses);
}

const addressKey = (a: EndpointAddress) => `${a.ip}|${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort) => `${p.name ?? ''}|${p.port}|${p.protocol ?? ''}|${p.appProtocol ?? ''}`;
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** By IP, then by the uid of the pod (upstream's LessEndpointAddress). */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareStrings(a.ip, b.ip) || compareStrings(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}
