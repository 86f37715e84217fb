// Parses a request path into what it addresses, as upstream's RequestInfoFactory does:
// /api/v1/namespaces/ns/pods/name/status, /apis/apps/v1/deployments, /api/v1/watch/pods, ...

export interface ResourceRequest {
  resource: true;
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
  /** For the proxy subresource: the path after it (nodes/NAME/proxy/stats/summary -> "stats/summary"). */
  proxyPath?: string;
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
}

export interface NonResourceRequest {
  resource: false;
  path: string;
  verb: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const methodVerbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete', GET: 'get', HEAD: 'get' };

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const parts = path.split('/').filter(Boolean);
  const nonResource = (): NonResourceRequest => ({ resource: false, path, verb: (methodVerbs[method] ?? method.toLowerCase()) });
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    [group, version, rest] = ['', parts[1], parts.slice(2)];
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  } else return nonResource();

  let verb = methodVerbs[method] ?? method.toLowerCase();
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    // /api/v1/namespaces/foo, /status and /finalize address the namespace itself; deeper
    // paths a kind inside it (as upstream's RequestInfoFactory, with its namespace subresources).
    if (rest.length >= 3 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || (extra.length > 0 && subresource !== 'proxy')) return nonResource();
  if (subresource === 'proxy') return { resource: true, group, version, namespace, plural, name, subresource, proxyPath: extra.join('/'), verb };
  if (verb === 'get' && (watchPath || url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1')) verb = 'watch';
  else if (verb === 'get' && !name) verb = 'list';
  else if (verb === 'delete' && !name) verb = 'deletecollection';
  return { resource: true, group, version, namespace, plural, name, subresource, verb };
}

const namespaceSubresources = new Set(['status', 'finalize']);
