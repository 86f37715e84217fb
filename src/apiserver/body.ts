// Request bodies: read with a size limit, then decoded from JSON, YAML or protobuf.

import type { IncomingMessage } from 'node:http';
import { parse as parseYaml, parseDocument } from 'yaml';
import { ApiError, badRequest, unsupportedMediaType } from './errors.ts';
import { decodeProtobufBody } from '../api/protobuf/decode.ts';

/** kube-apiserver refuses bodies over 3 MiB. */
export const maxBodyBytes = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
}

export interface DecodedBody {
  object: any;
  /** Fields named twice in the body (for fieldValidation Strict/Warn). */
  duplicates: string[];
}

/**
 * Decodes an object body. Duplicate-field detection costs a full YAML parse, so it runs only
 * when the caller asks (fieldValidation Strict or Warn).
 */
export function decodeBody(body: Buffer, contentType: string | undefined, findDuplicates: boolean): DecodedBody {
  const type = mediaType(contentType);
  if (body.length === 0) throw badRequest('Object \'Kind\' is missing in \'\'');
  if (type === 'application/vnd.kubernetes.protobuf') {
    try {
      return { object: decodeProtobufBody(body).object, duplicates: [] };
    } catch (err) {
      throw badRequest(`failed to decode protobuf body: ${(err as Error).message}`);
    }
  }
  const text = body.toString('utf8');
  if (type === 'application/json' || type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json' || type === 'application/json-patch+json') {
    let object: unknown;
    try {
      object = JSON.parse(text);
    } catch (err) {
      throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
    }
    return { object, duplicates: findDuplicates ? jsonDuplicateFields(text) : [] };
  }
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    let object: unknown;
    try {
      object = parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 });
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    return { object, duplicates: findDuplicates ? duplicateFields(text) : [] };
  }
  throw unsupportedMediaType(type);
}

interface Frame {
  parent: Frame | undefined;
  /** This value's key in its parent object, or its index in its parent array. */
  at: string | number | undefined;
  keys?: Set<string>;
  lastKey?: string;
  index?: number;
}

/**
 * Duplicate keys of well-formed JSON (it has parsed already), found in one pass over the
 * text: every write is checked under the default fieldValidation (Warn), so this must be cheap.
 */
export function jsonDuplicateFields(text: string): string[] {
  const out: string[] = [];
  let top: Frame | undefined;
  const childAt = (): string | number | undefined => (top?.keys ? top.lastKey : top?.index);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (text.charCodeAt(j) !== 34) {
        if (text.charCodeAt(j) === 92 /* \ */) {
          escaped = true;
          j++;
        }
        j++;
      }
      if (top?.keys) {
        let k = j + 1;
        while (text.charCodeAt(k) <= 32) k++;
        if (text.charCodeAt(k) === 58 /* : */) {
          const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
          if (top.keys.has(key)) out.push(pathOf(top, key));
          top.keys.add(key);
          top.lastKey = key;
          j = k;
        }
      }
      i = j;
    } else if (c === 123 /* { */) top = { parent: top, at: childAt(), keys: new Set() };
    else if (c === 91 /* [ */) top = { parent: top, at: childAt(), index: 0 };
    else if (c === 125 /* } */ || c === 93 /* ] */) top = top?.parent;
    else if (c === 44 /* , */ && top?.index !== undefined) top.index++;
  }
  return out;
}

function pathOf(frame: Frame, key: string): string {
  const segments: (string | number)[] = [key];
  for (let f = frame; f.parent; f = f.parent) segments.unshift(f.at!);
  return segments.reduce<string>((path, s) => (typeof s === 'number' ? `${path}[${s}]` : path ? `${path}.${s}` : s), '');
}

/** Paths of keys that appear twice in the same YAML mapping, as upstream's strict decoding names them. */
function duplicateFields(text: string): string[] {
  const doc = parseDocument(text, { uniqueKeys: false });
  const out: string[] = [];
  const walk = (node: any, path: string) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node.items) && node.constructor?.name === 'YAMLMap') {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = String(pair.key?.value ?? pair.key);
        const here = path ? `${path}.${key}` : key;
        if (seen.has(key)) out.push(here);
        seen.add(key);
        walk(pair.value, here);
      }
    } else if (Array.isArray(node.items)) {
      node.items.forEach((item: any, i: number) => walk(item, `${path}[${i}]`));
    }
  };
  walk(doc.contents, '');
  return out;
}
