import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireReader, wireTypes } from './wire.ts';

const reader = (...bytes: number[]) => new WireReader(Uint8Array.from(bytes));

test('varints of one to ten bytes read as int32, int64 and bool', () => {
  assert.equal(reader(0x05).int32(), 5);
  assert.equal(reader(0xac, 0x02).int32(), 300);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x08).int64(), 2 ** 31); // crosses into the high half
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f).int64(), 2 ** 53 - 1);
  assert.equal(reader(0x01).bool(), true);
  assert.equal(reader(0x00).bool(), false);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x10).bool(), true); // only high bits set
});

test('negative numbers are ten-byte two\'s complement varints', () => {
  const minusOne = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
  assert.equal(reader(...minusOne).int32(), -1);
  assert.equal(reader(...minusOne).int64(), -1);
  // -2^40
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0xe0, 0xff, 0xff, 0xff, 0x01).int64(), -(2 ** 40));
});

test('a tag splits into field number and wire type', () => {
  const tag = reader(0x92, 0x01).tag(); // field 18, length-delimited
  assert.equal(tag >>> 3, 18);
  assert.equal(tag & 7, wireTypes.bytes);
  assert.throws(() => reader(0x02).tag(), /invalid field tag at byte 0/);
});

test('length-delimited fields are views; strings decode as UTF-8', () => {
  const r = reader(0x03, 0x61, 0xc3, 0xa9, 0x02, 0x01, 0x02);
  assert.equal(r.string(), 'aé');
  assert.deepEqual([...r.bytes()], [1, 2]);
  assert.equal(r.atEnd(), true);
});

test('doubles are little-endian fixed64', () => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, 1.5, true);
  assert.equal(new WireReader(bytes).double(), 1.5);
});

test('skip steps over every wire type', () => {
  const r = reader(0xac, 0x02, /* fixed64 */ 1, 2, 3, 4, 5, 6, 7, 8, /* bytes */ 0x02, 9, 9, /* fixed32 */ 1, 2, 3, 4, 0x2a);
  r.skip(wireTypes.varint);
  r.skip(wireTypes.fixed64);
  r.skip(wireTypes.bytes);
  r.skip(wireTypes.fixed32);
  assert.equal(r.int32(), 42);
  assert.throws(() => reader(0x00).skip(3), /unsupported wire type 3/);
});

test('truncated data is an error naming the byte', () => {
  assert.throws(() => reader(0x80).int32(), /truncated varint at byte 0/);
  assert.throws(() => reader(0x05, 0x61).bytes(), /length-delimited field at byte 0 runs past the end/);
  assert.throws(() => reader(1, 2, 3).double(), /unexpected end of data at byte 0/);
  assert.throws(() => reader(...new Array(11).fill(0x80)).int64(), /varint longer than 10 bytes/);
});
