// The in-process transport: components living beside the apiserver (controllers, scheduler,
// the local agent) send requests straight into its handler pipeline — authorization,
// admission, validation and all — without TLS, sockets or HTTP framing.

import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transport, TransportResponse } from '../client/restClient.ts';
import type { ApiServer, User } from './server.ts';

export function loopbackTransport(server: ApiServer, user: User, userAgent: string): Transport {
  return {
    async request(method, path, body): Promise<TransportResponse> {
      const req = Readable.from(body ? [Buffer.from(body.data)] : []) as unknown as IncomingMessage;
      Object.assign(req, {
        method,
        url: path,
        headers: {
          accept: 'application/json',
          'user-agent': `${userAgent}/skiff`,
          ...(body ? { 'content-type': body.contentType, 'content-length': String(Buffer.byteLength(body.data)) } : {}),
        },
        socket: { localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' },
      });
      const res = new LoopbackResponse();
      void server.serveInProcess(req, res as unknown as ServerResponse, user);
      await res.headersWritten;
      return { status: res.statusCode, body: res.chunks(), close: () => res.destroy() };
    },
  };
}

/** The part of ServerResponse the handlers use, with the body readable as it is written. */
class LoopbackResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  readonly headers: Record<string, unknown> = {};
  readonly headersWritten: Promise<void>;
  #onHeaders!: () => void;
  #queue: string[] = [];
  #buffered = 0;
  #wake: (() => void) | undefined;
  #closed = false;

  constructor() {
    super();
    this.headersWritten = new Promise((resolve) => (this.#onHeaders = resolve));
  }

  /** Written but not yet read: a watcher that stops reading is dropped past a limit. */
  get writableLength(): number {
    return this.#buffered;
  }

  setHeader(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  writeHead(code: number, headers: Record<string, unknown> = {}): this {
    this.statusCode = code;
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    this.flushHeaders();
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
    this.#onHeaders();
  }

  write(chunk: string | Buffer): boolean {
    if (this.writableEnded) return false;
    this.flushHeaders();
    const text = String(chunk);
    this.#queue.push(text);
    this.#buffered += text.length;
    this.#wake?.();
    return true;
  }

  end(chunk?: string | Buffer): this {
    if (this.writableEnded) return this;
    if (chunk !== undefined) this.write(chunk);
    this.writableEnded = true;
    this.flushHeaders();
    this.#wake?.();
    this.emit('finish');
    return this;
  }

  /** The reader is gone: the handler sees 'close' (a watch stops). */
  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.end();
    this.emit('close');
  }

  async *chunks(): AsyncGenerator<string> {
    for (;;) {
      while (this.#queue.length > 0) {
        const chunk = this.#queue.shift()!;
        this.#buffered -= chunk.length;
        yield chunk;
      }
      if (this.writableEnded || this.#closed) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}
