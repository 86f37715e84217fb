// Which backend a request goes to, and which certificate a TLS handshake gets. Hosts: an exact
// host's rules, then a "*.domain" rule's (one DNS label deep: *.foo.com takes bar.foo.com, not
// foo.com nor a.bar.foo.com), then the rules without a host. The first of those with a matching
// path, or with a default backend of its own, takes the request. Paths as the Ingress API says:
// Exact is the whole path; Prefix matches element by element (/foo takes /foo, /foo/ and
// /foo/bar, never /foobar; trailing slashes do not count); the longest path wins, Exact before
// Prefix at equal length.

import type { SecureContext } from 'node:tls';
import type { Backend, HostRoutes, PathRoute, RoutingTable } from './routingTable.ts';

/** The backend for a request's Host header and URL, or undefined (a 404). */
export function routeRequest(table: RoutingTable, hostHeader: string | undefined, url: string): Backend | undefined {
  const host = requestHost(hostHeader);
  const path = requestPath(url);
  for (const group of hostGroups(table, host)) {
    const backend = matchPath(group.paths, path)?.backend ?? group.defaultBackend;
    if (backend) return backend;
  }
  return undefined;
}

/** The certificate for an SNI name: its own, a wildcard's, the Ingresses' default, if any. */
export function certificateFor(table: RoutingTable, servername: string): SecureContext | undefined {
  const name = servername.toLowerCase();
  const parent = parentDomain(name);
  return table.certificates.get(name) ?? (parent !== undefined ? table.certificates.get(`*.${parent}`) : undefined) ?? table.defaultCertificate;
}

/** The first route (routes are in precedence order) whose path takes the request path. */
export function matchPath(routes: PathRoute[], path: string): PathRoute | undefined {
  return routes.find((route) => pathMatches(route, path));
}

export function pathMatches(route: Pick<PathRoute, 'path' | 'type'>, path: string): boolean {
  if (route.type === 'Exact') return path === route.path;
  // route.path has no trailing slash: "" (for "/") takes everything.
  return path === route.path || path.startsWith(`${route.path}/`);
}

function* hostGroups(table: RoutingTable, host: string): Generator<HostRoutes> {
  if (host) {
    const exact = table.hosts.get(host);
    if (exact) yield exact;
    const parent = parentDomain(host);
    const wildcard = parent !== undefined ? table.wildcards.get(parent) : undefined;
    if (wildcard) yield wildcard;
  }
  yield table.anyHost;
}

function parentDomain(host: string): string | undefined {
  const dot = host.indexOf('.');
  return dot > 0 ? host.slice(dot + 1) : undefined;
}

/** The Host header without its port and trailing dot, lower case. */
export function requestHost(header: string | undefined): string {
  if (!header) return '';
  const host = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d*$/, '');
  return host.replace(/\.$/, '').toLowerCase();
}

/**
 * The path matched: without the query, percent-escapes decoded (except those of reserved
 * characters such as %2F), runs of slashes merged, as nginx normalizes before matching.
 */
export function requestPath(url: string): string {
  // An absolute-form target (GET http://host/path) routes by its path.
  const target = url.startsWith('/') ? url : url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const end = target.search(/[?#]/);
  const raw = end < 0 ? target : target.slice(0, end);
  let path: string;
  try {
    path = decodeURI(raw);
  } catch {
    path = raw;
  }
  return path.replace(/\/{2,}/g, '/') || '/';
}
