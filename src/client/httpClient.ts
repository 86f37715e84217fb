// The Client over HTTPS: JSON requests to the Kubernetes REST paths, watches as streams of
// newline-delimited JSON, non-2xx answers thrown as ApiErrors built from the Status body.
// node:https with one keep-alive Agent per client: no dependency, and streaming a watch
// response is just reading the IncomingMessage.

import { Agent, request as httpsRequest } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../api/kind.ts';
import { ApiError } from '../apiserver/errors.ts';
import type { Client, DeleteOptions, ListOptions, ObjectList, PatchType, ResourceType, WatchEvent, WatchOptions, WriteOptions } from './client.ts';

export interface HttpClientConfig {
  /** https://host:port */
  server: string;
  /** Bearer token. */
  token?: string;
  /** PEM CA bundle that signs the server's certificate. */
  ca?: string;
  /** PEM client certificate and key. */
  cert?: string;
  key?: string;
  insecureSkipTLSVerify?: boolean;
  /**
   * The User-Agent's product, e.g. "kube-scheduler": the apiserver takes the part before
   * the first "/" as the default field manager. Default "skiff".
   */
  userAgent?: string;
}

const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml', // JSON is YAML
};

export function createHttpClient(config: HttpClientConfig): Client {
  const base = new URL(config.server);
  const agent = new Agent({
    keepAlive: true,
    ca: config.ca,
    cert: config.cert,
    key: config.key,
    rejectUnauthorized: !config.insecureSkipTLSVerify,
  });
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': `${config.userAgent ?? 'skiff'}/skiff (${process.platform}/${process.arch})`,
  };
  if (config.token) headers.Authorization = `Bearer ${config.token}`;

  const open = (method: string, path: string, query: URLSearchParams, body?: { data: string; contentType: string }): ClientRequest => {
    const search = query.size ? `?${query}` : '';
    return httpsRequest({
      agent,
      method,
      hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 literals come bracketed
      port: base.port || 443,
      path: `${base.pathname.replace(/\/$/, '')}${path}${search}`,
      headers: body ? { ...headers, 'Content-Type': body.contentType, 'Content-Length': Buffer.byteLength(body.data) } : headers,
    });
  };

  /** One request with a JSON answer; retried once if a reused keep-alive socket was closed under it. */
  const call = async (method: string, path: string, query = new URLSearchParams(), body?: unknown, contentType = 'application/json'): Promise<any> => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      const req = open(method, path, query, data === undefined ? undefined : { data, contentType });
      try {
        const res = await send(req, data);
        const text = await readText(res);
        if (res.statusCode! < 200 || res.statusCode! > 299) throw apiErrorOf(res.statusCode!, text);
        return text ? JSON.parse(text) : undefined;
      } catch (err) {
        if (attempt === 0 && req.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') continue;
        throw err;
      }
    }
  };

  return {
    get: (type, namespace, name, options = {}) => call('GET', pathOf(type, namespace, name, options.subresource)),

    async list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ObjectList<T>> {
      const list = await call('GET', pathOf(type, options.namespace), listQuery(options));
      return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '', continue: list.metadata?.continue || undefined };
    },

    watch: <T extends KubeObject>(type: ResourceType, options: WatchOptions) => watchStream<T>(open, type, options),

    create(type, obj, options = {}) {
      const namespace = options.namespace ?? obj.metadata?.namespace;
      // A subresource POST (pods/binding) names its parent; a plain create names nothing.
      const name = options.subresource ? (options.name ?? obj.metadata?.name) : undefined;
      return call('POST', pathOf(type, namespace, name, options.subresource), writeQuery(options), obj);
    },

    update: (type, obj, options = {}) => call('PUT', pathOf(type, obj.metadata?.namespace, obj.metadata?.name, options.subresource), writeQuery(options), obj),

    patch(type, namespace, name, patchType, patch, options = {}) {
      const query = writeQuery(options);
      if (options.force) query.set('force', 'true');
      return call('PATCH', pathOf(type, namespace, name, options.subresource), query, patch, patchContentTypes[patchType]);
    },

    async delete<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<T | undefined> {
      const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
      if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
      if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
      if (options.preconditions) body.preconditions = options.preconditions;
      if (options.dryRun) body.dryRun = ['All'];
      const result = await call('DELETE', pathOf(type, namespace, name), undefined, body);
      // A Status means it is gone; an object is returned as long as it still exists (terminating).
      return result?.kind !== 'Status' && result?.metadata?.deletionTimestamp ? result : undefined;
    },
  };
}

/** The server and credentials of a kubeconfig's current context. */
export function loadKubeconfig(path: string): HttpClientConfig {
  const config = parseYaml(readFileSync(path, 'utf8')) ?? {};
  const named = (list: any[] | undefined, name: string | undefined) => list?.find((entry) => entry.name === name);
  const context = named(config.contexts, config['current-context'])?.context ?? config.contexts?.[0]?.context ?? {};
  const cluster = named(config.clusters, context.cluster)?.cluster ?? config.clusters?.[0]?.cluster;
  const user = named(config.users, context.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${path}: no cluster server in the current context`);
  // Inline data is base64; file references are relative to the kubeconfig.
  const material = (data: string | undefined, file: string | undefined) =>
    data ? Buffer.from(data, 'base64').toString('utf8') : file ? readFileSync(resolve(dirname(path), file), 'utf8') : undefined;
  return {
    server: cluster.server,
    token: user.token ?? (user.tokenFile ? readFileSync(resolve(dirname(path), user.tokenFile), 'utf8').trim() : undefined),
    ca: material(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: material(user['client-certificate-data'], user['client-certificate']),
    key: material(user['client-key-data'], user['client-key']),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

/** /api/v1/namespaces/ns/pods/name/status, /apis/apps/v1/deployments, ... */
export function pathOf(type: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  let path = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  if (type.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${type.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

function listQuery(options: ListOptions): URLSearchParams {
  const query = new URLSearchParams();
  const set = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined && value !== '') query.set(key, String(value));
  };
  set('labelSelector', options.labelSelector);
  set('fieldSelector', options.fieldSelector);
  set('resourceVersion', options.resourceVersion);
  set('resourceVersionMatch', options.resourceVersionMatch);
  set('limit', options.limit);
  set('continue', options.continue);
  const watch = options as WatchOptions;
  set('allowWatchBookmarks', watch.allowWatchBookmarks);
  set('sendInitialEvents', watch.sendInitialEvents);
  set('timeoutSeconds', watch.timeoutSeconds);
  return query;
}

function writeQuery(options: WriteOptions): URLSearchParams {
  const query = new URLSearchParams();
  if (options.fieldManager) query.set('fieldManager', options.fieldManager);
  if (options.dryRun) query.set('dryRun', 'All');
  return query;
}

type Open = (method: string, path: string, query: URLSearchParams) => ClientRequest;

async function* watchStream<T>(open: Open, type: ResourceType, options: WatchOptions): AsyncGenerator<WatchEvent<T>> {
  const { signal } = options;
  if (signal?.aborted) return;
  const query = listQuery(options);
  query.set('watch', 'true');
  const req = open('GET', pathOf(type, options.namespace), query);
  const abort = () => req.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const res = await send(req);
    if (res.statusCode !== 200) {
      const err = apiErrorOf(res.statusCode!, await readText(res));
      // An expired resourceVersion is an event, so callers handle it in one place.
      if (err.code === 410) yield { type: 'ERROR', object: err.toStatus() as unknown as T };
      else throw err;
      return;
    }
    res.setEncoding('utf8');
    let pending = '';
    for await (const chunk of res as AsyncIterable<string>) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) yield JSON.parse(line);
    }
    if (pending.trim()) yield JSON.parse(pending);
  } catch (err) {
    if (!signal?.aborted) throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
    req.destroy(); // a watch's socket is never reused
  }
}

function send(req: ClientRequest, body?: string): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    req.once('response', resolvePromise);
    req.once('error', reject);
    req.end(body);
  });
}

async function readText(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res as AsyncIterable<string>) text += chunk;
  return text;
}

/** The ApiError a non-2xx answer stands for: from its Status body, else from the code. */
function apiErrorOf(code: number, text: string): ApiError {
  let status: any;
  try {
    status = JSON.parse(text);
  } catch {
    // not JSON: a proxy or a crash; keep the text as the message
  }
  if (status?.kind === 'Status') return new ApiError(status.code ?? code, status.reason ?? '', status.message ?? '', status.details);
  return new ApiError(code, reasonOf(code), text.trim() || `the server responded with status ${code}`);
}

function reasonOf(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict',
    410: 'Expired', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests',
    500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}
