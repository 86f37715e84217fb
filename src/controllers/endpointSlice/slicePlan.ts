// Which EndpointSlices to create, update and delete so a Service's slices list its pods, as
// upstream's endpointslice reconciler decides: endpoints are grouped by their set of ports
// (one port set per slice) and address type, kept in the slice they are in when possible
// (updated in place), new ones fill the slices being updated first, then the existing slice
// closest to full, then new slices of at most maxEndpointsPerSlice. A Service with no
// endpoints keeps one empty placeholder slice. Pure: the controller writes the plan.

import type { Node } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import { isEndpoint, isServiceIPSet, type PodObject, type ServiceObject } from '../endpoints/servicePods.ts';
import { managedByLabel, serviceNameLabel } from '../../api/groups/cluster/endpointSlice.ts';
import { headlessLabel } from '../../api/groups/core/service.ts';
import { addressTypesOf, endpointKey, endpointPorts, podEndpoint, portsKey, sameEndpoint, type AddressType } from './endpoints.ts';

export type EndpointSliceObject = EndpointSlice & KubeObject;

export const controllerName = 'endpointslice-controller.k8s.io';
/** Upstream's --max-endpoints-per-slice default. */
export const defaultMaxEndpointsPerSlice = 100;

export interface SlicePlan {
  create: EndpointSliceObject[];
  update: EndpointSliceObject[];
  delete: EndpointSliceObject[];
  /** Pods left out for now (their node is not known); the service is synced again. */
  errors: string[];
}

export interface SliceInputs {
  service: ServiceObject;
  pods: PodObject[];
  node: (name: string) => Node | undefined;
  /** The service's slices managed by this controller (not being deleted). */
  existing: EndpointSliceObject[];
  maxEndpointsPerSlice?: number;
}

export function planSlices({ service, pods, node, existing, maxEndpointsPerSlice = defaultMaxEndpointsPerSlice }: SliceInputs): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], errors: [] };
  const addressTypes = addressTypesOf(service);
  for (const slice of existing) if (!addressTypes.includes(slice.addressType as AddressType)) plan.delete.push(slice);
  for (const addressType of addressTypes) {
    const ofType = existing.filter((s) => s.addressType === addressType);
    const part = planAddressType(service, pods, node, ofType, addressType, maxEndpointsPerSlice);
    plan.create.push(...part.create);
    plan.update.push(...part.update);
    plan.delete.push(...part.delete);
    plan.errors.push(...part.errors);
  }
  // Rather than create one slice and delete another, reuse the one going (same address type,
  // owned by this service: not one left by an earlier service of the same name).
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const going = plan.delete[i]!;
    const slice = plan.create[plan.create.length - 1]!;
    if (going.addressType === slice.addressType && ownedBy(going, service)) {
      slice.metadata!.name = going.metadata!.name;
      plan.create.pop();
      plan.update.push(slice);
      plan.delete.splice(i, 1);
    } else i++;
  }
  // A service being deleted gets no new slices (the garbage collector is deleting them).
  if (service.metadata?.deletionTimestamp) plan.create = [];
  return plan;
}

function planAddressType(
  service: ServiceObject,
  pods: PodObject[],
  node: (name: string) => Node | undefined,
  existing: EndpointSliceObject[],
  addressType: AddressType,
  max: number,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], errors: [] };
  const existingByPorts = new Map<string, EndpointSliceObject[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, service)) plan.delete.push(slice);
    else push(existingByPorts, portsKey(slice.ports), slice);
  }

  const desiredByPorts = new Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>();
  for (const pod of pods) {
    if (!isEndpoint(pod, true)) continue;
    const nodeName = pod.spec?.nodeName ?? '';
    const podNode = node(nodeName);
    // Without its node the pod is left out and the service retried, unless the user asked
    // for every address to be published.
    if (!podNode && service.spec?.publishNotReadyAddresses !== true) {
      plan.errors.push(`skipping Pod ${pod.metadata?.name} for Service ${service.metadata?.namespace}/${service.metadata?.name}: Node ${nodeName} Not Found`);
      continue;
    }
    const ports = endpointPorts(service, pod);
    const key = portsKey(ports);
    let desired = desiredByPorts.get(key);
    if (!desired) desiredByPorts.set(key, (desired = { ports, endpoints: new Map() }));
    const endpoint = podEndpoint(pod, podNode, service, addressType);
    if (endpoint.addresses.length > 0) desired.endpoints.set(endpointKey(endpoint), endpoint);
  }

  for (const [key, desired] of desiredByPorts) {
    const part = planPortSet(service, existingByPorts.get(key) ?? [], desired.endpoints, { ports: desired.ports, addressType }, max);
    plan.create.push(...part.create);
    plan.update.push(...part.update);
    plan.delete.push(...part.delete);
  }
  for (const [key, slices] of existingByPorts) if (!desiredByPorts.has(key)) plan.delete.push(...slices);

  // No slices would be left: keep (or make) one empty placeholder.
  if (existing.length === plan.delete.length && plan.create.length === 0) {
    const placeholder = newSlice(service, { ports: [], addressType });
    if (plan.delete.length === 1 && isPlaceholder(plan.delete[0]!, placeholder)) plan.delete = [];
    else plan.create.push(placeholder);
  }
  return plan;
}

interface SliceMeta {
  ports: EndpointPort[];
  addressType: AddressType;
}

/** One port set's slices: keep endpoints where they are, then place the new ones. */
function planPortSet(service: ServiceObject, existing: EndpointSliceObject[], desired: Map<string, Endpoint>, meta: SliceMeta, max: number): Omit<SlicePlan, 'errors'> {
  const byName = new Map<string, EndpointSliceObject>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();

  // 1. Existing slices drop the endpoints no longer wanted and take the changed ones.
  for (const slice of existing) {
    const name = slice.metadata!.name!;
    byName.set(name, slice);
    const kept: Endpoint[] = [];
    let changed = false;
    for (const endpoint of slice.endpoints ?? []) {
      const key = endpointKey(endpoint);
      const wanted = desired.get(key);
      if (!wanted) continue;
      kept.push(wanted);
      if (!sameEndpoint(wanted, endpoint)) changed = true;
      desired.delete(key);
    }
    const labels = sliceLabels(slice, service);
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.add(name);
      else {
        byName.set(name, { ...slice, metadata: { ...slice.metadata, labels: labels.labels }, endpoints: kept });
        toUpdate.add(name);
      }
    } else if (labels.changed) {
      byName.set(name, { ...slice, metadata: { ...slice.metadata, labels: labels.labels } });
      toUpdate.add(name);
    } else unchanged.add(name);
  }

  const remaining = [...desired.values()];
  const fill = (slice: EndpointSliceObject) => {
    const endpoints = [...(slice.endpoints ?? [])];
    while (remaining.length > 0 && endpoints.length < max) endpoints.push(remaining.shift()!);
    slice.endpoints = endpoints;
  };

  // 2. Slices being updated anyway take new endpoints first, fullest first.
  for (const name of [...toUpdate].sort((a, b) => (byName.get(b)!.endpoints?.length ?? 0) - (byName.get(a)!.endpoints?.length ?? 0))) {
    if (remaining.length === 0) break;
    fill(byName.get(name)!);
  }

  // 3. What is left goes into the unchanged slice it fills best, else into new slices.
  const create: EndpointSliceObject[] = [];
  while (remaining.length > 0) {
    let target: EndpointSliceObject | undefined;
    if (remaining.length < max && unchanged.size > 0) {
      const best = closestToFull([...unchanged].map((n) => byName.get(n)!), remaining.length, max);
      if (best) byName.set(best.metadata!.name!, (target = structuredClone(best)));
    }
    target ??= newSlice(service, meta);
    fill(target);
    const name = target.metadata?.name;
    if (name) {
      toUpdate.add(name);
      unchanged.delete(name);
    } else create.push(target);
  }

  return { create, update: [...toUpdate].map((n) => byName.get(n)!), delete: [...toDelete].map((n) => byName.get(n)!) };
}

/** The slice that ends closest to full (without overflowing) when n endpoints are added. */
function closestToFull(slices: EndpointSliceObject[], n: number, max: number): EndpointSliceObject | undefined {
  let best: EndpointSliceObject | undefined;
  let bestRoom = max;
  for (const slice of slices) {
    const room = max - (n + (slice.endpoints?.length ?? 0));
    if (room >= 0 && room < bestRoom) {
      [best, bestRoom] = [slice, room];
      if (room === 0) break;
    }
  }
  return best;
}

function newSlice(service: ServiceObject, meta: SliceMeta): EndpointSliceObject {
  const { name, namespace, uid } = service.metadata!;
  const slice: EndpointSliceObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${name}-`,
      namespace,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: name!, uid: uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType: meta.addressType,
    endpoints: [],
    ports: meta.ports,
  };
  slice.metadata!.labels = sliceLabels(slice, service).labels;
  return slice;
}

export function ownedBy(slice: EndpointSliceObject, service: ServiceObject): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((ref) => ref.uid === service.metadata?.uid && ref.kind === 'Service' && ref.apiVersion === 'v1');
}

const reserved = new Set([serviceNameLabel, managedByLabel, headlessLabel]);

/**
 * A slice's labels: the service's (but the reserved ones), the headless label for services
 * without a cluster IP, the service name and this controller. changed: the service's labels
 * differ from those the slice carries.
 */
function sliceLabels(slice: EndpointSliceObject, service: ServiceObject): { labels: Record<string, string>; changed: boolean } {
  const strip = (labels: Record<string, string> | undefined) => Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !reserved.has(k)));
  const fromService = strip(service.metadata?.labels);
  const changed = JSON.stringify(sortedEntries(strip(slice.metadata?.labels))) !== JSON.stringify(sortedEntries(fromService));
  const labels: Record<string, string> = { ...fromService };
  if (!isServiceIPSet(service)) labels[headlessLabel] = '';
  labels[serviceNameLabel] = service.metadata!.name!;
  labels[managedByLabel] = controllerName;
  return { labels, changed };
}

const sortedEntries = (labels: Record<string, string>) => Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));

/** An existing slice that is already the placeholder a service with no endpoints needs. */
function isPlaceholder(slice: EndpointSliceObject, placeholder: EndpointSliceObject): boolean {
  return (
    slice.metadata?.namespace === placeholder.metadata?.namespace &&
    JSON.stringify(sortedEntries(slice.metadata?.labels ?? {})) === JSON.stringify(sortedEntries(placeholder.metadata?.labels ?? {})) &&
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0
  );
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
