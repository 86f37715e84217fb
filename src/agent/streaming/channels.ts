// Kubernetes' channel protocols over a WebSocket (upstream's wsstream): every message starts
// with its channel number, a byte (`channel.k8s.io`, `v4.`, `v5.`) or, in the base64 variants,
// an ASCII digit followed by the base64 of the data. v5 adds channel 255: the client's
// [255, n] closes channel n (the end of stdin, which v4 cannot say).

import { Readable, Writable } from 'node:stream';
import type { WebSocket } from 'ws';

export const V5_CHANNEL = 'v5.channel.k8s.io';
export const V4_CHANNEL = 'v4.channel.k8s.io';
export const V4_BASE64_CHANNEL = 'v4.base64.channel.k8s.io';
export const CHANNEL = 'channel.k8s.io';
export const BASE64_CHANNEL = 'base64.channel.k8s.io';
const CLOSE_SIGNAL = 255;

/** The first protocol the client offers that the server supports (client order, as upstream); '' when it offers none. */
export function negotiate(offered: string | undefined, supported: readonly string[]): string | undefined {
  const protocols = (offered ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (protocols.length === 0) return '';
  return protocols.find((p) => supported.includes(p));
}

export interface Channels {
  readonly protocol: string;
  /** Data the client sends on the channel; ends when it closes the channel (v5) or the socket. */
  reader(channel: number): Readable;
  /** Each write is one message on the channel; once the client is gone, writes are dropped. */
  writer(channel: number): Writable;
  send(channel: number, data: Buffer | string): Promise<void>;
  /** Closes the WebSocket normally (1000), after what was sent. */
  close(): void;
  readonly closed: Promise<void>;
}

export function openChannels(ws: WebSocket, protocol: string): Channels {
  const base64 = protocol.startsWith('base64.') || protocol.includes('.base64.');
  const readers = new Map<number, Readable>();
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

  ws.on('message', (message: Buffer) => {
    let data = message;
    if (data.length === 0) return;
    let channel = data[0]!;
    if (base64) {
      channel -= 0x30;
      data = Buffer.from(data.toString('latin1', 1), 'base64');
    } else {
      data = data.subarray(1);
    }
    if (channel === CLOSE_SIGNAL && protocol === V5_CHANNEL) {
      if (data.length > 0) readers.get(data[0]!)?.push(null);
      return;
    }
    const reader = readers.get(channel);
    if (!reader || reader.readableEnded) return; // a channel nobody reads, as upstream's IgnoreChannel
    if (!reader.push(data)) ws.pause();
  });
  ws.on('error', () => {}); // ws closes the connection itself after a protocol error
  ws.once('close', () => {
    for (const reader of readers.values()) if (!reader.readableEnded) reader.push(null);
  });

  const send = (channel: number, data: Buffer | string): Promise<void> => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return new Promise((resolve, reject) => {
      if (ws.readyState !== ws.OPEN) return reject(new Error('the connection is closed'));
      const done = (err?: Error) => (err ? reject(err) : resolve());
      if (base64) ws.send(String.fromCharCode(0x30 + channel) + bytes.toString('base64'), { binary: false }, done);
      else ws.send(Buffer.concat([Buffer.from([channel]), bytes]), { binary: true }, done);
    });
  };

  return {
    protocol,
    closed,
    send,
    reader(channel) {
      let reader = readers.get(channel);
      if (!reader) {
        reader = new Readable({ read: () => ws.isPaused && ws.resume() });
        readers.set(channel, reader);
      }
      return reader;
    },
    writer(channel) {
      return new Writable({
        write: (chunk: Buffer, _encoding, done) => void send(channel, chunk).then(() => done(), () => done()),
      });
    },
    close() {
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
  };
}
