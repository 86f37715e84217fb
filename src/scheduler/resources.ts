// Resource amounts as the scheduler counts them: cpu in millicores, everything else in whole
// units (quantities rounded up, as upstream's MilliValue/Value), and a pod's request computed
// the way upstream's computePodResourceRequest does: the larger of the containers' sum and
// the largest init container (sidecars, init containers with restartPolicy Always, count
// with the containers and under every later init container), plus the pod's overhead.

import type { Container, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../api/groups/core/quantity.ts';

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources, hugepages and other scalar resources by name; undefined when none. */
  scalar: Map<string, number> | undefined;
}

/** A node's allocatable resources. */
export interface Allocatable extends Resources {
  allowedPods: number;
}

/** What a pod asks for: its requests, and cpu and memory with upstream's defaults for containers that ask for none (for spreading scores). */
export interface PodRequests {
  requests: Resources;
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
}

/** Upstream's defaults for a container without a cpu or memory request, used only for scoring. */
const defaultMilliCPURequest = 100;
const defaultMemoryRequest = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined };
}

/** Resource names the scheduler accounts beyond cpu, memory and ephemeral-storage. */
function isScalarResourceName(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

/** A quantity in the unit the scheduler counts `name` in (millicores for cpu). */
function units(name: string, quantity: string | number | undefined): number {
  const value = parseQuantity(quantity) ?? 0;
  return ceilUnits(name === 'cpu' ? value * 1000 : value);
}

function ceilUnits(x: number): number {
  if (Number.isInteger(x)) return x;
  // Drop binary noise below a millionth first, so 0.7 cpu is 700m and not 701m.
  return Math.ceil(Math.round(x * 1e6) / 1e6);
}

type ResourceList = Map<string, number>;

function listOf(requests: Record<string, string | number> | undefined, nonMissing?: ResourceList): ResourceList {
  const list: ResourceList = new Map();
  for (const name in requests) list.set(name, units(name, requests[name]));
  if (nonMissing) for (const [name, value] of nonMissing) if (!list.has(name)) list.set(name, value);
  return list;
}

function addTo(into: ResourceList, list: ResourceList): void {
  for (const [name, value] of list) into.set(name, (into.get(name) ?? 0) + value);
}

function maxInto(into: ResourceList, list: ResourceList): void {
  for (const [name, value] of list) if (value > (into.get(name) ?? 0)) into.set(name, value);
}

/** The pod's effective requests per resource name (upstream's PodRequests). */
function podRequestList(spec: PodSpec | undefined, nonMissing?: ResourceList): ResourceList {
  const total: ResourceList = new Map();
  for (const c of spec?.containers ?? []) addTo(total, listOf(requestsOf(c), nonMissing));
  const sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const c of spec?.initContainers ?? []) {
    const own = listOf(requestsOf(c), nonMissing);
    if (c.restartPolicy === 'Always') {
      addTo(total, own);
      addTo(sidecars, own);
      maxInto(initMax, sidecars);
    } else {
      addTo(own, sidecars); // sidecars started before this init container still run beside it
      maxInto(initMax, own);
    }
  }
  maxInto(total, initMax);
  if (spec?.overhead) addTo(total, listOf(spec.overhead as Record<string, string>));
  return total;
}

function requestsOf(c: Container): Record<string, string | number> | undefined {
  return c.resources?.requests as Record<string, string | number> | undefined;
}

const nonZeroDefaults: ResourceList = new Map([
  ['cpu', defaultMilliCPURequest],
  ['memory', defaultMemoryRequest],
]);

export function podRequests(pod: Pod): PodRequests {
  const list = podRequestList(pod.spec);
  const nonZero = podRequestList(pod.spec, nonZeroDefaults);
  return { requests: toResources(list), nonZeroMilliCPU: nonZero.get('cpu') ?? 0, nonZeroMemory: nonZero.get('memory') ?? 0 };
}

function toResources(list: ResourceList): Resources {
  const r = emptyResources();
  for (const [name, value] of list) {
    if (name === 'cpu') r.milliCPU = value;
    else if (name === 'memory') r.memory = value;
    else if (name === 'ephemeral-storage') r.ephemeralStorage = value;
    else if (isScalarResourceName(name)) (r.scalar ??= new Map()).set(name, value);
  }
  return r;
}

/** A node's status.allocatable as the scheduler counts it. */
export function allocatableOf(allocatable: Record<string, string | number> | undefined): Allocatable {
  const list = listOf(allocatable);
  return { ...toResources(list), allowedPods: list.get('pods') ?? 0 };
}

/** Adds (sign 1) or subtracts (sign -1) r into total. */
export function accumulate(total: Resources, r: Resources, sign: 1 | -1): void {
  total.milliCPU += sign * r.milliCPU;
  total.memory += sign * r.memory;
  total.ephemeralStorage += sign * r.ephemeralStorage;
  if (!r.scalar) return;
  total.scalar ??= new Map();
  for (const [name, value] of r.scalar) total.scalar.set(name, (total.scalar.get(name) ?? 0) + sign * value);
}
