// Port-forward as the kubelet serves it (upstream's kubelet/cri/streaming/portforward):
// - SPDY (`portforward.k8s.io`), plain or tunnelled in WebSocket binary messages: per forwarded
//   connection the client opens an error stream and a data stream with the same `requestid` and
//   a `port` header; data is copied to and from the pod's port; a failure is written on the
//   error stream, which is closed when the connection is done.
// - WebSocket channels (`v4.channel.k8s.io`, client-node): per port in the query a data channel
//   2i and an error channel 2i+1, each opened by a message with the port (uint16 little-endian).

import type { Duplex, Readable, Writable } from 'node:stream';
import type { ContainerRuntime } from '../../runtime/runtime.ts';
import type { Channels } from './channels.ts';
import { SpdySession, type SpdyStream } from './spdy/session.ts';
import type { SpdyHeaders } from './spdy/frames.ts';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** The WebSocket subprotocol prefix of SPDY tunnelled through a WebSocket. */
export const SPDY_TUNNEL_PREFIX = 'SPDY/3.1+';

export interface PortForwardTarget {
  runtime: ContainerRuntime;
  sandboxId: string;
}

/** Serves port-forward streams on a SPDY connection until it closes. */
export function servePortForwardSpdy(socket: Duplex, target: PortForwardTarget, streamCreationTimeoutMs = 30_000): void {
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream; timer: NodeJS.Timeout }>();
  new SpdySession(socket, {
    accept: checkStreamHeaders,
    onStream(stream) {
      // Clients before request ids paired streams by id: error n with data n+2 (as upstream guesses).
      const type = stream.headers.streamtype;
      const requestId = stream.headers.requestid ?? String(type === 'data' ? stream.id - 2 : stream.id);
      let pair = pairs.get(requestId);
      if (!pair) {
        const timer = setTimeout(() => {
          pairs.delete(requestId);
          pair?.error?.end(`(request=${requestId}) timed out waiting for streams`);
          pair?.data?.destroy();
        }, streamCreationTimeoutMs);
        timer.unref();
        pair = { timer };
        pairs.set(requestId, pair);
      }
      if (pair[type as 'data' | 'error']) {
        const message = `error processing stream for request ${requestId}: ${type} stream already assigned`;
        (pair.error ?? stream).end(message);
        return;
      }
      pair[type as 'data' | 'error'] = stream;
      if (!pair.data || !pair.error) return;
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      void forward(target, Number(stream.headers.port), pair.data, pair.error);
    },
  });
}

/** Upstream's checks of a new stream's headers (the reason refuses it). */
function checkStreamHeaders(headers: SpdyHeaders): string | undefined {
  const port = headers.port;
  if (!port) return '"port" header is required';
  if (!/^\d+$/.test(port) || Number(port) > 65535) return `unable to parse ${JSON.stringify(port)} as a port`;
  if (Number(port) < 1) return `port ${JSON.stringify(port)} must be > 0`;
  const type = headers.streamtype;
  if (!type) return '"streamType" header is required';
  if (type !== 'error' && type !== 'data') return `invalid stream type ${JSON.stringify(type)}`;
  return undefined;
}

/** The `port` query values of a WebSocket port-forward (each may list several, comma-separated). */
export function parsePorts(values: string[]): number[] {
  if (values.length === 0) throw new Error('query parameter "port" is required');
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') throw new Error('query parameter "port" cannot be empty');
    for (const p of value.split(',')) {
      if (!/^\d+$/.test(p) || Number(p) > 65535) throw new Error(`unable to parse ${JSON.stringify(p)} as a port: invalid syntax`);
      if (Number(p) < 1) throw new Error(`port ${JSON.stringify(p)} must be > 0`);
      ports.push(Number(p));
    }
  }
  return ports;
}

/** Serves one connection per port over WebSocket channels; closes the socket when all are done. */
export async function servePortForwardChannels(channels: Channels, ports: number[], target: PortForwardTarget): Promise<void> {
  await Promise.all(
    ports.map(async (port, i) => {
      const portBytes = Buffer.alloc(2);
      portBytes.writeUInt16LE(port);
      const data = channels.writer(2 * i);
      const error = channels.writer(2 * i + 1);
      await Promise.all([channels.send(2 * i, portBytes), channels.send(2 * i + 1, portBytes)]).catch(() => {});
      const incoming = channels.reader(2 * i);
      await forwardConnection(target, port, incoming, data, (message) => error.write(message));
    }),
  );
  channels.close();
}

async function forward(target: PortForwardTarget, port: number, data: SpdyStream, error: SpdyStream): Promise<void> {
  error.resume(); // the client writes nothing there
  await forwardConnection(target, port, data, data, (message) => error.write(message));
  error.end();
  data.end();
}

/** Copies between the client's stream and the pod's port until both directions are done or one fails. */
async function forwardConnection(target: PortForwardTarget, port: number, incoming: Readable, outgoing: Writable, reportError: (message: string) => void): Promise<void> {
  const failed = (err: Error) => reportError(`error forwarding port ${port} to pod ${target.sandboxId}, uid : ${err.message}`);
  let conn: Duplex;
  try {
    conn = await target.runtime.portForward(target.sandboxId, port);
  } catch (err) {
    failed(err as Error);
    return;
  }
  await new Promise<void>((resolve) => {
    conn.on('error', failed);
    conn.once('close', () => resolve());
    // The client going away (a reset stream, a closed socket) ends the pod connection too.
    incoming.once('close', () => conn.destroy());
    incoming.pipe(conn);
    conn.pipe(outgoing, { end: false });
  });
}
