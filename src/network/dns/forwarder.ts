// Names outside the cluster go to the host's resolvers (the nameservers of its resolv.conf,
// read once at start, as CoreDNS's `forward . /etc/resolv.conf`): over UDP, again over TCP
// when the answer came back truncated; each resolver in turn until one answers.

import { randomInt } from 'node:crypto';
import * as dgram from 'node:dgram';
import { isIP, Socket } from 'node:net';
import * as packet from 'dns-packet';
import type { Lookup } from './clusterRecords.ts';

export interface Upstream {
  host: string;
  port: number;
}

/** Sends a query (wire format) on; resolves to the response with the query's id, or undefined when no resolver answered. */
export type Forward = (query: Buffer) => Promise<Buffer | undefined>;

/** How long one resolver has to answer (CoreDNS's forward waits at most 2 s on a read too). */
const attemptTimeoutMs = 2_000;

/** The resolvers of a resolv.conf's nameserver lines, at port 53. */
export function upstreamsOf(nameservers: string[]): Upstream[] {
  return nameservers.filter((ns) => isIP(ns)).map((host) => ({ host, port: 53 }));
}

export function createForwarder(upstreams: Upstream[], timeoutMs = attemptTimeoutMs): Forward {
  return async (query) => {
    const id = query.readUInt16BE(0);
    for (const upstream of upstreams) {
      // A fresh id (and a fresh socket, so a fresh port) per attempt: a stray answer never matches.
      const ours = Buffer.from(query);
      ours.writeUInt16BE(randomInt(0x10000), 0);
      try {
        let response = await exchangeUdp(ours, upstream, timeoutMs);
        if (isTruncated(response)) response = await exchangeTcp(ours, upstream, timeoutMs);
        const answer = Buffer.from(response);
        answer.writeUInt16BE(id, 0);
        return answer;
      } catch {
        // the next resolver
      }
    }
    return undefined;
  };
}

/** Resolves a name through the forwarder: its answers (empty for NXDOMAIN), undefined when no resolver answered. */
export function lookupVia(forward: Forward): Lookup {
  return async (name, type) => {
    const query = packet.encode({ type: 'query', id: 0, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] });
    const response = await forward(query);
    if (!response) return undefined;
    try {
      return packet.decode(response).answers ?? [];
    } catch {
      return undefined;
    }
  };
}

function isTruncated(response: Buffer): boolean {
  return response.length >= 4 && (response.readUInt16BE(2) & packet.TRUNCATED_RESPONSE) !== 0;
}

function exchangeUdp(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer> {
  const socket = dgram.createSocket(isIP(upstream.host) === 6 ? 'udp6' : 'udp4');
  const id = query.readUInt16BE(0);
  const { promise, resolve, reject } = Promise.withResolvers<Buffer>();
  const timer = setTimeout(() => reject(new Error(`no answer from ${upstream.host}:${upstream.port}`)), timeoutMs);
  socket.on('error', reject);
  socket.on('message', (message, from) => {
    if (from.address === upstream.host && from.port === upstream.port && message.length >= 12 && message.readUInt16BE(0) === id) resolve(message);
  });
  socket.send(query, upstream.port, upstream.host);
  return promise.finally(() => {
    clearTimeout(timer);
    socket.close();
  });
}

/** One query over TCP: two bytes of length before each message. */
function exchangeTcp(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer> {
  const socket = new Socket();
  const { promise, resolve, reject } = Promise.withResolvers<Buffer>();
  socket.setTimeout(timeoutMs, () => reject(new Error(`no answer from ${upstream.host}:${upstream.port} over TCP`)));
  socket.on('error', reject);
  socket.on('close', () => reject(new Error(`${upstream.host}:${upstream.port} closed the connection`)));
  let received = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    received = Buffer.concat([received, chunk]);
    if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) resolve(received.subarray(2, 2 + received.readUInt16BE(0)));
  });
  socket.connect(upstream.port, upstream.host, () => socket.write(frame(query)));
  return promise.finally(() => socket.destroy());
}

/** A message as TCP carries it. */
export function frame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}
