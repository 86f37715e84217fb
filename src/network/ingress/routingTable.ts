// The ingress controller's routing table: every served Ingress's rules resolved down to the
// ready endpoints of their backend Services, and its TLS certificates by host. Built whole from
// the informers' caches on each change and swapped in at once, so a request in flight keeps
// the backend it was given.

import type { SecureContext } from 'node:tls';
import type { Ingress, IngressBackend, IngressRule } from 'kubernetes-types/networking/v1.js';
import type { EndpointSlice, Service } from '../../api/objects.ts';
import type { KubeObject } from '../../api/kind.ts';

export type IngressObject = Ingress & KubeObject;

export interface Endpoint {
  host: string;
  port: number;
}

/** Where one Service port's traffic goes. */
export interface Backend {
  /** "namespace/service:port", for logs. */
  name: string;
  endpoints: Endpoint[];
  /** The round-robin position: the one part of a table that changes while it is in use. */
  next: number;
}

export type MatchType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface PathRoute {
  /** Exact and ImplementationSpecific: the path as written; Prefix: without trailing slashes ("" for "/"). */
  path: string;
  type: MatchType;
  backend: Backend;
}

/** The routes of one host (or of every host): paths in precedence order, then a default. */
export interface HostRoutes {
  paths: PathRoute[];
  defaultBackend?: Backend;
}

export interface RoutingTable {
  /** Rules for exact hosts, by host. */
  hosts: Map<string, HostRoutes>;
  /** Rules for "*.domain" hosts, by domain. */
  wildcards: Map<string, HostRoutes>;
  /** Rules without a host, for hosts no other rule names; its default backend is that of an Ingress without rules. */
  anyHost: HostRoutes;
  /** Certificates by SNI name ("host" or "*.domain"). */
  certificates: Map<string, SecureContext>;
  /** The certificate of a TLS entry naming no hosts: for names no other certificate covers. */
  defaultCertificate?: SecureContext;
}

/** What the table is built from: the Ingresses served, and lookups into the caches. */
export interface RoutingSources {
  ingresses: IngressObject[];
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices of a Service (label kubernetes.io/service-name). */
  endpointSlices(namespace: string, service: string): EndpointSlice[];
  /** The certificate of a kubernetes.io/tls Secret, if it is one and it is valid. */
  certificate(namespace: string, secretName: string): SecureContext | undefined;
}

export const emptyRoutingTable: RoutingTable = { hosts: new Map(), wildcards: new Map(), anyHost: { paths: [] }, certificates: new Map() };

/**
 * Builds the table. Where Ingresses conflict (the same host and path, two default backends,
 * two certificates for a host), the oldest Ingress wins, as ingress-nginx decides.
 */
export function buildRoutingTable(sources: RoutingSources): RoutingTable {
  const ingresses = [...sources.ingresses].sort(oldestFirst);
  const backends = new Map<string, Backend>();
  const backendOf = (namespace: string, ref: IngressBackend): Backend => {
    const service = ref.service;
    const port = service?.port?.number ?? service?.port?.name ?? '';
    const name = service ? `${namespace}/${service.name}:${port}` : `${namespace}/${ref.resource?.kind}/${ref.resource?.name}`;
    let backend = backends.get(name);
    if (!backend) {
      // Resource backends name no Service: they have no endpoints here.
      const endpoints = service ? serviceEndpoints(sources, namespace, service.name, service.port ?? {}) : [];
      backend = { name, endpoints, next: Math.floor(Math.random() * endpoints.length) };
      backends.set(name, backend);
    }
    return backend;
  };

  const table: RoutingTable = { hosts: new Map(), wildcards: new Map(), anyHost: { paths: [] }, certificates: new Map() };
  const groupOf = (host: string | undefined): HostRoutes => {
    if (!host) return table.anyHost;
    const wildcard = host.startsWith('*.');
    const map = wildcard ? table.wildcards : table.hosts;
    const key = (wildcard ? host.slice(2) : host).toLowerCase();
    let group = map.get(key);
    if (!group) map.set(key, (group = { paths: [] }));
    return group;
  };
  const seen = new Set<string>();
  for (const ing of ingresses) {
    const namespace = ing.metadata!.namespace!;
    const spec = ing.spec ?? {};
    // An Ingress's default backend takes its own hosts' unmatched paths; one without rules, every
    // host's no rule names (ingress-nginx's catch-all server).
    const defaultBackend = spec.defaultBackend && backendOf(namespace, spec.defaultBackend);
    if (defaultBackend && !spec.rules?.length) table.anyHost.defaultBackend ??= defaultBackend;
    for (const rule of spec.rules ?? []) {
      const group = groupOf(rule.host);
      if (defaultBackend) group.defaultBackend ??= defaultBackend;
      for (const route of pathRoutes(rule)) {
        const key = `${rule.host ?? ''} ${route.type} ${route.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        group.paths.push({ ...route, backend: backendOf(namespace, route.backend) });
      }
    }
    for (const tls of spec.tls ?? []) {
      const certificate = tls.secretName ? sources.certificate(namespace, tls.secretName) : undefined;
      if (!certificate) continue;
      if (!tls.hosts?.length) table.defaultCertificate ??= certificate;
      for (const host of tls.hosts ?? []) if (!table.certificates.has(host.toLowerCase())) table.certificates.set(host.toLowerCase(), certificate);
    }
  }
  for (const group of [table.anyHost, ...table.hosts.values(), ...table.wildcards.values()]) group.paths.sort(byPrecedence);
  return table;
}

/** A rule's paths as matches ("/" when empty). */
function pathRoutes(rule: IngressRule): { path: string; type: MatchType; backend: IngressBackend }[] {
  return (rule.http?.paths ?? []).map((p) => {
    const type: MatchType = p.pathType === 'Exact' || p.pathType === 'Prefix' ? p.pathType : 'ImplementationSpecific';
    const path = p.path || '/';
    return { path: type === 'Prefix' ? path.replace(/\/+$/, '') : path, type, backend: p.backend };
  });
}

/** The longest path first; at equal length an Exact match before a Prefix one; else the order built (oldest Ingress first). */
function byPrecedence(a: PathRoute, b: PathRoute): number {
  if (a.path.length !== b.path.length) return b.path.length - a.path.length;
  return Number(a.type !== 'Exact') - Number(b.type !== 'Exact');
}

function oldestFirst(a: IngressObject, b: IngressObject): number {
  const at = a.metadata?.creationTimestamp ?? '';
  const bt = b.metadata?.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  const ak = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const bk = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return ak < bk ? -1 : ak > bk ? 1 : 0;
}

/**
 * The endpoints of a Service port, named by number or by name: for an ExternalName Service its
 * external name; otherwise the ready endpoints of its EndpointSlices (or, while none is ready,
 * the serving ones that are terminating, as kube-proxy falls back to).
 */
function serviceEndpoints(sources: RoutingSources, namespace: string, name: string, ref: { number?: number; name?: string }): Endpoint[] {
  const service = sources.service(namespace, name);
  if (!service) return [];
  const ports = service.spec?.ports ?? [];
  const port = ref.name ? ports.find((p) => p.name === ref.name) : ports.find((p) => p.port === ref.number);
  if (service.spec?.type === 'ExternalName') {
    const number = port?.port ?? ref.number;
    return service.spec.externalName && number ? [{ host: service.spec.externalName, port: number }] : [];
  }
  if (!port) return [];
  const ready: Endpoint[] = [];
  const terminating: Endpoint[] = [];
  const seen = new Set<string>();
  for (const slice of sources.endpointSlices(namespace, name)) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const slicePort = slice.ports?.find((p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === 'TCP')?.port;
    if (!slicePort) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const address = endpoint.addresses[0];
      const key = `${address}:${slicePort}`;
      if (!address || seen.has(key)) continue;
      const conditions = endpoint.conditions ?? {};
      if (conditions.ready !== false) ready.push({ host: address, port: slicePort });
      else if (conditions.serving && conditions.terminating) terminating.push({ host: address, port: slicePort });
      else continue;
      seen.add(key);
    }
  }
  return ready.length > 0 ? ready : terminating;
}
