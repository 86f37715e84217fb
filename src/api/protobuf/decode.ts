// Decodes a `application/vnd.kubernetes.protobuf` request body into the plain JSON object the
// same Go value would print, so the rest of the apiserver handles it exactly like a JSON body.
// The body is "k8s\0" then a runtime.Unknown: typeMeta {apiVersion=1, kind=2}, raw=2 (the object's
// message), contentEncoding=3, contentType=4.

import type { Field, FieldKind } from './table.ts';
import { groupVersions, messages } from './tables/index.ts';
import { jsonForms } from './wellKnown.ts';
import { utf8, WireReader, wireTypes } from './wire.ts';

export interface ProtobufBody {
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}

const magic = [0x6b, 0x38, 0x73, 0x00];

/** Throws an Error saying what is wrong for bodies that are malformed or of a kind we have no table for. */
export function decodeProtobufBody(body: Uint8Array): ProtobufBody {
  if (body.length < magic.length || magic.some((b, i) => body[i] !== b)) {
    throw new Error('the body does not start with the Kubernetes protobuf prefix "k8s\\x00"');
  }
  const envelope = readUnknown(body.subarray(magic.length));
  if (envelope.contentEncoding !== '') throw new Error(`unsupported contentEncoding "${envelope.contentEncoding}"`);
  if (envelope.contentType !== '' && envelope.contentType !== 'application/vnd.kubernetes.protobuf') {
    throw new Error(`unsupported embedded contentType "${envelope.contentType}"`);
  }
  const { apiVersion, kind } = envelope;
  const fields = decodeMessage(messageFor(apiVersion, kind), envelope.raw, {});
  return { apiVersion, kind, object: { apiVersion, kind, ...fields } };
}

interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function readUnknown(bytes: Uint8Array): Unknown {
  const unknown: Unknown = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  const r = new WireReader(bytes);
  while (!r.atEnd()) {
    const tag = r.tag();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1: {
        const typeMeta = new WireReader(lengthDelimited(r, wireType, 'typeMeta'));
        while (!typeMeta.atEnd()) {
          const inner = typeMeta.tag();
          if (inner >>> 3 === 1) unknown.apiVersion = utf8.decode(lengthDelimited(typeMeta, inner & 7, 'apiVersion'));
          else if (inner >>> 3 === 2) unknown.kind = utf8.decode(lengthDelimited(typeMeta, inner & 7, 'kind'));
          else typeMeta.skip(inner & 7);
        }
        break;
      }
      case 2: unknown.raw = lengthDelimited(r, wireType, 'raw'); break;
      case 3: unknown.contentEncoding = utf8.decode(lengthDelimited(r, wireType, 'contentEncoding')); break;
      case 4: unknown.contentType = utf8.decode(lengthDelimited(r, wireType, 'contentType')); break;
      default: r.skip(wireType);
    }
  }
  return unknown;
}

const byApiVersion = new Map(groupVersions.map((gv) => [gv.apiVersion, gv]));

function messageFor(apiVersion: string, kind: string): string {
  if (kind === '') throw new Error("Object 'Kind' is missing in the protobuf body");
  // Every group version serves DeleteOptions, and clients send it under their own apiVersion.
  if (kind === 'DeleteOptions') return 'meta/v1.DeleteOptions';
  const gv = byApiVersion.get(apiVersion);
  if (!gv?.kinds.includes(kind)) throw new Error(`no kind "${kind}" is registered for version "${apiVersion}"`);
  return `${gv.prefix}.${kind}`;
}

/** Decodes one message's fields into `out` (fields seen again merge, as in Go). */
function decodeMessage(type: string, bytes: Uint8Array, out: Record<string, unknown>): Record<string, unknown> {
  const message = messages[type];
  const r = new WireReader(bytes);
  try {
    while (!r.atEnd()) {
      const tag = r.tag();
      const field = message[tag >>> 3];
      if (field) readField(r, tag & 7, field, out);
      else r.skip(tag & 7); // as Go does: a field from a newer version is ignored
    }
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError(`${type}: ${(err as Error).message}`);
  }
  return out;
}

/** An error already placed in the message where it happened. */
class DecodeError extends Error {}

function readField(r: WireReader, wireType: number, [name, kind, flag]: Field, out: Record<string, unknown>): void {
  if (flag === 'repeated') {
    const list = (out[name] ??= []) as unknown[];
    if (wireType === wireTypes.bytes && isPackable(kind)) {
      const packed = new WireReader(r.bytes());
      while (!packed.atEnd()) list.push(readScalar(packed, kind));
    } else list.push(readValue(r, wireType, kind, name));
    return;
  }
  if (kind.startsWith('map<')) {
    readMapEntry(r, wireType, kind, name, (out[name] ??= {}) as Record<string, unknown>);
    return;
  }
  if (flag === 'inline') {
    decodeMessage(messageType(kind), lengthDelimited(r, wireType, name), out);
    return;
  }
  const previous = out[name];
  const value = kind.startsWith('message:') && isObject(previous) && !jsonForms[messageType(kind)]
    ? decodeMessage(messageType(kind), lengthDelimited(r, wireType, name), previous)
    : readValue(r, wireType, kind, name);
  if (flag === 'omitempty' && (value === '' || value === 0 || value === false)) delete out[name];
  else out[name] = value;
}

function readValue(r: WireReader, wireType: number, kind: FieldKind, name: string): unknown {
  if (kind.startsWith('message:')) return readMessage(messageType(kind), lengthDelimited(r, wireType, name));
  const expected = kind === 'double' ? wireTypes.fixed64 : kind === 'string' || kind === 'bytes' ? wireTypes.bytes : wireTypes.varint;
  if (wireType !== expected) throw new Error(`field ${name} has wire type ${wireType}, expected ${expected}`);
  return readScalar(r, kind);
}

function readScalar(r: WireReader, kind: FieldKind): unknown {
  switch (kind) {
    case 'string': return r.string();
    case 'int32': return r.int32();
    case 'int64': return r.int64();
    case 'bool': return r.bool();
    case 'double': return r.double();
    case 'bytes': {
      const bytes = r.bytes();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
    }
    default: throw new Error(`${kind} is not a scalar`);
  }
}

function readMessage(type: string, bytes: Uint8Array): unknown {
  const fields = decodeMessage(type, bytes, {});
  const form = jsonForms[type];
  return form ? form(fields) : fields;
}

/** A map entry is a message: key=1, value=2; either may be absent and then is its zero value. */
function readMapEntry(r: WireReader, wireType: number, kind: FieldKind, name: string, map: Record<string, unknown>): void {
  const valueKind = kind.slice('map<string,'.length, -1) as FieldKind;
  const entry = new WireReader(lengthDelimited(r, wireType, name));
  let key = '';
  let value: unknown;
  while (!entry.atEnd()) {
    const tag = entry.tag();
    if (tag >>> 3 === 1) key = utf8.decode(lengthDelimited(entry, tag & 7, `${name} key`));
    else if (tag >>> 3 === 2) value = readValue(entry, tag & 7, valueKind, `${name}[${JSON.stringify(key)}]`);
    else entry.skip(tag & 7);
  }
  value ??= valueKind.startsWith('message:') ? readMessage(messageType(valueKind), new Uint8Array()) : '';
  // A key such as "__proto__" must become an own property, as JSON.parse would make it.
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function lengthDelimited(r: WireReader, wireType: number, name: string): Uint8Array {
  if (wireType !== wireTypes.bytes) throw new Error(`field ${name} has wire type ${wireType}, expected ${wireTypes.bytes}`);
  return r.bytes();
}

const messageType = (kind: FieldKind) => kind.slice('message:'.length);

const isPackable = (kind: FieldKind) => kind === 'int32' || kind === 'int64' || kind === 'bool' || kind === 'double';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
