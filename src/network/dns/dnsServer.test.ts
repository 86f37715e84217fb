// The server on 127.0.0.1 with a fake upstream resolver (UDP and TCP): the cluster's names
// answered, others forwarded (again over TCP when the upstream truncates), replies too big
// for the client's UDP size truncated, and SERVFAIL when no upstream answers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import { createServer, Socket, type Server } from 'node:net';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import type { ZoneReply } from './clusterRecords.ts';
import { startDnsServer, type DnsServer } from './dnsServer.ts';
import { createForwarder, frame } from './forwarder.ts';

/** A resolver that knows `<n>.many.example` (n A records; truncated over UDP when over 512 bytes) and nothing else. */
class FakeUpstream {
  readonly udp = dgram.createSocket('udp4');
  readonly tcp: Server = createServer((socket) => this.#serveTcp(socket));
  readonly seen: string[] = [];
  port = 0;

  async start(): Promise<void> {
    this.udp.bind(0, '127.0.0.1');
    await once(this.udp, 'listening');
    this.port = this.udp.address().port;
    this.tcp.listen(this.port, '127.0.0.1');
    await once(this.tcp, 'listening');
    this.udp.on('message', (message, from) => {
      let reply = this.#answer(message, 'udp');
      if (reply.length > 512) {
        const decoded = packet.decode(reply);
        reply = packet.encode({ ...decoded, flags: decoded.flags! | packet.TRUNCATED_RESPONSE, answers: [] });
      }
      this.udp.send(reply, from.port, from.address);
    });
  }

  async stop(): Promise<void> {
    this.udp.close();
    await new Promise((resolve) => this.tcp.close(resolve));
  }

  #serveTcp(socket: Socket): void {
    socket.once('data', (chunk) => socket.end(frame(this.#answer(chunk.subarray(2), 'tcp'))));
  }

  #answer(message: Buffer, transport: string): Buffer {
    const query = packet.decode(message);
    const q = query.questions![0]!;
    this.seen.push(`${transport} ${q.name} ${q.type}`);
    const count = Number(/^(\d+)\.many\.example$/.exec(q.name)?.[1] ?? 0);
    const answers: Answer[] = Array.from({ length: count }, (_, i) => ({ type: 'A', name: q.name, ttl: 60, data: `192.0.2.${i + 1}` }));
    return packet.encode({ type: 'response', id: query.id, flags: packet.RECURSION_AVAILABLE | (count ? 0 : 3), questions: query.questions, answers });
  }
}

/** dns-packet decodes the rcode too; its types leave it out. */
type Reply = DecodedPacket & { rcode: string };

const upstream = new FakeUpstream();
let server: DnsServer;

const ours = async (q: Question): Promise<ZoneReply | undefined> =>
  q.name === 'web.default.svc.cluster.local' ? { rcode: 'NOERROR', answers: [{ type: 'A', name: q.name, ttl: 5, data: '10.43.0.20' }], authorities: [], additionals: [] } : undefined;

before(async () => {
  await upstream.start();
  server = await startDnsServer({ host: '127.0.0.1', port: 0, answer: ours, forward: createForwarder([{ host: '127.0.0.1', port: upstream.port }]) });
});

after(async () => {
  await server?.close();
  await upstream.stop();
});

function query(name: string, type: Question['type'] = 'A', extra: Packet = {}): Buffer {
  return packet.encode({ type: 'query', id: 4242, flags: packet.RECURSION_DESIRED, questions: [{ type, name }], ...extra });
}

async function overUdp(message: Buffer, port = server.port): Promise<Reply> {
  const socket = dgram.createSocket('udp4');
  try {
    socket.send(message, port, '127.0.0.1');
    const [reply] = (await once(socket, 'message')) as [Buffer];
    return packet.decode(reply) as Reply;
  } finally {
    socket.close();
  }
}

async function overTcp(message: Buffer): Promise<Reply> {
  const socket = new Socket();
  socket.connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(frame(message));
  let received = Buffer.alloc(0);
  for await (const chunk of socket) {
    received = Buffer.concat([received, chunk as Buffer]);
    if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) break;
  }
  socket.destroy();
  return packet.decode(received.subarray(2)) as Reply;
}

test('a cluster name is answered over UDP and over TCP on the same port, authoritatively, with the query id', async () => {
  for (const reply of [await overUdp(query('web.default.svc.cluster.local')), await overTcp(query('web.default.svc.cluster.local'))]) {
    assert.equal(reply.id, 4242);
    assert.equal(reply.rcode, 'NOERROR');
    assert.equal(reply.flag_aa, true);
    assert.equal(reply.flag_rd, true);
    assert.deepEqual(reply.answers?.map((a) => 'data' in a && a.data), ['10.43.0.20']);
  }
});

test('other names are forwarded upstream and come back with the client id', async () => {
  const reply = await overUdp(query('2.many.example'));
  assert.equal(reply.id, 4242);
  assert.deepEqual(reply.answers?.map((a) => 'data' in a && a.data), ['192.0.2.1', '192.0.2.2']);
  assert.ok(upstream.seen.includes('udp 2.many.example A'));
  assert.equal((await overUdp(query('nothing.example'))).rcode, 'NXDOMAIN');
});

test('an upstream answer truncated over UDP is fetched again over TCP; the client gets what fits its size', async () => {
  upstream.seen.length = 0;
  const viaTcp = await overTcp(query('60.many.example'));
  assert.equal(viaTcp.answers?.length, 60);
  assert.deepEqual(upstream.seen, ['udp 60.many.example A', 'tcp 60.many.example A']);

  const classic = await overUdp(query('60.many.example'));
  assert.equal(classic.flag_tc, true, 'over 512 bytes: truncated');
  assert.ok((classic.answers?.length ?? 0) < 60);

  const edns = await overUdp(query('60.many.example', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] }));
  assert.equal(edns.flag_tc, false, 'EDNS offered room enough');
  assert.equal(edns.answers?.filter((a) => a.type === 'A').length, 60);
});

test('SERVFAIL when no upstream answers; garbage gets no reply', async () => {
  const silent = dgram.createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  const lonely = await startDnsServer({ host: '127.0.0.1', port: 0, answer: ours, forward: createForwarder([{ host: '127.0.0.1', port: silent.address().port }], 100) });
  try {
    const reply = await overUdp(query('example.org'), lonely.port);
    assert.equal(reply.rcode, 'SERVFAIL');
    assert.equal(reply.id, 4242);
  } finally {
    await lonely.close();
    silent.close();
  }
  // A malformed message is dropped; the server still answers the next one.
  const socket = dgram.createSocket('udp4');
  socket.send(Buffer.from('not dns'), server.port, '127.0.0.1');
  socket.close();
  assert.equal((await overUdp(query('web.default.svc.cluster.local'))).rcode, 'NOERROR');
});
