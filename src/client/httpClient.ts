// The Client over HTTPS, for processes away from the apiserver: node:https with one
// keep-alive Agent per client (no dependency; a watch response is read as it streams).

import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Client } from './client.ts';
import { createRestClient, type Transport, type TransportResponse } from './restClient.ts';

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

export function createHttpClient(config: HttpClientConfig): Client {
  return createRestClient(httpsTransport(config));
}

function httpsTransport(config: HttpClientConfig): Transport {
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
  const prefix = base.pathname.replace(/\/$/, '');

  const once = (method: string, path: string, body?: { data: string; contentType: string }) =>
    new Promise<{ res: IncomingMessage; reused: boolean; destroy: () => void }>((resolvePromise, reject) => {
      const req = httpsRequest({
        agent,
        method,
        hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 literals come bracketed
        port: base.port || 443,
        path: `${prefix}${path}`,
        headers: body ? { ...headers, 'Content-Type': body.contentType, 'Content-Length': Buffer.byteLength(body.data) } : headers,
      });
      req.once('response', (res) => resolvePromise({ res, reused: req.reusedSocket, destroy: () => req.destroy() }));
      req.once('error', (err) => reject(Object.assign(err, { reused: req.reusedSocket })));
      req.end(body?.data);
    });

  return {
    async request(method, path, body): Promise<TransportResponse> {
      for (let attempt = 0; ; attempt++) {
        try {
          const { res, destroy } = await once(method, path, body);
          res.setEncoding('utf8');
          return { status: res.statusCode!, body: res as AsyncIterable<string>, close: destroy };
        } catch (err) {
          // A reused keep-alive socket the server had closed: try once more on a fresh one.
          if (attempt === 0 && (err as { reused?: boolean }).reused && (err as NodeJS.ErrnoException).code === 'ECONNRESET') continue;
          throw err;
        }
      }
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

