// Which backend a request goes to, and which certificate a TLS handshake gets. The host picks
// one group of rules, as nginx picks one server: an exact host's, else a "*.domain" one's (one
// DNS label deep: *.foo.com takes bar.foo.com, not foo.com nor a.bar.foo.com), else the rules
// without a host. Within it a matching path takes the request, else the group's default
// backend, else it is a 404. Paths as the Ingress API says: Exact is the whole path; Prefix
// matches element by element (/foo takes /foo, /foo/ and /foo/bar, never /foobar; trailing
// slashes do not count); ImplementationSpecific is ingress-nginx's plain prefix (/foo takes
// /foobar too); the longest path wins, Exact first at equal length.

import type { SecureContext } from 'node:tls';
import type { Backend, HostRoutes, PathRoute, RoutingTable } from './routingTable.ts';

/** The backend for a request's Host header and URL, or undefined (a 404). */
export function routeRequest(table: RoutingTable, hostHeader: string | undefined, url: string): Backend | undefined {
  const host = requestHost(hostHeader);
  const path = requestPath(url);
  const group = hostGroup(table, host);
  return matchPath(group.paths, path)?.backend ?? group.defaultBackend;
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
  if (route.type === 'ImplementationSpecific') return path.startsWith(route.path);
  // route.path has no trailing slash: "" (for "/") takes everything.
  return path === route.path || path.startsWith(`${route.path}/`);
}

function hostGroup(table: RoutingTable, host: string): HostRoutes {
  const parent = parentDomain(host);
  return (host && table.hosts.get(host)) || (parent !== undefined && table.wildcards.get(parent)) || table.anyHost;
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
