// The apiserver: HTTPS, authentication, routing to resources, discovery, OpenAPI, health,
// version and metrics.

import { createServer, type Server } from 'node:https';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NodeDialer, Upgrade } from './nodeDialer.ts';
import { timingSafeEqual } from 'node:crypto';
import type { Credentials } from './credentials.ts';
import type { ApiServerCore } from './core.ts';
import { parseRequestInfo, type RequestInfo } from './requestInfo.ts';
import { ApiError, internalError, notFound } from './errors.ts';
import { sendError, sendJson } from './respond.ts';
import { handleResource } from './resources.ts';
import { aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery.ts';
import { OpenApi } from './openapi.ts';
import { ApiMetrics } from './metrics.ts';
import { handleReview } from './reviews.ts';

export const version = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+skiff',
  gitCommit: 'skiff',
  gitTreeState: 'clean',
  buildDate: '2026-11-24T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export interface User {
  name: string;
  groups: string[];
}

export interface ApiServerOptions {
  core: ApiServerCore;
  credentials: Credentials;
  port: number;
  host?: string;
  /** Reaches nodes' kubelets for pods' log, exec, attach and portforward. */
  nodeDialer?: NodeDialer;
  /** Non-resource paths that take an HTTP upgrade from an authenticated user (the agents' tunnel). */
  upgrades?: Record<string, (req: IncomingMessage, upgrade: Upgrade, user: User) => void>;
  /** Bearer tokens beyond the admin's and the join secret (node credentials). */
  authenticate?: (token: string) => Promise<User | undefined>;
  /** skiff's own endpoints for authenticated users, by path prefix (nodes claiming their credential). */
  endpoints?: Record<string, EndpointHandler>;
}

export type EndpointHandler = (req: IncomingMessage, res: ServerResponse, user: User) => Promise<void>;

/**
 * Paths anyone may read, as upstream's system:public-info-viewer allows; and /cacerts (as
 * k3s's), the CA a joining agent fetches unverified and checks against its join token.
 */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/', '/cacerts']);

export class ApiServer {
  readonly #core: ApiServerCore;
  readonly #credentials: Credentials;
  readonly #server: Server;
  readonly #openapi: OpenApi;
  readonly metrics = new ApiMetrics();
  #port: number;
  readonly #host: string;
  readonly #options: ApiServerOptions;
  #ready = false;

  constructor(options: ApiServerOptions) {
    this.#core = options.core;
    this.#credentials = options.credentials;
    this.#port = options.port;
    this.#host = options.host ?? '0.0.0.0';
    this.#openapi = new OpenApi(options.core.registry);
    this.#options = options;
    this.#server = createServer({ cert: options.credentials.servingCert, key: options.credentials.servingKey, keepAliveTimeout: 120_000 }, (req, res) => {
      void this.#handle(req, res);
    });
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Errors before the handler takes the socket over are written to it as ordinary responses.
      const res = new ServerResponse(req);
      res.assignSocket(socket as import('node:net').Socket);
      res.shouldKeepAlive = false;
      socket.on('error', () => socket.destroy());
      void this.#handle(req, res, undefined, { socket, head });
    });
  }

  get port(): number {
    return this.#port;
  }

  /** Listens; fails with a clear message if the port is taken. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') reject(new Error(`port ${this.#port} is already in use: is another skiff server (or kube-apiserver) running? Use --port to pick another.`));
        else reject(err);
      };
      this.#server.once('error', onError);
      this.#server.listen(this.#port, this.#host, () => {
        this.#server.off('error', onError);
        const address = this.#server.address();
        if (address && typeof address === 'object') this.#port = address.port;
        resolve();
      });
    });
  }

  setReady(ready: boolean): void {
    this.#ready = ready;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /**
   * Serves a request that did not come over the network (the in-process client): the same
   * pipeline, with the caller's identity instead of credentials.
   */
  serveInProcess(req: IncomingMessage, res: ServerResponse, user: User): Promise<void> {
    return this.#handle(req, res, user);
  }

  async #handle(req: IncomingMessage, res: ServerResponse, authenticated?: User, upgrade?: Upgrade): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'https://localhost');
    let info: RequestInfo | undefined;
    try {
      info = parseRequestInfo(req.method ?? 'GET', url);
      const user = authenticated ?? (await this.#authenticate(req));
      if (!user && !publicPaths.has(url.pathname)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      const upgradeHandler = upgrade && this.#options.upgrades?.[url.pathname];
      const endpoint = user && this.#endpoint(url.pathname);
      if (upgradeHandler && user) {
        res.detachSocket(upgrade.socket as import('node:net').Socket);
        upgradeHandler(req, upgrade, user);
      } else if (info.resource) await this.#resource(req, res, url, info, user!, upgrade);
      else if (endpoint) await endpoint(req, res, user);
      else await this.#nonResource(req, res, url);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : internalError(err);
      if (!(err instanceof ApiError)) console.error('skiff: request failed:', req.method, req.url, err);
      sendError(res, apiError);
    } finally {
      const labels = info?.resource
        ? { verb: metricVerb(info.verb, req), group: info.group, resource: info.plural, subresource: info.subresource ?? '' }
        : { verb: metricVerb(info?.verb ?? 'get', req), group: '', resource: '', subresource: '' };
      this.metrics.observe(labels, res.statusCode, (performance.now() - started) / 1000);
    }
  }

  async #authenticate(req: IncomingMessage): Promise<User | undefined> {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return undefined;
    const text = header.slice(7).trim();
    const token = Buffer.from(text);
    if (sameToken(token, this.#credentials.adminToken)) return { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
    // The join secret: agents claim their node's credential with it; simulated nodes use it throughout.
    if (sameToken(token, this.#credentials.nodeToken)) return { name: 'system:node-agent', groups: ['system:nodes', 'system:authenticated'] };
    return this.#options.authenticate?.(text);
  }

  #endpoint(path: string): EndpointHandler | undefined {
    const endpoints = this.#options.endpoints ?? {};
    const prefix = Object.keys(endpoints).find((p) => path.startsWith(p));
    return prefix === undefined ? undefined : endpoints[prefix];
  }

  async #resource(req: IncomingMessage, res: ServerResponse, url: URL, info: Extract<RequestInfo, { resource: true }>, user: User, upgrade?: Upgrade): Promise<void> {
    const registry = this.#core.registry;
    const served = registry.served(info.group, info.version, info.plural);
    if (!served) {
      // /api/v1/namespaces/x with a GET/PUT/DELETE addresses the namespace itself.
      throw notFound({ group: info.group, plural: info.plural }, info.name ?? '');
    }
    if (served.decl.review) return handleReview(req, res, served, user);
    const storage = this.#core.storageFor(served.decl.group, served.decl.plural);
    await handleResource(this.#core, { req, res, url, info, served, storage, user: user.name, upgrade, nodeDialer: this.#options.nodeDialer });
  }

  async #nonResource(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    const registry = this.#core.registry;
    switch (path) {
      case '/version': return sendJson(res, 200, version);
      case '/cacerts': return sendText(res, 200, this.#credentials.caCert);
      case '/healthz':
      case '/livez':
        return sendText(res, 200, 'ok');
      case '/readyz':
        return this.#ready ? sendText(res, 200, 'ok') : sendText(res, 500, '[-]skiff-ready failed: not ready yet\nreadyz check failed');
      case '/metrics': {
        const text = await this.metrics.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
        return void res.end(text);
      }
      case '/api':
        if (wantsAggregated(accept)) return sendJson(res, 200, aggregatedDiscovery(registry, true), aggregatedContentType);
        return sendJson(res, 200, apiVersions(`${req.socket.localAddress}:${this.#port}`));
      case '/apis':
        if (wantsAggregated(accept)) return sendJson(res, 200, aggregatedDiscovery(registry, false), aggregatedContentType);
        return sendJson(res, 200, apiGroupList(registry));
      case '/openapi/v3':
        return sendJson(res, 200, this.#openapi.index());
      case '/openapi/v2':
        return this.#openapi.serveV2(req, res);
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = this.#openapi.document(path.slice('/openapi/v3/'.length));
      if (doc) return sendOpenApi(req, res, doc);
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2) {
      const list = apiResourceList(registry, '', parts[1]);
      if (list) return sendJson(res, 200, list);
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const group = registry.groups().find((g) => g.group === parts[1]);
      if (group) return sendJson(res, 200, apiGroup(group));
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const list = apiResourceList(registry, parts[1], parts[2]);
      if (list) return sendJson(res, 200, list);
    }
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] });
  }
}

function sameToken(given: Buffer, expected: string): boolean {
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** OpenAPI documents are immutable per hash: clients cache them. */
function sendOpenApi(req: IncomingMessage, res: ServerResponse, doc: { text: string; etag: string }): void {
  if (req.headers['if-none-match'] === doc.etag) {
    res.writeHead(304, { ETag: doc.etag });
    return void res.end();
  }
  res.writeHead(200, { 'Content-Type': 'application/json', ETag: doc.etag, 'Content-Length': Buffer.byteLength(doc.text) });
  res.end(doc.text);
}

/** The verb label as kube-apiserver's metrics spell it: POST, PUT, LIST, WATCH, APPLY... */
function metricVerb(verb: string, req: IncomingMessage): string {
  const http: Record<string, string> = { create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', get: 'GET' };
  if (verb === 'patch' && req.headers['content-type']?.startsWith('application/apply-patch')) return 'APPLY';
  return http[verb] ?? (verb || req.method || 'GET').toUpperCase();
}
