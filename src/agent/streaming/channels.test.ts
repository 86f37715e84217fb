import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { WebSocket, WebSocketServer } from 'ws';
import { negotiate, openChannels, type Channels } from './channels.ts';
import { waitFor } from '../../../test/e2e/harness.ts';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
after(() => {
  for (const ws of server.clients) ws.terminate();
  server.close();
});

/** Our channels on the server end of a WebSocket, and the client end. */
async function pair(protocol: string): Promise<{ channels: Channels; client: WebSocket; received: (Buffer | string)[] }> {
  const { port } = server.address() as { port: number };
  const accepted = new Promise<Channels>((resolve) => server.once('connection', (ws) => resolve(openChannels(ws, protocol))));
  const client = new WebSocket(`ws://127.0.0.1:${port}`, [protocol]);
  const received: (Buffer | string)[] = [];
  client.on('message', (data: Buffer, binary: boolean) => received.push(binary ? data : data.toString()));
  await new Promise((resolve) => client.once('open', resolve));
  return { channels: await accepted, client, received };
}

test('the client picks: its first offer the server supports; none offered is the empty protocol', () => {
  const supported = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
  assert.equal(negotiate('v4.channel.k8s.io, v5.channel.k8s.io', supported), 'v4.channel.k8s.io');
  assert.equal(negotiate('v9.channel.k8s.io,v5.channel.k8s.io', supported), 'v5.channel.k8s.io');
  assert.equal(negotiate(undefined, supported), '');
  assert.equal(negotiate('v9.channel.k8s.io', supported), undefined);
});

test('binary channels: a leading channel byte each way; v5 closes a channel with [255, n]', async () => {
  const { channels, client, received } = await pair('v5.channel.k8s.io');
  const stdin = text(channels.reader(0));
  client.send(Buffer.from([0, ...Buffer.from('in ')]));
  client.send(Buffer.from([7, ...Buffer.from('nobody reads channel 7')]));
  client.send(Buffer.from([0, ...Buffer.from('put')]));
  client.send(Buffer.from([255, 0]));
  assert.equal(await stdin, 'in put');
  await channels.send(1, 'out');
  channels.writer(2).end('err');
  await waitFor(() => received.length === 2, 5000, 'both messages');
  channels.close();
  await new Promise((resolve) => client.once('close', resolve));
  assert.deepEqual(received, [Buffer.from([1, ...Buffer.from('out')]), Buffer.from([2, ...Buffer.from('err')])]);
});

test('base64 channels: a channel digit, then base64, in text messages', async () => {
  const { channels, client, received } = await pair('v4.base64.channel.k8s.io');
  const stdin = channels.reader(0);
  const first = new Promise<Buffer>((resolve) => stdin.once('data', resolve));
  client.send(`0${Buffer.from('hello').toString('base64')}`);
  assert.equal(String(await first), 'hello');
  await channels.send(3, '{"status":"Success"}');
  await waitFor(() => received.length > 0, 5000, 'the message');
  assert.deepEqual(received, [`3${Buffer.from('{"status":"Success"}').toString('base64')}`]);
  client.close();
  await channels.closed;
  assert.equal(stdin.readableEnded || (await text(stdin)) === '', true, 'readers end with the socket');
});
