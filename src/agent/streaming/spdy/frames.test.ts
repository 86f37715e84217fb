import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import {
  FrameReader, HeaderDeflater, HeaderInflater, SPDY_DICTIONARY, dataFrame, decodeHeaderPairs, encodeHeaderPairs, goAwayFrame, pingFrame,
  rstStreamFrame, settingsFrame, synReplyFrame, synStreamFrame, windowUpdateFrame,
} from './frames.ts';

test('the header dictionary is the SPDY/3 one, byte for byte', () => {
  assert.equal(SPDY_DICTIONARY.length, 1423);
  assert.equal(createHash('sha256').update(SPDY_DICTIONARY).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
});

test('every frame type round-trips through the reader', () => {
  const block = Buffer.from('headers');
  const frames = new FrameReader().push(Buffer.concat([
    synStreamFrame(3, block, { fin: true, priority: 2 }),
    synReplyFrame(3, block),
    dataFrame(3, Buffer.from('hello'), true),
    rstStreamFrame(5, 5),
    settingsFrame([{ id: 7, value: 1 << 20 }]),
    pingFrame(9),
    goAwayFrame(7, 1),
    windowUpdateFrame(3, 4096),
  ]));
  assert.deepEqual(frames, [
    { type: 'synStream', streamId: 3, associatedTo: 0, priority: 2, fin: true, unidirectional: false, headerBlock: block },
    { type: 'synReply', streamId: 3, fin: false, headerBlock: block },
    { type: 'data', streamId: 3, fin: true, data: Buffer.from('hello') },
    { type: 'rstStream', streamId: 5, status: 5 },
    { type: 'settings', entries: [{ flags: 0, id: 7, value: 1 << 20 }] },
    { type: 'ping', id: 9 },
    { type: 'goAway', lastGoodStreamId: 7, status: 1 },
    { type: 'windowUpdate', streamId: 3, delta: 4096 },
  ]);
});

test('a frame split across chunks is assembled; a control frame of another version is refused', () => {
  const reader = new FrameReader();
  const bytes = dataFrame(1, Buffer.from('split me'));
  assert.deepEqual(reader.push(bytes.subarray(0, 5)), []);
  assert.deepEqual(reader.push(bytes.subarray(5, 10)), []);
  assert.deepEqual(reader.push(bytes.subarray(10)), [{ type: 'data', streamId: 1, fin: false, data: Buffer.from('split me') }]);
  const v2 = pingFrame(1);
  v2.writeUInt16BE(0x8002, 0);
  assert.throws(() => new FrameReader().push(v2), /version 2/);
});

test('header pairs: lowercase names, values as sent', () => {
  const pairs = encodeHeaderPairs({ StreamType: 'data', port: '8080' });
  assert.deepEqual(decodeHeaderPairs(pairs), { streamtype: 'data', port: '8080' });
  assert.throws(() => decodeHeaderPairs(pairs.subarray(0, pairs.length - 1)), /truncated/);
});

test('our header blocks inflate with a dictionary-primed zlib stream, block after block', async () => {
  const deflater = new HeaderDeflater();
  // Each ends with a sync flush's empty stored block, which Go's inflater needs to release the data.
  assert.deepEqual(deflater.encode({}), Buffer.from([0x78, 0x01, 0, 4, 0, 0xfb, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]));
  const inflate = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  const read = (block: Buffer) =>
    new Promise<Buffer>((resolve) => {
      const out: Buffer[] = [];
      const onData = (c: Buffer) => out.push(c);
      inflate.on('data', onData);
      inflate.write(block);
      inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        inflate.off('data', onData);
        resolve(Buffer.concat(out));
      });
    });
  assert.deepEqual(decodeHeaderPairs(await read(Buffer.from([0x78, 0x01, 0, 4, 0, 0xfb, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]))), {});
  assert.deepEqual(decodeHeaderPairs(await read(deflater.encode({ a: 'x'.repeat(70_000) }))), { a: 'x'.repeat(70_000) });
  assert.deepEqual(decodeHeaderPairs(await read(deflater.encode({ streamtype: 'error' }))), { streamtype: 'error' });
  inflate.close();
});

test('header blocks compressed with the dictionary (as spdystream sends them) decode in order', async () => {
  const deflate = zlib.createDeflate({ dictionary: SPDY_DICTIONARY, level: 9 });
  const compress = (pairs: Buffer) =>
    new Promise<Buffer>((resolve) => {
      const out: Buffer[] = [];
      const onData = (c: Buffer) => out.push(c);
      deflate.on('data', onData);
      deflate.write(pairs);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        deflate.off('data', onData);
        resolve(Buffer.concat(out));
      });
    });
  const inflater = new HeaderInflater();
  const first = await compress(encodeHeaderPairs({ streamtype: 'error', port: '80', requestid: '0' }));
  const second = await compress(encodeHeaderPairs({ streamtype: 'data', port: '80', requestid: '0' }));
  assert.deepEqual(await inflater.decode(first), { streamtype: 'error', port: '80', requestid: '0' });
  assert.deepEqual(await inflater.decode(second), { streamtype: 'data', port: '80', requestid: '0' });
  inflater.close();
  deflate.close();
});
