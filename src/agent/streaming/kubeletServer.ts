// The kubelet's streaming HTTP server: the paths the apiserver proxies pods' log, exec, attach
// and portforward subresources to, as upstream's kubelet serves them (and /healthz):
//   GET  /containerLogs/{namespace}/{pod}/{container}?follow&previous&tailLines&...
//   GET|POST /exec/{namespace}/{pod}[/{uid}]/{container}?command=...&input=1&output=1&error=1&tty=1
//   GET|POST /attach/{namespace}/{pod}[/{uid}]/{container}?input=1&output=1&error=1&tty=1
//   GET|POST /portForward/{namespace}/{pod}[/{uid}][?port=8080,9090]
//   GET|POST /stats/summary      resource usage of the node and its pods (Summary API, JSON)
//   GET      /metrics/resource   the same as Prometheus metrics (what metrics-server scrapes)
// exec and attach take a WebSocket (v5/v4 channel protocols; kubectl 1.32 asks for v5) or a
// SPDY upgrade; portForward takes SPDY, SPDY tunnelled in a WebSocket (kubectl 1.32's first
// try) or WebSocket channels (client-node). Errors are plain text with upstream's status codes
// and wording. The server never listens: the agent's tunnel feeds it connections with
// `server.emit('connection', duplex)`. Its options are read per request, so they may be getters
// that fill in once the kubelet has started.

import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import type { ContainerRuntime } from '../../runtime/runtime.ts';
import { resourceMetrics } from '../kubelet/resourceMetrics.ts';
import type { Summary } from '../kubelet/resourceUsage.ts';
import { BASE64_CHANNEL, CHANNEL, V4_BASE64_CHANNEL, V4_CHANNEL, V5_CHANNEL, negotiate, openChannels } from './channels.ts';
import { copyContainerLog } from './containerLogs.ts';
import { QueryError, parsePodLogOptions, validatePodLogOptions } from './logOptions.ts';
import { PORT_FORWARD_PROTOCOL, SPDY_TUNNEL_PREFIX, parsePorts, servePortForwardChannels, servePortForwardSpdy, type PortForwardTarget } from './portForward.ts';
import {
  SPDY_COMMAND_PROTOCOLS, acceptCommandStreamsOverSpdy, commandStreamsOverChannels, parseStreamFlags, runAttach, runExec,
  type CommandStreams, type StreamFlags,
} from './remoteCommand.ts';

/** A container instance as the kubelet knows it. */
export interface ContainerInstance {
  containerId: string;
  sandboxId: string;
  logPath: string;
}

export interface KubeletServerOptions {
  runtime: ContainerRuntime;
  /**
   * The pod's named container: its newest instance, or with `previous` the one before (its last
   * terminated one); undefined when the pod is not on this node or has no such instance.
   */
  findContainer(namespace: string, podName: string, containerName: string, previous: boolean): ContainerInstance | undefined;
  /** The names of the pod's containers (regular, init and ephemeral); undefined when the pod is not on this node. */
  containerNames(namespace: string, podName: string): string[] | undefined;
  /** The node's and its pods' resource usage now; without it /stats/summary and /metrics/resource are not served. */
  stats?: () => Promise<Summary>;
}

const COMMAND_WEBSOCKET_PROTOCOLS = [V5_CHANNEL, V4_CHANNEL, V4_BASE64_CHANNEL, CHANNEL, BASE64_CHANNEL];
const PORT_FORWARD_WEBSOCKET_PROTOCOLS = [V4_CHANNEL, V4_BASE64_CHANNEL];

/** An error answered as upstream's kubelet does: a status code and a plain-text message. */
class KubeletError extends Error {
  readonly code: number;
  readonly headers: Record<string, string>;
  constructor(code: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.headers = headers;
  }
}

interface Route {
  kind: 'containerLogs' | 'exec' | 'attach' | 'portForward';
  namespace: string;
  pod: string;
  uid?: string;
  container?: string;
}

export function createKubeletServer(options: KubeletServerOptions): Server {
  const websockets = new WebSocketServer({ noServer: true });
  websockets.on('headers', (headers: string[], req: Negotiated) => {
    if (req.negotiated) headers.push(`Sec-WebSocket-Protocol: ${req.negotiated}`);
  });
  const server = createServer((req, res) => {
    serveRequest(options, req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      const e = err instanceof KubeletError ? err : new KubeletError(500, (err as Error).message);
      res.writeHead(e.code, { 'Content-Type': 'text/plain; charset=utf-8', ...e.headers });
      res.end(e.message);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    serveUpgrade(options, websockets, req, socket, head).catch((err: unknown) => {
      const e = err instanceof KubeletError ? err : new KubeletError(500, (err as Error).message);
      refuse(socket, e.code, e.message, e.headers);
    });
  });
  return server;
}

function route(url: URL): Route | undefined {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, namespace, pod, ...rest] = parts;
  if (!namespace || !pod) return undefined;
  switch (kind) {
    case 'containerLogs':
      return rest.length === 1 ? { kind, namespace, pod, container: rest[0] } : undefined;
    case 'exec':
    case 'attach':
      if (rest.length === 1) return { kind, namespace, pod, container: rest[0] };
      return rest.length === 2 ? { kind, namespace, pod, uid: rest[0], container: rest[1] } : undefined;
    case 'portForward':
      return rest.length <= 1 ? { kind, namespace, pod, uid: rest[0] } : undefined;
  }
  return undefined;
}

async function serveRequest(options: KubeletServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  if (url.pathname === '/healthz') return void res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
  if (url.pathname === '/stats/summary' || url.pathname === '/metrics/resource') return serveResourceUsage(options, url.pathname, req, res);
  const r = route(url);
  if (!r) throw new KubeletError(404, '404 page not found');
  if (r.kind !== 'containerLogs') throw new KubeletError(400, 'Upgrade request required');
  if (req.method !== 'GET') throw new KubeletError(405, 'Method Not Allowed');
  await serveLogs(options, url, r, res);
}

// ---- logs

async function serveLogs(options: KubeletServerOptions, url: URL, r: Route, res: ServerResponse): Promise<void> {
  const query = new URLSearchParams(url.search);
  // The old `tail` parameter: a number of lines, or "all".
  const tail = query.get('tail');
  if (tail) {
    query.delete('tailLines');
    if (tail !== 'all') query.set('tailLines', tail);
  }
  let logOptions;
  try {
    logOptions = parsePodLogOptions(query);
  } catch (err) {
    if (err instanceof QueryError) throw new KubeletError(400, '{"message": "Unable to decode query."}');
    throw err;
  }
  if (validatePodLogOptions(logOptions).length > 0) throw new KubeletError(422, '{"message": "Invalid request."}');
  const pod = JSON.stringify(r.pod);
  const container = JSON.stringify(r.container);
  const names = options.containerNames(r.namespace, r.pod);
  if (!names) throw new KubeletError(404, `pod ${pod} does not exist`);
  if (!names.includes(r.container!)) throw new KubeletError(404, `container ${container} not found in pod ${pod}`);
  // Which instance's log, in upstream's words when there is none (validateContainerLogStatus).
  const instance = options.findContainer(r.namespace, r.pod, r.container!, logOptions.previous);
  if (!instance && logOptions.previous) throw new KubeletError(400, `previous terminated container ${container} in pod ${pod} not found`);
  if (!instance) throw new KubeletError(400, `container ${container} in pod ${pod} is waiting to start - no logs yet`);
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.flushHeaders();
  await copyContainerLog(instance.logPath, logOptions, res, { running: () => isRunning(options.runtime, instance.containerId), signal: abort.signal });
  res.end();
}

async function isRunning(runtime: ContainerRuntime, id: string): Promise<boolean> {
  const state = (await runtime.containerStatus(id))?.state;
  return state === 'running' || state === 'created';
}

// ---- resource usage

async function serveResourceUsage(options: KubeletServerOptions, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!options.stats) throw new KubeletError(404, '404 page not found');
  if (path === '/metrics/resource') {
    if (req.method !== 'GET') throw new KubeletError(405, 'Method Not Allowed');
    // A failed collection is a scrape that says so (resource_scrape_error 1), as upstream's.
    const summary = await options.stats().catch((err: unknown) => {
      console.error('skiff: kubelet: collecting resource usage failed:', err);
      return undefined;
    });
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(resourceMetrics(summary));
    return;
  }
  if (req.method !== 'GET' && req.method !== 'POST') throw new KubeletError(405, 'Method Not Allowed');
  let summary: Summary;
  try {
    summary = await options.stats();
  } catch (err) {
    throw new KubeletError(500, `Internal Error: ${(err as Error).message}`);
  }
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(summary, null, 2));
}

// ---- exec, attach, port-forward

type Negotiated = IncomingMessage & { negotiated?: string };

async function serveUpgrade(options: KubeletServerOptions, websockets: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  const r = route(url);
  if (!r || r.kind === 'containerLogs') throw new KubeletError(404, '404 page not found');
  const flags = r.kind === 'portForward' ? undefined : parseFlags(url);
  const names = options.containerNames(r.namespace, r.pod);
  if (!names) throw new KubeletError(404, 'pod does not exist');
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();

  if (r.kind === 'portForward') {
    const sandboxId = await podSandbox(options, r, names);
    const target = { runtime: options.runtime, sandboxId };
    if (upgrade === 'websocket') return portForwardOverWebSocket(websockets, req, socket, head, url, target);
    spdyHandshake(req, socket, [PORT_FORWARD_PROTOCOL]);
    if (head.length > 0) socket.unshift(head);
    servePortForwardSpdy(socket, target);
    return;
  }

  // The container must run now (upstream's findContainer over the runtime's running pods).
  const instance = options.findContainer(r.namespace, r.pod, r.container!, false);
  const running = instance && (await isRunning(options.runtime, instance.containerId));
  if (!instance || !running) throw new KubeletError(500, `container not found (${JSON.stringify(r.container)})`);
  await checkUid(options.runtime, instance.sandboxId, r.uid);
  let streams: CommandStreams;
  if (upgrade === 'websocket') {
    const protocol = negotiate(req.headers['sec-websocket-protocol'], COMMAND_WEBSOCKET_PROTOCOLS);
    if (protocol === undefined) throw new KubeletError(403, `requested protocol(s) are not supported: ${req.headers['sec-websocket-protocol']}; supports ${COMMAND_WEBSOCKET_PROTOCOLS.join(', ')}`);
    streams = await acceptWebSocket(websockets, req, socket, head, protocol, (ws) => commandStreamsOverChannels(openChannels(ws, protocol), flags!));
  } else {
    spdyHandshake(req, socket, SPDY_COMMAND_PROTOCOLS);
    if (head.length > 0) socket.unshift(head);
    streams = await acceptCommandStreamsOverSpdy(socket, flags!);
  }
  if (r.kind === 'exec') return runExec(options.runtime, instance.containerId, url.searchParams.getAll('command'), streams, flags!.tty);
  const gone = new AbortController();
  socket.once('close', () => gone.abort());
  return runAttach(options.runtime, instance.containerId, streams, gone.signal);
}

/** A path naming the pod's uid must name this pod (not an older one of the same name). */
async function checkUid(runtime: ContainerRuntime, sandboxId: string, uid: string | undefined): Promise<void> {
  if (uid && (await runtime.podSandboxStatus(sandboxId))?.uid !== uid) throw new KubeletError(404, 'pod not found');
}

function parseFlags(url: URL): StreamFlags {
  try {
    return parseStreamFlags(url.searchParams);
  } catch (err) {
    throw new KubeletError(400, (err as Error).message);
  }
}

async function portForwardOverWebSocket(websockets: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, target: PortForwardTarget): Promise<void> {
  const tunnel = `${SPDY_TUNNEL_PREFIX}${PORT_FORWARD_PROTOCOL}`;
  const offered = req.headers['sec-websocket-protocol'];
  if (negotiate(offered, [tunnel]) === tunnel) {
    await acceptWebSocket(websockets, req, socket, head, tunnel, (ws) => servePortForwardSpdy(createWebSocketStream(ws), target));
    return;
  }
  let ports: number[];
  try {
    ports = parsePorts(url.searchParams.getAll('port'));
  } catch (err) {
    throw new KubeletError(400, (err as Error).message);
  }
  const protocol = negotiate(offered, PORT_FORWARD_WEBSOCKET_PROTOCOLS);
  if (protocol === undefined) throw new KubeletError(403, `requested protocol(s) are not supported: ${offered}; supports ${PORT_FORWARD_WEBSOCKET_PROTOCOLS.join(', ')}`);
  const channels = await acceptWebSocket(websockets, req, socket, head, protocol, (ws) => openChannels(ws, protocol));
  await servePortForwardChannels(channels, ports, target);
}

/**
 * Completes a WebSocket handshake with the subprotocol we negotiated, and opens what runs on it
 * at once: the client may send its first message right behind the handshake. ws takes only
 * RFC 7230 tokens as subprotocols and "SPDY/3.1+portforward.k8s.io" is not one, so it never
 * sees the offer: the answer is added to the response headers instead.
 */
function acceptWebSocket<T>(websockets: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, open: (ws: WebSocket) => T): Promise<T> {
  delete req.headers['sec-websocket-protocol'];
  (req as Negotiated).negotiated = protocol;
  return new Promise((resolve) => websockets.handleUpgrade(req, socket, head, (ws) => resolve(open(ws))));
}

/**
 * Answers a SPDY upgrade (upstream's httpstream.Handshake and the SPDY response upgrader): the
 * first protocol the client offers in X-Stream-Protocol-Version that we speak, in a 101.
 */
function spdyHandshake(req: IncomingMessage, socket: Duplex, supported: string[]): void {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1' || !/\bupgrade\b/i.test(req.headers.connection ?? '')) {
    throw new KubeletError(400, 'unable to upgrade: missing upgrade headers in request');
  }
  const header = req.headers['x-stream-protocol-version'];
  const offered = (Array.isArray(header) ? header : [header ?? '']).flatMap((h) => h.split(',')).map((p) => p.trim()).filter(Boolean);
  if (offered.length === 0) throw new KubeletError(400, 'unable to upgrade: X-Stream-Protocol-Version is required');
  const protocol = offered.find((p) => supported.includes(p));
  if (!protocol) {
    throw new KubeletError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`, {
      'X-Accepted-Stream-Protocol-Versions': supported.join(', '),
    });
  }
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
}

/** The pod's sandbox, as its containers' newest instances name it; it must be ready. */
async function podSandbox(options: KubeletServerOptions, r: Route, names: string[]): Promise<string> {
  const sandboxIds = new Set(names.map((name) => options.findContainer(r.namespace, r.pod, name, false)?.sandboxId).filter((id) => id !== undefined));
  for (const id of sandboxIds) {
    const sandbox = await options.runtime.podSandboxStatus(id);
    if (sandbox?.state !== 'ready') continue;
    await checkUid(options.runtime, id, r.uid);
    return id;
  }
  throw new KubeletError(500, `pod not found (${JSON.stringify(`${r.pod}_${r.namespace}`)})`);
}

/** A plain-text HTTP error on a connection that asked for an upgrade, then the connection closes. */
function refuse(socket: Duplex, code: number, message: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed || !socket.writable) return;
  const body = Buffer.from(message);
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n${extra}\r\n${body}`);
}
