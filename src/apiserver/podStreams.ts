// Pods' streaming subresources: log, exec, attach and portforward. As upstream's pod REST
// (LogLocation, streamLocation, PortForwardLocation) and UpgradeAwareProxy: read the options
// from the query, find the pod and its container, reach the node's kubelet through the
// NodeDialer, and relay: the log as a (followed) text stream, the others as an upgraded
// connection (WebSocket or SPDY) piped both ways once the kubelet has switched protocols.

import { request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../api/objects.ts';
import { QueryError, kubeletLogQuery, parsePodLogOptions, validatePodLogOptions } from '../agent/streaming/logOptions.ts';
import { ApiError, badRequest, internalError, invalid, methodNotAllowed } from './errors.ts';
import type { RequestContext } from './resources.ts';

export const podStreamSubresources = new Set(['log', 'exec', 'attach', 'portforward']);

/** Headers an upgrade carries to the kubelet (the rest stay between client and apiserver). */
const upgradeHeaders = ['upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'x-stream-protocol-version'];

/**
 * nodes/NAME/proxy/PATH: a request relayed to the node's kubelet (its /stats/summary and
 * /metrics/resource for the metrics pipeline; `kubectl get --raw`).
 */
export async function serveNodeProxy(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== 'get') throw methodNotAllowed();
  const node = ctx.info.name!;
  await ctx.storage.get(undefined, node); // 404 for a node that does not exist
  const query = ctx.url.search;
  return relay(ctx, node, `/${ctx.info.proxyPath ?? ''}${query}`, (code, body) => new ApiError(code === 404 ? 404 : 503, code === 404 ? 'NotFound' : 'ServiceUnavailable', body || `the kubelet of node "${node}" answered ${code}`));
}

export async function servePodStream(ctx: RequestContext): Promise<void> {
  const sub = ctx.info.subresource!;
  const verb = ctx.info.verb;
  if (sub === 'log' ? verb !== 'get' : verb !== 'get' && verb !== 'create') throw methodNotAllowed();
  return sub === 'log' ? serveLog(ctx) : serveConnect(ctx, sub);
}

/** pods/log: the options checked, then the kubelet's containerLogs relayed. */
async function serveLog(ctx: RequestContext): Promise<void> {
  const name = ctx.info.name!;
  let options;
  try {
    options = parsePodLogOptions(ctx.url.searchParams);
  } catch (err) {
    if (err instanceof QueryError) throw badRequest(err.message);
    throw err;
  }
  const errors = validatePodLogOptions(options);
  if (errors.length > 0) throw invalid('PodLogOptions', '', name, errors);
  const pod = await getPod(ctx);
  const container = pickContainer(pod, options.container);
  const node = pod.spec?.nodeName;
  // An unscheduled pod has no log yet: an empty one, as upstream answers.
  if (!node) return void ctx.res.writeHead(200, { 'Content-Type': 'text/plain' }).end();
  const path = `/containerLogs/${segment(pod.metadata!.namespace!)}/${segment(name)}/${segment(container)}`;
  return relay(ctx, node, `${path}?${kubeletLogQuery(options)}`, (code, body) => kubeletError(code, body, name));
}

/** pods/exec, attach and portforward: the kubelet's path for them, then the upgrade proxied. */
async function serveConnect(ctx: RequestContext, sub: string): Promise<void> {
  const q = ctx.url.searchParams;
  const name = ctx.info.name!;
  const flags = sub === 'portforward' ? undefined : streamFlags(q);
  const ports = sub === 'portforward' ? q.getAll('ports').flatMap((p) => p.split(',')).map(port) : [];
  const command = q.getAll('command');
  const pod = await getPod(ctx);
  const container = sub === 'portforward' ? undefined : pickContainer(pod, q.get('container') ?? undefined);
  const node = pod.spec?.nodeName;
  if (!node) throw badRequest(`pod ${name} does not have a host assigned`);
  if (sub === 'exec' && command.length === 0) throw badRequest('you must specify at least one command for the container');
  if (!ctx.upgrade) throw badRequest('Upgrade request required');

  // The kubelet's query, as upstream's streamParams writes it.
  const kubeletQuery = new URLSearchParams();
  if (flags?.stdin) kubeletQuery.append('input', '1');
  if (flags?.stdout) kubeletQuery.append('output', '1');
  if (flags?.stderr) kubeletQuery.append('error', '1');
  if (flags?.tty) kubeletQuery.append('tty', '1');
  for (const c of sub === 'exec' ? command : []) kubeletQuery.append('command', c);
  if (ports.length > 0) kubeletQuery.append('port', ports.join(','));
  const base = `/${sub === 'portforward' ? 'portForward' : sub}/${segment(pod.metadata!.namespace!)}/${segment(name)}`;
  const path = container === undefined ? base : `${base}/${segment(container)}`;
  const query = kubeletQuery.toString();
  return proxyUpgrade(ctx, node, query ? `${path}?${query}` : path);
}

async function getPod(ctx: RequestContext): Promise<Pod> {
  return (await ctx.storage.get(ctx.info.namespace, ctx.info.name!)) as Pod;
}

/** The container a request means (upstream's validateContainer): the named one, or the only one. */
function pickContainer(pod: Pod, name: string | undefined): string {
  const spec = pod.spec;
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  const podName = pod.metadata?.name ?? '';
  if (name) {
    if (!all.includes(name)) throw badRequest(`container ${name} is not valid for pod ${podName}`);
    return name;
  }
  const containers = spec?.containers ?? [];
  if (containers.length === 1) return containers[0]!.name;
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
  throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`);
}

interface StreamFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** PodExecOptions/PodAttachOptions' streams: stdout and stderr default to true. */
function streamFlags(q: URLSearchParams): StreamFlags {
  return { stdin: bool(q, 'stdin', false), stdout: bool(q, 'stdout', true), stderr: bool(q, 'stderr', true), tty: bool(q, 'tty', false) };
}

function bool(q: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function port(value: string): number {
  if (!/^[+-]?\d+$/.test(value) || Math.abs(Number(value)) > 2 ** 31 - 1) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}

const segment = (s: string) => encodeURIComponent(s);

async function dial(ctx: RequestContext, node: string): Promise<Duplex> {
  if (!ctx.nodeDialer) throw internalError(new Error(`no route to the kubelet of node "${node}"`));
  try {
    return await ctx.nodeDialer.dial(node);
  } catch (err) {
    throw internalError(err);
  }
}

// ---- log

/** Relays the kubelet's response (a log, followed or not; stats); its errors become Statuses via `failure`. */
async function relay(ctx: RequestContext, node: string, path: string, failure: (code: number, body: string) => ApiError): Promise<void> {
  const conn = await dial(ctx, node);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ createConnection: () => conn, method: 'GET', path, headers: { host: node, connection: 'close' } }, resolve);
    req.on('error', (err) => reject(internalError(err)));
    req.end();
  });
  const client = ctx.res;
  client.once('close', () => {
    res.destroy();
    conn.destroy();
  });
  if (res.statusCode! < 200 || res.statusCode! > 206) {
    const body = (await readLimited(res, 64 * 1024)).trim();
    conn.destroy();
    throw failure(res.statusCode!, body);
  }
  client.writeHead(200, { 'Content-Type': res.headers['content-type'] ?? 'text/plain', 'Cache-Control': 'no-cache, private' });
  client.flushHeaders();
  await new Promise<void>((resolve) => {
    res.pipe(client);
    res.once('end', resolve);
    res.once('close', resolve);
    // The kubelet connection breaking mid-stream cuts the client's response short.
    res.once('error', () => client.destroy());
  });
  conn.destroy();
}

function kubeletError(code: number, body: string, name: string): ApiError {
  if (code === 400) return badRequest(body);
  if (code === 500) return internalError(new Error(body));
  const causes = [{ reason: 'UnexpectedServerResponse', message: body }];
  if (code === 404) return new ApiError(404, 'NotFound', `the server could not find the requested resource ( pods/log ${name})`, { name, kind: 'pods/log', causes });
  return new ApiError(code, 'InternalError', `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding ( pods/log ${name})`, { name, kind: 'pods/log', causes });
}

function readLimited(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < limit) chunks.push(chunk.subarray(0, limit - size));
      size += chunk.length;
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

// ---- upgrades

/**
 * Sends the upgrade request on to the kubelet. A 101 hands the client's connection over: the
 * kubelet's response head goes to the client and bytes are copied both ways until either side
 * closes. Any other answer is relayed as it is (status, headers, body), as upstream's proxy does.
 */
async function proxyUpgrade(ctx: RequestContext, node: string, path: string): Promise<void> {
  const { socket: client, head } = ctx.upgrade!;
  const conn = await dial(ctx, node);
  const headers: Record<string, string | string[]> = { host: node, connection: 'Upgrade' };
  for (const name of upgradeHeaders) {
    const value = ctx.req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  // An upgrade has no body: a POST says so, or a chunked terminator would land in the stream.
  if (ctx.req.method === 'POST') headers['content-length'] = '0';
  await new Promise<void>((resolve, reject) => {
    const req = request({ createConnection: () => conn, method: ctx.req.method, path, headers });
    req.on('error', (err) => reject(internalError(err)));
    req.on('upgrade', (res: IncomingMessage, kubelet: Duplex, kubeletHead: Buffer) => {
      ctx.res.detachSocket(client as import('node:net').Socket);
      const lines = [`HTTP/1.1 101 ${res.statusMessage || 'Switching Protocols'}`];
      for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
      client.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (kubeletHead.length > 0) client.write(kubeletHead);
      if (head.length > 0) kubelet.write(head);
      splice(client, kubelet);
      resolve();
    });
    req.on('response', (res: IncomingMessage) => {
      ctx.res.writeHead(res.statusCode!, res.statusMessage, res.rawHeaders.filter((_, i) => !/^(connection|transfer-encoding|keep-alive)$/i.test(res.rawHeaders[i - (i % 2)]!)));
      res.pipe(ctx.res);
      res.once('end', () => {
        conn.destroy();
        resolve();
      });
      res.once('error', () => {
        ctx.res.destroy();
        resolve();
      });
    });
    req.end();
  });
}

/** Copies bytes both ways; either side closing or failing closes the other. */
function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const closeBoth = () => {
    a.destroy();
    b.destroy();
  };
  for (const side of [a, b]) {
    side.once('close', closeBoth);
    side.on('error', closeBoth);
  }
}
