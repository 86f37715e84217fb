// SPDY/3.1 framing (the protocol kubectl port-forward speaks, via moby/spdystream): the frame
// layout, header blocks, and the zlib context header blocks share in each direction.
//
// Every frame has an 8-byte head. Control frames: 1 bit set, 15-bit version (3), 16-bit type,
// 8-bit flags, 24-bit length. Data frames: 1 bit clear, 31-bit stream id, flags, length.

import * as zlib from 'node:zlib';

const SPDY_VERSION = 3;

const FrameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

const FLAG_FIN = 0x01;
const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6, flowControlError: 7 } as const;

/** SETTINGS ids. */
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;

/** The window every stream and the session start with (SPDY/3.1). */
export const DEFAULT_WINDOW = 64 * 1024;

const MAX_LENGTH = 0xffffff;

/** Header names are lowercase; a name with several values joins them with NUL, as on the wire. */
export type SpdyHeaders = Record<string, string>;

export type SpdyFrame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'synStream'; streamId: number; associatedTo: number; priority: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: 'synReply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'settings'; entries: { id: number; value: number; flags: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'windowUpdate'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number };

/** Splits a byte stream into frames; header blocks stay compressed (see HeaderInflater). */
export class FrameReader {
  #pending: Buffer = Buffer.alloc(0);

  /** Frames completed by this chunk (a frame may span chunks). Throws on a malformed frame. */
  push(chunk: Buffer): SpdyFrame[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    let offset = 0;
    while (this.#pending.length - offset >= 8) {
      const length = this.#pending.readUIntBE(offset + 5, 3);
      if (this.#pending.length - offset < 8 + length) break;
      frames.push(parseFrame(this.#pending.subarray(offset, offset + 8 + length)));
      offset += 8 + length;
    }
    this.#pending = this.#pending.subarray(offset);
    return frames;
  }
}

function parseFrame(frame: Buffer): SpdyFrame {
  const flags = frame[4]!;
  const body = frame.subarray(8);
  const fin = (flags & FLAG_FIN) !== 0;
  if ((frame[0]! & 0x80) === 0) return { type: 'data', streamId: frame.readUInt32BE(0) & 0x7fffffff, fin, data: Buffer.from(body) };
  const version = frame.readUInt16BE(0) & 0x7fff;
  if (version !== SPDY_VERSION) throw new Error(`unsupported SPDY version ${version}`);
  const type = frame.readUInt16BE(2);
  const need = (n: number) => {
    if (body.length < n) throw new Error(`SPDY frame of type ${type} too short (${body.length} bytes)`);
  };
  const id = () => body.readUInt32BE(0) & 0x7fffffff;
  switch (type) {
    case FrameType.synStream:
      need(10);
      return {
        type: 'synStream', streamId: id(), associatedTo: body.readUInt32BE(4) & 0x7fffffff, priority: body[8]! >> 5,
        fin, unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0, headerBlock: Buffer.from(body.subarray(10)),
      };
    case FrameType.synReply:
      need(4);
      return { type: 'synReply', streamId: id(), fin, headerBlock: Buffer.from(body.subarray(4)) };
    case FrameType.rstStream:
      need(8);
      return { type: 'rstStream', streamId: id(), status: body.readUInt32BE(4) };
    case FrameType.settings: {
      need(4);
      const count = body.readUInt32BE(0);
      need(4 + count * 8);
      const entries = [];
      for (let i = 0; i < count; i++) {
        const at = 4 + i * 8;
        entries.push({ flags: body[at]!, id: body.readUIntBE(at + 1, 3), value: body.readUInt32BE(at + 4) });
      }
      return { type: 'settings', entries };
    }
    case FrameType.ping:
      need(4);
      return { type: 'ping', id: body.readUInt32BE(0) };
    case FrameType.goAway:
      need(8);
      return { type: 'goAway', lastGoodStreamId: id(), status: body.readUInt32BE(4) };
    case FrameType.headers:
      need(4);
      return { type: 'headers', streamId: id(), fin, headerBlock: Buffer.from(body.subarray(4)) };
    case FrameType.windowUpdate:
      need(8);
      return { type: 'windowUpdate', streamId: id(), delta: body.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown', frameType: type };
  }
}

// ---- writing

function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  if (body.length > MAX_LENGTH) throw new Error('SPDY control frame too large');
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(body.length, 4);
  head[4] = flags;
  return Buffer.concat([head, body]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  if (data.length > MAX_LENGTH) throw new Error('SPDY data frame too large');
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(data.length, 4);
  head[4] = fin ? FLAG_FIN : 0;
  return Buffer.concat([head, data]);
}

/** A SYN_STREAM (clients open streams; the server side only needs it to test itself). */
export function synStreamFrame(streamId: number, headerBlock: Buffer, options: { fin?: boolean; priority?: number } = {}): Buffer {
  const body = Buffer.concat([u32s(streamId, 0), Buffer.from([(options.priority ?? 0) << 5, 0]), headerBlock]);
  return controlFrame(FrameType.synStream, options.fin ? FLAG_FIN : 0, body);
}

export function synReplyFrame(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  return controlFrame(FrameType.synReply, fin ? FLAG_FIN : 0, Buffer.concat([u32s(streamId), headerBlock]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  return controlFrame(FrameType.rstStream, 0, u32s(streamId, status));
}

export function settingsFrame(entries: { id: number; value: number }[]): Buffer {
  const body = Buffer.alloc(4 + entries.length * 8);
  body.writeUInt32BE(entries.length, 0);
  entries.forEach((e, i) => {
    body.writeUIntBE(e.id, 4 + i * 8 + 1, 3);
    body.writeUInt32BE(e.value, 4 + i * 8 + 4);
  });
  return controlFrame(FrameType.settings, 0, body);
}

export function pingFrame(id: number): Buffer {
  return controlFrame(FrameType.ping, 0, u32s(id));
}

export function goAwayFrame(lastGoodStreamId: number, status = 0): Buffer {
  return controlFrame(FrameType.goAway, 0, u32s(lastGoodStreamId, status));
}

export function windowUpdateFrame(streamId: number, delta: number): Buffer {
  return controlFrame(FrameType.windowUpdate, 0, u32s(streamId, delta));
}

// ---- header blocks

/** The uncompressed header block: a count, then length-prefixed names and values. */
export function encodeHeaderPairs(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [u32s(Object.keys(headers).length)];
  for (const [name, value] of Object.entries(headers)) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text, 'utf8');
      parts.push(u32s(bytes.length), bytes);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderPairs(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  let at = 0;
  const take = (): string => {
    if (at + 4 > block.length) throw new Error('truncated SPDY header block');
    const length = block.readUInt32BE(at);
    if (at + 4 + length > block.length) throw new Error('truncated SPDY header block');
    const text = block.toString('utf8', at + 4, at + 4 + length);
    at += 4 + length;
    return text;
  };
  if (block.length < 4) throw new Error('truncated SPDY header block');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take();
    headers[name] = take();
  }
  return headers;
}

/**
 * Compresses the header blocks one side sends: one zlib stream for the whole session. We
 * write stored (uncompressed) deflate blocks: valid for any inflater, with or without the
 * dictionary, and synchronous, so a reply can never fall behind the data sent after it. Each
 * block ends as a sync flush does, with an empty stored block: Go's inflater hands out a
 * stored block's bytes only once it has read the next block's head, which must be in the
 * same frame.
 */
export class HeaderDeflater {
  #started = false;

  encode(headers: SpdyHeaders): Buffer {
    const pairs = encodeHeaderPairs(headers);
    const parts: Buffer[] = [];
    if (!this.#started) {
      parts.push(Buffer.from([0x78, 0x01])); // zlib header: deflate, 32K window, no dictionary id
      this.#started = true;
    }
    // Stored blocks hold at most 64 KiB - 1 each.
    for (let at = 0; at < pairs.length; at += 0xffff) parts.push(storedBlock(pairs.subarray(at, at + 0xffff)));
    parts.push(storedBlock(Buffer.alloc(0)));
    return Buffer.concat(parts);
  }
}

/** A non-final stored deflate block: a byte-aligned head, the length and its complement (little-endian), the bytes. */
function storedBlock(data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(data.length, 1);
  head.writeUInt16LE(~data.length & 0xffff, 3);
  return Buffer.concat([head, data]);
}

/** Decompresses the header blocks the peer sends (its zlib stream uses the SPDY/3 dictionary). */
export class HeaderInflater {
  readonly #inflate = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  #chunks: Buffer[] = [];

  constructor() {
    this.#inflate.on('data', (chunk: Buffer) => this.#chunks.push(chunk));
  }

  /** Calls must not overlap: the session decodes header blocks one at a time, in order. */
  decode(block: Buffer): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#inflate.once('error', onError);
      this.#inflate.write(block);
      this.#inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.#inflate.off('error', onError);
        const pairs = Buffer.concat(this.#chunks);
        this.#chunks = [];
        try {
          resolve(decodeHeaderPairs(pairs));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  close(): void {
    this.#inflate.close();
  }
}

/**
 * The SPDY/3 header dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1): common header names,
 * each with a 4-byte length, followed by common values.
 */
export const SPDY_DICTIONARY: Buffer = (() => {
  const names = [
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
    'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
    'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
    'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
    'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
    'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
    'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
  ];
  const values =
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
    '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden' +
    '404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
    'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
    'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,' +
    'publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts = names.flatMap((n) => [u32s(n.length), Buffer.from(n, 'latin1')]);
  return Buffer.concat([...parts, Buffer.from(values, 'latin1')]);
})();
