import assert from 'node:assert/strict';
// Raw HTTPS requests and watch streams against a SkiffServer, for what the e2e tests check
// below kubectl: exact status codes, Status bodies, headers and watch events.

import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders, ClientRequest } from 'node:http';
import { readFile } from 'node:fs/promises';
import { waitFor, type SkiffServer } from './harness.ts';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: any;
  text: string;
}

export interface RequestOptions {
  contentType?: string;
  accept?: string;
  /** Send the admin bearer token (default true). */
  auth?: boolean;
}

/** Asserts a response's status code, showing its body when it differs. */
export function expectStatus(res: RawResponse, code: number): void {
  assert.equal(res.status, code, res.text);
}

export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export class RawApi {
  readonly #port: number;
  readonly #token: string;
  readonly #ca: string;

  private constructor(port: number, token: string, ca: string) {
    this.#port = port;
    this.#token = token;
    this.#ca = ca;
  }

  /** A client with the server's admin credentials (read again after a restart). */
  static async of(server: SkiffServer): Promise<RawApi> {
    const config = await readFile(server.kubeconfig, 'utf8');
    const token = /token: (\S+)/.exec(config)![1];
    const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(config)![1], 'base64').toString();
    return new RawApi(server.port, token, ca);
  }

  /** One request; an object body is sent as JSON. */
  request(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<RawResponse> {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      // Node sends GET and DELETE bodies unframed unless told their length.
      const req = this.#open(method, path, { ...options, contentLength: payload?.length }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: parseJson(text) ?? text, text }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  get(path: string, options?: RequestOptions): Promise<RawResponse> {
    return this.request('GET', path, undefined, options);
  }

  /** Opens a watch (path carries ?watch=true or /watch/) and collects its events. */
  async watch(path: string, options: RequestOptions = {}): Promise<WatchStream> {
    return new Promise((resolve, reject) => {
      const req = this.#open('GET', path, options, (res) => resolve(new WatchStream(req, res)));
      req.on('error', reject);
      req.end();
    });
  }

  #open(method: string, path: string, options: RequestOptions & { contentLength?: number }, onResponse: (res: import('node:http').IncomingMessage) => void): ClientRequest {
    const headers: Record<string, string> = { 'Content-Type': options.contentType ?? 'application/json' };
    if (options.accept) headers.Accept = options.accept;
    if (options.contentLength !== undefined) headers['Content-Length'] = String(options.contentLength);
    if (options.auth ?? true) headers.Authorization = `Bearer ${this.#token}`;
    return httpsRequest({ host: '127.0.0.1', port: this.#port, path, method, ca: this.#ca, headers }, onResponse);
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

/** A watch response: its newline-delimited events as they arrive, and its end. */
export class WatchStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly events: WatchEvent[] = [];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  #ended = false;
  readonly #req: ClientRequest;

  constructor(req: ClientRequest, res: import('node:http').IncomingMessage) {
    this.#req = req;
    this.status = res.statusCode!;
    this.headers = res.headers;
    let partial = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line));
    });
    this.ended = new Promise((resolve) => {
      res.on('end', () => {
        this.#ended = true;
        resolve();
      });
      res.on('error', () => resolve());
    });
  }

  get isEnded(): boolean {
    return this.#ended;
  }

  /** Waits until at least n events have arrived; returns them all. */
  async waitForCount(n: number, what: string, timeoutMs = 10_000): Promise<WatchEvent[]> {
    await waitFor(() => this.events.length >= n, timeoutMs, `${what} (have ${JSON.stringify(this.events.map(summary))})`);
    return this.events;
  }

  /** Waits for the first event that satisfies match. */
  async waitForEvent(match: (e: WatchEvent) => boolean, what: string, timeoutMs = 10_000): Promise<WatchEvent> {
    const event = await waitFor(() => this.events.find(match), timeoutMs, `${what} (have ${JSON.stringify(this.events.map(summary))})`);
    return event!;
  }

  close(): void {
    this.#req.destroy();
  }
}

/** type and name of an event, for readable failures and assertions. */
export function summary(e: WatchEvent): string {
  return `${e.type} ${e.object?.metadata?.name ?? e.object?.rows?.[0]?.cells?.[0] ?? e.object?.message ?? ''}`.trim();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
