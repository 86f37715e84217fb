// The apiserver's end of the node tunnels. An agent opens one long-lived HTTPS request,
// `GET /skiff/v1/tunnel` with `Upgrade: skiff-tunnel`, authenticated with its node
// credential; the apiserver answers 101 and keeps the connection under that node's name,
// then speaks HTTP/2 over it in reverse: the apiserver is the HTTP/2 client, the agent the
// server. Each dial is one HTTP/2 CONNECT stream, which the agent hands to its kubelet's HTTP
// server as a connection: a byte stream with HTTP/2's per-stream flow control, many at once
// over the one connection the node opened (nodes expose no port).

import { connect, type ClientHttp2Session } from 'node:http2';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors.ts';
import type { NodeDialer, Upgrade } from '../nodeDialer.ts';
import { nodeNameOf } from '../nodeCredentials.ts';
import type { User } from '../server.ts';
import { keepAlive, tunnelSettings } from './keepAlive.ts';

export const tunnelPath = '/skiff/v1/tunnel';
export const tunnelProtocol = 'skiff-tunnel';

/** A dialer for a node in this process (the server's own agent): no tunnel needed. */
export type LocalDial = () => Duplex | Promise<Duplex>;

/** How long a CONNECT may wait for the agent's answer before the dial fails. */
const dialTimeoutMs = 10_000;

export class TunnelServer implements NodeDialer {
  readonly #sessions = new Map<string, ClientHttp2Session>();
  readonly #local = new Map<string, LocalDial>();

  /** The upgrade handler for tunnelPath (ApiServerOptions.upgrades). */
  accept = (_req: IncomingMessage, { socket, head }: Upgrade, user: User): void => {
    const nodeName = nodeNameOf(user);
    if (nodeName === undefined) {
      const body = JSON.stringify(new ApiError(403, 'Forbidden', `only a node's own credential may open its tunnel (user "${user.name}" is no node)`).toStatus());
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    // HTTP/2 takes the socket over only once the 101 is written: with a write in flight the
    // TLS stream below it is not HTTP/2's to use yet.
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${tunnelProtocol}\r\n\r\n`, (err) => {
      if (err) return void socket.destroy();
      if (head.length > 0) socket.unshift(head);
      this.#adopt(nodeName, connect('http://node', { createConnection: () => socket, settings: tunnelSettings }));
    });
  };

  /** Routes dials of nodeName to `dial` (an agent in this process) until the returned function is called. */
  register(nodeName: string, dial: LocalDial): () => void {
    this.#local.set(nodeName, dial);
    return () => {
      if (this.#local.get(nodeName) === dial) this.#local.delete(nodeName);
    };
  }

  /** Whether nodeName can be dialed now. */
  connected(nodeName: string): boolean {
    return this.#local.has(nodeName) || this.#sessions.has(nodeName);
  }

  async dial(nodeName: string): Promise<Duplex> {
    const local = this.#local.get(nodeName);
    if (local) return local();
    const session = this.#sessions.get(nodeName);
    if (!session || session.closed || session.destroyed) throw noTunnel(nodeName, 'its agent is not connected');
    const stream = session.request({ ':method': 'CONNECT', ':authority': 'kubelet' });
    return new Promise<Duplex>((resolve, reject) => {
      const settle = (why?: string) => {
        clearTimeout(timer);
        stream.off('response', onResponse).off('error', onError).off('close', onClose);
        if (why === undefined) return resolve(stream);
        stream.destroy();
        reject(noTunnel(nodeName, why));
      };
      const onResponse = (headers: { ':status'?: number }) => settle(headers[':status'] === 200 ? undefined : `its agent refused the connection (${headers[':status']})`);
      const onError = (err: Error) => settle(err.message);
      const onClose = () => settle('the tunnel closed');
      const timer = setTimeout(() => settle(`its agent did not answer within ${dialTimeoutMs / 1000} s`), dialTimeoutMs);
      stream.on('response', onResponse).on('error', onError).on('close', onClose);
    });
  }

  /** Closes every tunnel (agents will dial again, elsewhere or after a restart). */
  close(): void {
    for (const session of this.#sessions.values()) session.destroy();
    this.#sessions.clear();
  }

  #adopt(nodeName: string, session: ClientHttp2Session): void {
    // A node has one tunnel: a reconnecting agent replaces the one it lost.
    this.#sessions.get(nodeName)?.destroy();
    this.#sessions.set(nodeName, session);
    keepAlive(session);
    session.on('error', () => {}); // the close that follows unregisters it
    session.once('close', () => {
      if (this.#sessions.get(nodeName) === session) this.#sessions.delete(nodeName);
    });
  }
}

function noTunnel(nodeName: string, why: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', `no tunnel to node "${nodeName}": ${why}`);
}
