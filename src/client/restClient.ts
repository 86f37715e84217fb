// The Client over any transport that speaks the Kubernetes REST API: paths, queries, patch
// content types, watches as newline-delimited JSON, and non-2xx answers thrown as ApiErrors
// built from the Status body. Transports: HTTPS (httpClient.ts) and the apiserver's
// in-process loopback (src/apiserver/loopback.ts).

import type { KubeObject } from '../api/kind.ts';
import { ApiError } from '../apiserver/errors.ts';
import type { Client, DeleteOptions, ListOptions, ObjectList, PatchType, ResourceType, WatchEvent, WatchOptions, WriteOptions } from './client.ts';

export interface TransportResponse {
  status: number;
  /** The body as it arrives, in text chunks. */
  body: AsyncIterable<string>;
  /** Stops reading (a watch the caller is done with). */
  close(): void;
}

export interface Transport {
  /** path includes the query; body is JSON or YAML text. */
  request(method: string, path: string, body?: { data: string; contentType: string }): Promise<TransportResponse>;
}

const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml', // JSON is YAML
};

export function createRestClient(transport: Transport): Client {
  /** One request with a JSON answer. */
  const call = async (method: string, path: string, query = new URLSearchParams(), body?: unknown, contentType = 'application/json'): Promise<any> => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await transport.request(method, withQuery(path, query), data === undefined ? undefined : { data, contentType });
    const text = await readText(res.body);
    if (res.status < 200 || res.status > 299) throw apiErrorOf(res.status, text);
    return text ? JSON.parse(text) : undefined;
  };

  return {
    get: (type, namespace, name, options = {}) => call('GET', pathOf(type, namespace, name, options.subresource)),

    async list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ObjectList<T>> {
      const list = await call('GET', pathOf(type, options.namespace), listQuery(options));
      return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '', continue: list.metadata?.continue || undefined };
    },

    watch: <T extends KubeObject>(type: ResourceType, options: WatchOptions) => watchStream<T>(transport, type, options),

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

/** /api/v1/namespaces/ns/pods/name/status, /apis/apps/v1/deployments, ... */
export function pathOf(type: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  let path = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  if (type.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${type.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

const withQuery = (path: string, query: URLSearchParams) => (query.size ? `${path}?${query}` : path);

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

async function* watchStream<T>(transport: Transport, type: ResourceType, options: WatchOptions): AsyncGenerator<WatchEvent<T>> {
  const { signal } = options;
  if (signal?.aborted) return;
  const query = listQuery(options);
  query.set('watch', 'true');
  let res: TransportResponse | undefined;
  const abort = () => res?.close();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    res = await transport.request('GET', withQuery(pathOf(type, options.namespace), query));
    if (signal?.aborted) return;
    if (res.status !== 200) {
      const err = apiErrorOf(res.status, await readText(res.body));
      // An expired resourceVersion is an event, so callers handle it in one place.
      if (err.code === 410) yield { type: 'ERROR', object: err.toStatus() as unknown as T };
      else throw err;
      return;
    }
    let pending = '';
    for await (const chunk of res.body) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) yield JSON.parse(line);
    }
    if (pending.trim()) yield JSON.parse(pending);
  } catch (err) {
    if (!signal?.aborted) throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
    res?.close(); // a watch's connection is never reused
  }
}

async function readText(body: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of body) text += chunk;
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
