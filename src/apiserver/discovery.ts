// API discovery, derived from the registry: the aggregated v2 documents kubectl asks for
// first (`/api` and `/apis` with as=APIGroupDiscoveryList), and the legacy endpoints.

import type { KindDeclaration } from '../api/kind.ts';
import { allVerbs } from '../api/kind.ts';
import type { Registry } from '../api/registry.ts';

export const aggregatedContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return !!accept && /g=apidiscovery\.k8s\.io/.test(accept) && /as=APIGroupDiscoveryList/.test(accept) && /v=v2(?:[;,]|$)/.test(accept);
}

const subresourceVerbs = ['get', 'patch', 'update'];

function subresourcesOf(decl: KindDeclaration): { name: string; kind: string; group?: string; version?: string; verbs: string[] }[] {
  const out = [];
  if (decl.subresources?.status) out.push({ name: 'status', kind: decl.kind, verbs: subresourceVerbs });
  if (decl.subresources?.scale) out.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: subresourceVerbs });
  if (decl.kind === 'Node') out.push({ name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] });
  if (decl.kind === 'Pod') {
    out.push({ name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] });
    out.push({ name: 'binding', kind: 'Binding', verbs: ['create'] });
    out.push({ name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] });
    out.push({ name: 'log', kind: 'Pod', verbs: ['get'] });
    out.push({ name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
  }
  if (decl.kind === 'Namespace') out.push({ name: 'finalize', kind: 'Namespace', verbs: ['update'] });
  return out;
}

/** The aggregated discovery document: the core group for /api, the rest for /apis. */
export function aggregatedDiscovery(registry: Registry, legacy: boolean): object {
  const groups = registry.groups().filter((g) => (g.group === '') === legacy);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.sort(groupOrder).map(({ group, versions }) => ({
      metadata: group ? { name: group } : {},
      versions: versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: registry.servedAt(group, version).map(({ decl }) => ({
          resource: decl.plural,
          responseKind: { group, version, kind: decl.kind },
          scope: decl.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: decl.singular,
          verbs: decl.verbs ?? allVerbs,
          ...(decl.shortNames ? { shortNames: decl.shortNames } : {}),
          ...(decl.categories ? { categories: decl.categories } : {}),
          ...(subresourcesOf(decl).length
            ? {
                subresources: subresourcesOf(decl).map((s) => ({
                  subresource: s.name,
                  responseKind: { group: s.group ?? group, version: s.version ?? version, kind: s.kind },
                  verbs: s.verbs,
                })),
              }
            : {}),
        })),
      })),
    })),
  };
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(registry: Registry): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().filter((g) => g.group !== '').sort(groupOrder).map(apiGroup) };
}

export function apiGroup({ group, versions }: { group: string; versions: string[] }): object {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: list, preferredVersion: list[0] };
}

export function apiResourceList(registry: Registry, group: string, version: string): object | undefined {
  const served = registry.servedAt(group, version);
  if (served.length === 0) return undefined;
  const resources = [];
  for (const { decl } of served) {
    resources.push({
      name: decl.plural,
      singularName: decl.singular,
      namespaced: decl.namespaced,
      kind: decl.kind,
      verbs: decl.verbs ?? allVerbs,
      ...(decl.shortNames ? { shortNames: decl.shortNames } : {}),
      ...(decl.categories ? { categories: decl.categories } : {}),
    });
    for (const s of subresourcesOf(decl)) {
      resources.push({ name: `${decl.plural}/${s.name}`, singularName: '', namespaced: decl.namespaced, ...(s.group ? { group: s.group, version: s.version } : {}), kind: s.kind, verbs: s.verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

/** Upstream lists built-in groups in priority order; ours: apps first, then by name, CRDs last. */
const priority = ['apps', 'events.k8s.io', 'autoscaling', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io'];

function groupOrder(a: { group: string }, b: { group: string }): number {
  const rank = (g: string) => (g === '' ? -1 : priority.includes(g) ? priority.indexOf(g) : priority.length);
  return rank(a.group) - rank(b.group) || a.group.localeCompare(b.group);
}
