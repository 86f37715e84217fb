// A protobuf wire-format reader with just what Kubernetes messages need. Our own rather than
// protobufjs's Reader: it is this small, reads int64 straight to a JS number instead of a Long,
// and its errors say at which byte the body broke.

export const wireTypes = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export const utf8 = new TextDecoder(); // not fatal: Go keeps invalid UTF-8 and JSON prints it as U+FFFD

/** A cursor over one message's bytes. */
export class WireReader {
  readonly buf: Uint8Array;
  pos = 0;
  // The last varint read, as two unsigned 32-bit halves.
  private lo = 0;
  private hi = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  /** The next field's tag: its number is `tag >>> 3`, its wire type `tag & 7`. */
  tag(): number {
    const at = this.pos;
    this.varint();
    if (this.hi !== 0 || this.lo >>> 3 === 0) throw new Error(`invalid field tag at byte ${at}`);
    return this.lo;
  }

  int32(): number {
    this.varint();
    return this.lo | 0;
  }

  /** Exact up to 2^53, like every JSON number. */
  int64(): number {
    this.varint();
    return (this.hi | 0) * 0x1_0000_0000 + this.lo;
  }

  bool(): boolean {
    this.varint();
    return this.lo !== 0 || this.hi !== 0;
  }

  double(): number {
    const at = this.advance(8);
    return new DataView(this.buf.buffer, this.buf.byteOffset + at, 8).getFloat64(0, true);
  }

  /** A length-delimited field's bytes: a view into the buffer, not a copy. */
  bytes(): Uint8Array {
    const at = this.pos;
    this.varint();
    if (this.hi !== 0 || this.lo > this.buf.length - this.pos) {
      throw new Error(`length-delimited field at byte ${at} runs past the end of its message`);
    }
    const start = this.advance(this.lo);
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** Steps over a field this reader's caller does not know. */
  skip(wireType: number): void {
    switch (wireType) {
      case wireTypes.varint: this.varint(); return;
      case wireTypes.fixed64: this.advance(8); return;
      case wireTypes.bytes: this.bytes(); return;
      case wireTypes.fixed32: this.advance(4); return;
      default: throw new Error(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }

  private varint(): void {
    const at = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error(`truncated varint at byte ${at}`);
      const b = this.buf[this.pos++];
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28; // the low 4 bits land in lo, the rest start hi
        hi = bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new Error(`varint longer than 10 bytes at byte ${at}`);
  }

  /** Moves past `n` bytes and returns where they started. */
  private advance(n: number): number {
    const at = this.pos;
    if (n > this.buf.length - at) throw new Error(`unexpected end of data at byte ${at}`);
    this.pos += n;
    return at;
  }
}
