// The agent's end of its tunnel (../../apiserver/tunnel/tunnelServer.ts): one HTTPS request
// upgraded to `skiff-tunnel`, over which the agent is the HTTP/2 server; every CONNECT stream
// the apiserver opens is handed to the kubelet's HTTP server as a connection. When the
// tunnel drops (the server restarts) it is dialed again, backing off while that fails.

import { request } from 'node:https';
import type { Server } from 'node:http';
import { performServerHandshake, type ServerHttp2Session } from 'node:http2';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepAlive, tunnelSettings } from '../../apiserver/tunnel/keepAlive.ts';
import { tunnelPath, tunnelProtocol } from '../../apiserver/tunnel/tunnelServer.ts';
import { statusMessage } from '../join.ts';

export interface TunnelClientOptions {
  /** https://host:port of the apiserver. */
  server: string;
  /** The node's credential (the tunnel serves the node it names). */
  token: string;
  /** The cluster CA (PEM); default: the system's. */
  ca?: string;
  /** The kubelet's HTTP server: every stream through the tunnel becomes one of its connections. */
  kubeletServer: Server;
  /** Names the node in log lines. */
  nodeName: string;
}

export interface TunnelClient {
  /** Whether the tunnel is up now. */
  readonly connected: boolean;
  /** Closes the tunnel and stops dialing. */
  stop(): Promise<void>;
}

const initialBackoffMs = 250;
const maxBackoffMs = 10_000;

/** Dials the tunnel and keeps it up until stop(). */
export function startTunnelClient(options: TunnelClientOptions): TunnelClient {
  const stopping = new AbortController();
  let session: ServerHttp2Session | undefined;

  const loop = (async () => {
    let backoffMs = initialBackoffMs;
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        session = await openTunnel(options, stopping.signal);
        if (failures > 0) console.log(`skiff agent: tunnel of node ${options.nodeName} to ${options.server} is up again`);
        backoffMs = initialBackoffMs;
        failures = 0;
        await new Promise((resolve) => session!.once('close', resolve));
        session = undefined;
        if (stopping.signal.aborted) break;
        console.error(`skiff agent: tunnel of node ${options.nodeName} to ${options.server} closed, dialing again`);
      } catch (err) {
        if (stopping.signal.aborted) break;
        // Said once per outage, not on every retry.
        if (failures++ === 0) console.error(`skiff agent: tunnel of node ${options.nodeName} to ${options.server} failed (retrying): ${(err as Error).message}`);
        await sleep(backoffMs, undefined, { signal: stopping.signal }).catch(() => {});
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      }
    }
  })();

  return {
    get connected() {
      return session !== undefined && !session.closed;
    },
    stop: async () => {
      stopping.abort();
      session?.destroy();
      await loop;
    },
  };
}

/** One tunnel: resolves with the HTTP/2 session once the server switched protocols. */
function openTunnel(options: TunnelClientOptions, signal: AbortSignal): Promise<ServerHttp2Session> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(tunnelPath, options.server), {
      method: 'GET',
      ca: options.ca,
      signal,
      headers: { Connection: 'Upgrade', Upgrade: tunnelProtocol, Authorization: `Bearer ${options.token}` },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.once('end', () => reject(new Error(`the server answered ${res.statusCode} instead of switching protocols: ${statusMessage(body)}`)));
    });
    req.once('upgrade', (_res, socket: Duplex, head: Buffer) => {
      if (head.length > 0) socket.unshift(head);
      const session = performServerHandshake(socket, { settings: tunnelSettings });
      keepAlive(session);
      session.on('error', () => {}); // the close that follows is what the loop waits for
      session.on('stream', (stream, headers) => {
        if (headers[':method'] !== 'CONNECT') {
          stream.respond({ ':status': 405 });
          return void stream.end();
        }
        stream.respond({ ':status': 200 });
        options.kubeletServer.emit('connection', stream);
      });
      resolve(session);
    });
    req.end();
  });
}
