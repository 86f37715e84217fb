// The reverse proxy: each request (and each upgrade, such as a websocket) is routed with the
// table in force when it arrives, sent to one of the backend's endpoints round-robin over
// kept-alive connections, and streamed both ways without buffering. An endpoint that cannot be
// connected to is skipped for another (as nginx's proxy_next_upstream); so is a kept-alive
// connection the backend closed under an idempotent request without a body. No route: 404; a
// backend without endpoints: 503; no endpoint answering: 502.

import { request as httpRequest, type Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwardedHeaders.ts';
import { routeRequest } from './routeMatch.ts';
import type { Backend, Endpoint, RoutingTable } from './routingTable.ts';

export interface ProxyOptions {
  scheme: 'http' | 'https';
  /** The routing table in force now. */
  table(): RoutingTable;
  /** Keeps connections to endpoints alive between requests (node pools them per endpoint). */
  agent: Agent;
  /** Upgraded connections, which the servers no longer track: stopping closes them. */
  upgraded: Set<Duplex>;
}

export interface Proxy {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** As ingress-nginx's proxy-connect-timeout and proxy-next-upstream-tries. */
const connectTimeoutMs = 5_000;
const maxTries = 3;
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** The endpoints a request has been sent to, and how many times. */
interface Tries {
  tried: Set<Endpoint>;
  attempts: number;
}

const errorBodies: Record<number, string> = {
  400: '400 Bad Request\n',
  404: '404 page not found\n',
  502: '502 Bad Gateway\n',
  503: '503 Service Unavailable\n',
};

export function createProxy(options: ProxyOptions): Proxy {
  return {
    request(req, res) {
      const backend = routeRequest(options.table(), req.headers.host, req.url ?? '/');
      if (!backend?.endpoints.length) return respond(res, backend ? 503 : 404);
      // A request node's client refuses to send must not take the ingress down.
      try {
        forwardRequest(options, req, res, backend, { tried: new Set(), attempts: 0 });
      } catch {
        respond(res, 400);
      }
    },
    upgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const backend = routeRequest(options.table(), req.headers.host, req.url ?? '/');
      if (!backend?.endpoints.length) return respondRaw(socket, backend ? 503 : 404);
      try {
        forwardUpgrade(options, req, socket, head, backend, { tried: new Set(), attempts: 0 });
      } catch {
        respondRaw(socket, 400);
      }
    },
  };
}

/** The request to an endpoint: an upgrade gets a connection of its own (never reused). */
function upstreamRequest(options: ProxyOptions, req: IncomingMessage, endpoint: Endpoint, upgrade: boolean): ClientRequest {
  return httpRequest({
    host: endpoint.host,
    port: endpoint.port,
    method: req.method,
    path: req.url,
    headers: upstreamRequestHeaders(req, options.scheme, upgrade),
    agent: upgrade ? false : options.agent,
  });
}

function forwardRequest(options: ProxyOptions, req: IncomingMessage, res: ServerResponse, backend: Backend, tries: Tries): void {
  const endpoint = pickEndpoint(backend, tries);
  const upstream = upstreamRequest(options, req, endpoint, false);
  const connection = whenConnected(upstream, () => {
    if (req.readableEnded) upstream.end();
    else req.pipe(upstream);
  });
  const abandon = () => {
    if (!res.writableFinished) upstream.destroy();
  };
  res.once('close', abandon);
  upstream.once('response', (response) => {
    res.writeHead(response.statusCode ?? 502, response.statusMessage, downstreamResponseHeaders(response.headers));
    response.pipe(res);
    // A backend gone mid-body: the client must not take the truncated body for the whole.
    response.once('close', () => {
      if (!response.complete) res.destroy();
    });
  });
  upstream.once('error', (err) => {
    res.off('close', abandon);
    req.unpipe(upstream);
    if (res.headersSent) return void res.destroy();
    if (res.destroyed) return;
    const safe = !connection.connected || (idempotentMethods.has(req.method ?? '') && !hasBody(req));
    if (safe && canRetry(backend, tries)) return forwardRequest(options, req, res, backend, tries);
    console.error(`skiff: ingress: ${backend.name} (${endpoint.host}:${endpoint.port}): ${err.message}`);
    respond(res, 502);
  });
}

function forwardUpgrade(options: ProxyOptions, req: IncomingMessage, socket: Duplex, head: Buffer, backend: Backend, tries: Tries): void {
  const endpoint = pickEndpoint(backend, tries);
  const upstream = upstreamRequest(options, req, endpoint, true);
  const connection = whenConnected(upstream, () => upstream.end());
  const abandon = () => upstream.destroy();
  socket.once('close', abandon);
  upstream.once('upgrade', (response, upstreamSocket, upstreamHead) => {
    socket.off('close', abandon);
    socket.write(responseHead(response, response.rawHeaders));
    if (upstreamHead.length) socket.write(upstreamHead);
    if (head.length) upstreamSocket.write(head);
    splice(socket, upstreamSocket, options.upgraded);
  });
  // The backend declined to upgrade: its answer goes back, and the connection closes after it.
  upstream.once('response', (response) => {
    const headers = Object.entries(downstreamResponseHeaders(response.headers)).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => [name, v]) : [[name, String(value)]]));
    socket.write(responseHead(response, [...headers.flat(), 'connection', 'close']));
    response.pipe(socket);
  });
  upstream.once('error', (err) => {
    socket.off('close', abandon);
    if (socket.destroyed) return;
    if (!connection.connected && canRetry(backend, tries)) return forwardUpgrade(options, req, socket, head, backend, tries);
    console.error(`skiff: ingress: ${backend.name} (${endpoint.host}:${endpoint.port}): ${err.message}`);
    respondRaw(socket, 502);
  });
}

/** Round-robin over the backend's endpoints, passing over those already tried while any is left. */
function pickEndpoint(backend: Backend, { tried }: Tries): Endpoint {
  const { endpoints } = backend;
  let endpoint = endpoints[backend.next % endpoints.length]!;
  for (let i = 0; i < endpoints.length && tried.has(endpoint); i++) {
    backend.next = (backend.next + 1) % endpoints.length;
    endpoint = endpoints[backend.next]!;
  }
  backend.next = (backend.next + 1) % endpoints.length;
  tried.add(endpoint);
  return endpoint;
}

function canRetry(backend: Backend, tries: Tries): boolean {
  // One endpoint gets a second try: a kept-alive connection may have been closed under us.
  return ++tries.attempts < Math.min(maxTries, Math.max(2, backend.endpoints.length));
}

/**
 * Calls send once the request has a connected socket (a kept-alive one at once), failing the
 * request if connecting takes longer than the connect timeout.
 */
function whenConnected(upstream: ClientRequest, send: () => void): { connected: boolean } {
  const state = { connected: false };
  upstream.once('socket', (socket) => {
    if (!socket.connecting) {
      state.connected = true;
      return send();
    }
    const timer = setTimeout(() => upstream.destroy(Object.assign(new Error(`connect timed out after ${connectTimeoutMs} ms`), { code: 'ETIMEDOUT' })), connectTimeoutMs);
    upstream.once('error', () => clearTimeout(timer));
    socket.once('connect', () => {
      clearTimeout(timer);
      state.connected = true;
      send();
    });
  });
  return state;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Joins the two connections; either closing or failing closes both. */
function splice(client: Duplex, upstream: Duplex, upgraded: Set<Duplex>): void {
  upgraded.add(client);
  const close = () => {
    upgraded.delete(client);
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.once('error', close);
    socket.once('close', close);
  }
  client.pipe(upstream);
  upstream.pipe(client);
}

function responseHead(response: IncomingMessage, rawHeaders: string[]): string {
  const lines = [`HTTP/1.1 ${response.statusCode} ${response.statusMessage ?? ''}`];
  for (let i = 0; i < rawHeaders.length; i += 2) lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function respond(res: ServerResponse, status: number): void {
  const body = errorBodies[status]!;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function respondRaw(socket: Duplex, status: number): void {
  const body = errorBodies[status]!;
  const reason = { 400: 'Bad Request', 404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Unavailable' }[status];
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
