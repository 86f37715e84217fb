// A small SPDY/3.1 client for tests, compressing its header blocks as spdystream does (real
// zlib with the SPDY dictionary, one stream per direction), so the server's inflater is tested
// against what kubectl sends.

import * as zlib from 'node:zlib';
import type { Duplex } from 'node:stream';
import { FrameReader, HeaderInflater, SPDY_DICTIONARY, dataFrame, encodeHeaderPairs, pingFrame, rstStreamFrame, synStreamFrame, type SpdyFrame, type SpdyHeaders } from '../frames.ts';

export interface ReceivedFrame {
  frame: SpdyFrame;
  /** For SYN_REPLY and HEADERS: the decoded headers. */
  headers?: SpdyHeaders;
}

export class SpdyTestClient {
  readonly socket: Duplex;
  readonly frames: ReceivedFrame[] = [];
  readonly #deflate = zlib.createDeflate({ dictionary: SPDY_DICTIONARY, level: 9 });
  readonly #inflater = new HeaderInflater();
  readonly #reader = new FrameReader();
  #nextId = 1;
  #decoding: Promise<void> = Promise.resolve();
  #sending: Promise<void> = Promise.resolve();
  #waiters: (() => void)[] = [];

  constructor(socket: Duplex) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.#reader.push(chunk)) {
        this.#decoding = this.#decoding.then(async () => {
          const headers = frame.type === 'synReply' || frame.type === 'headers' ? await this.#inflater.decode(frame.headerBlock) : undefined;
          this.frames.push({ frame, headers });
          for (const wake of this.#waiters.splice(0)) wake();
        });
      }
    });
    socket.on('close', () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Opens a stream (SYN_STREAM); resolves with its id once sent. */
  open(headers: SpdyHeaders, fin = false): Promise<number> {
    const id = this.#nextId;
    this.#nextId += 2;
    return this.#send(async () => synStreamFrame(id, await this.#compress(headers), { fin })).then(() => id);
  }

  data(id: number, data: Buffer | string, fin = false): Promise<void> {
    return this.#send(async () => dataFrame(id, Buffer.from(data), fin));
  }

  reset(id: number, status = 5): Promise<void> {
    return this.#send(async () => rstStreamFrame(id, status));
  }

  ping(id: number): Promise<void> {
    return this.#send(async () => pingFrame(id));
  }

  raw(bytes: Buffer): Promise<void> {
    return this.#send(async () => bytes);
  }

  /** Waits until a received frame matches (or the socket closes). */
  async waitFor(match: (f: ReceivedFrame) => boolean, what: string, timeoutMs = 5000): Promise<ReceivedFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.socket.destroyed || Date.now() > deadline) throw new Error(`no frame: ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The data received on a stream so far, and whether the server finished it. */
  received(id: number): { data: string; fin: boolean; reset: boolean } {
    let data = '';
    let fin = false;
    let reset = false;
    for (const { frame } of this.frames) {
      if (frame.type === 'data' && frame.streamId === id) {
        data += frame.data.toString();
        fin ||= frame.fin;
      }
      if (frame.type === 'rstStream' && frame.streamId === id) reset = true;
    }
    return { data, fin, reset };
  }

  close(): void {
    this.#inflater.close();
    this.#deflate.close();
    this.socket.destroy();
  }

  #send(make: () => Promise<Buffer>): Promise<void> {
    this.#sending = this.#sending.then(async () => {
      this.socket.write(await make());
    });
    return this.#sending;
  }

  #compress(headers: SpdyHeaders): Promise<Buffer> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      this.#deflate.on('data', onData);
      this.#deflate.write(encodeHeaderPairs(headers));
      this.#deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.#deflate.off('data', onData);
        resolve(Buffer.concat(chunks));
      });
    });
  }
}
