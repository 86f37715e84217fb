// The downward API: pod fields and container resources as strings, for env vars
// (fieldRef, resourceFieldRef) and downwardAPI volume files, formatted as upstream's.

import type { ObjectFieldSelector, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/groups/core/quantity.ts';

/** What the kubelet knows about the pod that is not (yet) in its status. */
export interface PodAddresses {
  podIPs: string[];
  hostIPs: string[];
}

export class ConfigError extends Error {}

/** A fieldRef's value; throws a ConfigError for an unsupported path. */
export function fieldValue(pod: Pod, ref: ObjectFieldSelector, addresses: PodAddresses): string {
  const path = ref.fieldPath;
  const meta = pod.metadata ?? {};
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (subscript) return (subscript[1] === 'labels' ? meta.labels : meta.annotations)?.[subscript[2]] ?? '';
  switch (path) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.annotations': return formatMap(meta.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP': return addresses.podIPs[0] ?? '';
    case 'status.podIPs': return addresses.podIPs.join(',');
    case 'status.hostIP': return addresses.hostIPs[0] ?? '';
    case 'status.hostIPs': return addresses.hostIPs.join(',');
  }
  throw new ConfigError(`unsupported fieldPath: ${path}`);
}

/**
 * A resourceFieldRef's value divided by its divisor, rounded up; a limit that is not set is
 * the node's allocatable, as upstream.
 */
export function resourceValue(pod: Pod, ref: ResourceFieldSelector, defaultContainer: string, allocatable: Record<string, string>): string {
  const name = ref.containerName || defaultContainer;
  const container = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
  if (!container) throw new ConfigError(`container ${name} not found`);
  const [kind, resource] = splitOnce(ref.resource, '.');
  if (kind !== 'limits' && kind !== 'requests') throw new ConfigError(`unsupported container resource: ${ref.resource}`);
  const set = kind === 'limits' ? container.resources?.limits : container.resources?.requests;
  const raw = set?.[resource] ?? (kind === 'limits' || resource !== 'cpu' ? allocatable[resource] : undefined) ?? '0';
  const value = parseQuantity(raw) ?? 0;
  const divisor = parseQuantity(ref.divisor ?? '1') || 1;
  // CPU is compared in millicores so "250m" / "1m" is exactly 250.
  const quotient = resource === 'cpu' ? Math.round(value * 1000) / Math.round(divisor * 1000) : value / divisor;
  return String(Math.ceil(quotient - 1e-9));
}

/** `key="value"` lines sorted by key, values quoted as Go's %q. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {}).sort().map((k) => `${k}=${JSON.stringify(map![k])}`).join('\n');
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
