// Writing responses: JSON bodies and Status errors. Objects from the watch cache are shared and
// never modified, so each is serialized once however many lists and watchers send it.

import type { ServerResponse } from 'node:http';
import type { ApiError } from './errors.ts';

const serialized = new WeakMap<object, string>();

/** JSON of an object that is never modified after it is first sent. */
export function jsonOf(obj: object): string {
  let text = serialized.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    serialized.set(obj, text);
  }
  return text;
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  sendText(res, code, JSON.stringify(body), contentType);
}

/** A list response: the envelope around items serialized once each. */
export function sendList(res: ServerResponse, envelope: Record<string, unknown>, items: object[]): void {
  const head = JSON.stringify(envelope).slice(0, -1);
  sendText(res, 200, `${head}${head.length > 1 ? ',' : ''}"items":[${items.map(jsonOf).join(',')}]}`, 'application/json');
}

function sendText(res: ServerResponse, code: number, text: string, contentType: string): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const retryAfter = err.details?.retryAfterSeconds;
  if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
  sendJson(res, err.code, err.toStatus());
}
