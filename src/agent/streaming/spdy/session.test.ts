import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplexPair } from 'node:stream';
import { SpdySession, type SpdyStream } from './session.ts';
import { SpdyTestClient } from './testing/spdyClient.ts';
import { settingsFrame, windowUpdateFrame } from './frames.ts';

/** A session whose streams echo what they receive, upper-cased, then finish. */
function echoServer(accept?: (h: Record<string, string>) => string | undefined) {
  const [clientSide, serverSide] = duplexPair();
  const streams: SpdyStream[] = [];
  const session = new SpdySession(serverSide, {
    accept,
    onStream(stream) {
      streams.push(stream);
      stream.on('data', (d: Buffer) => stream.write(d.toString().toUpperCase()));
      stream.on('end', () => stream.end());
    },
  });
  return { client: new SpdyTestClient(clientSide), session, streams };
}

test('an accepted stream gets a SYN_REPLY, carries data both ways and half-closes with FIN', async () => {
  const { client, streams } = echoServer();
  const id = await client.open({ streamtype: 'data', port: '80' });
  const reply = await client.waitFor((f) => f.frame.type === 'synReply', 'SYN_REPLY');
  assert.equal((reply.frame as { streamId: number }).streamId, id);
  assert.deepEqual(reply.headers, {});
  assert.deepEqual(streams[0]!.headers, { streamtype: 'data', port: '80' });
  await client.data(id, 'hello ');
  await client.data(id, 'world', true);
  await client.waitFor(() => client.received(id).fin, 'FIN');
  assert.deepEqual(client.received(id), { data: 'HELLO WORLD', fin: true, reset: false });
  client.close();
});

test('a refused stream is reset without a reply', async () => {
  const { client } = echoServer((h) => (h.port ? undefined : '"port" header is required'));
  const id = await client.open({ streamtype: 'data' });
  await client.waitFor((f) => f.frame.type === 'rstStream', 'RST_STREAM');
  assert.equal(client.frames.some((f) => f.frame.type === 'synReply'), false);
  assert.equal(client.received(id).reset, true);
  client.close();
});

test("the client's pings are echoed; a reset from the client ends the stream", async () => {
  const { client, streams } = echoServer();
  await client.ping(7);
  await client.waitFor((f) => f.frame.type === 'ping' && f.frame.id === 7, 'PING echo');
  const id = await client.open({ port: '1' });
  await client.waitFor((f) => f.frame.type === 'synReply', 'SYN_REPLY');
  const closed = new Promise((resolve) => streams[0]!.once('close', resolve));
  await client.reset(id);
  await closed;
  client.close();
});

test('without WINDOW_UPDATEs from the peer (spdystream) sending is not held to the 64 KiB window', async () => {
  const [clientSide, serverSide] = duplexPair();
  new SpdySession(serverSide, { onStream: (stream) => stream.end(Buffer.alloc(200_000, 'x')) });
  const client = new SpdyTestClient(clientSide);
  const id = await client.open({ port: '1' });
  await client.waitFor(() => client.received(id).fin, 'all data and FIN');
  assert.equal(client.received(id).data.length, 200_000);
  client.close();
});

test('a peer that does flow control is held to its window until it grants more', async () => {
  const [clientSide, serverSide] = duplexPair();
  new SpdySession(serverSide, { onStream: (stream) => stream.end(Buffer.alloc(100_000, 'x')) });
  const client = new SpdyTestClient(clientSide);
  await client.raw(settingsFrame([{ id: 7, value: 10_000 }]));
  const id = await client.open({ port: '1' });
  // The 100,000 bytes would go out as 32 KiB frames: stopping at exactly 10,000 is the window.
  await client.waitFor(() => client.received(id).data.length === 10_000, 'the first window');
  await client.raw(windowUpdateFrame(id, 90_000));
  await client.raw(windowUpdateFrame(0, 90_000));
  await client.waitFor(() => client.received(id).fin, 'the rest');
  assert.equal(client.received(id).data.length, 100_000);
  client.close();
});

test('data arriving for a stream is granted back to a flow-controlling peer', async () => {
  const { client } = echoServer();
  const id = await client.open({ port: '1' });
  await client.data(id, Buffer.alloc(40_000, 'a').toString());
  const update = await client.waitFor((f) => f.frame.type === 'windowUpdate' && f.frame.streamId === id, 'WINDOW_UPDATE');
  assert.equal((update.frame as { delta: number }).delta, 40_000);
  client.close();
});

test('a malformed frame ends the session with GOAWAY', async () => {
  const { client, session } = echoServer();
  const bad = settingsFrame([]);
  bad.writeUInt16BE(0x8002, 0); // SPDY/2
  await client.raw(bad);
  await session.closed;
  assert.equal(client.socket.destroyed || client.frames.some((f) => f.frame.type === 'goAway'), true);
  client.close();
});
