// A DNS server on one address, over UDP and TCP (same port): each question is answered by
// `answer` (the cluster's names) or else forwarded. Answers too big for the client's UDP
// size (512 bytes, or what its EDNS record offers) are cut to what fits and marked truncated,
// so the client asks again over TCP.

import * as dgram from 'node:dgram';
import { once } from 'node:events';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import type { ZoneReply } from './clusterRecords.ts';
import { frame, type Forward } from './forwarder.ts';

export interface DnsServerOptions {
  host: string;
  /** 0: any free port (the TCP listener takes the one UDP got). */
  port: number;
  /** The reply to a question of ours; undefined when the name is to be forwarded. */
  answer(question: Question): Promise<ZoneReply | undefined>;
  forward: Forward;
}

export interface DnsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const classicUdpSize = 512;
/** What we offer in our EDNS record (the DNS flag day's safe size). */
const ednsUdpSize = 1232;
/** A TCP connection idle this long is closed (RFC 7766 suggests seconds). */
const tcpIdleMs = 10_000;

/** With port 0, how many free UDP ports to try before giving up on one whose TCP twin is free too. */
const anyPortAttempts = 10;

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const connections = new Set<Socket>();
  const tcp = createServer((socket) => serveTcp(socket, options, connections));
  for (let attempt = 1; ; attempt++) {
    const udp = dgram.createSocket(isIP(options.host) === 6 ? 'udp6' : 'udp4');
    udp.bind(options.port, options.host);
    await listening(udp);
    try {
      tcp.listen(udp.address().port, options.host);
      await listening(tcp);
    } catch (err) {
      udp.close();
      // The free UDP port's TCP twin may be taken: any port will do, so take another.
      if (options.port === 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < anyPortAttempts) continue;
      throw err;
    }
    return serve(udp, tcp, connections, options);
  }
}

function listening(socket: dgram.Socket | Server): Promise<unknown> {
  return Promise.race([once(socket, 'listening'), once(socket, 'error').then(([err]) => Promise.reject(err))]);
}

function serve(udp: dgram.Socket, tcp: Server, connections: Set<Socket>, options: DnsServerOptions): DnsServer {
  const port = udp.address().port;
  udp.on('message', (message, from) => {
    void respond(message, options, 'udp').then((reply) => reply && udp.send(reply, from.port, from.address));
  });
  udp.on('error', (err) => console.error(`skiff: dns: udp ${options.host}:${port}: ${err.message}`));
  return {
    host: options.host,
    port,
    async close() {
      udp.close();
      for (const socket of connections) socket.destroy();
      await closeServer(tcp);
    },
  };
}

function serveTcp(socket: Socket, options: DnsServerOptions, connections: Set<Socket>): void {
  connections.add(socket);
  socket.on('close', () => connections.delete(socket));
  socket.on('error', () => socket.destroy());
  socket.setTimeout(tcpIdleMs, () => socket.destroy());
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + message.length);
      void respond(message, options, 'tcp').then((reply) => reply && !socket.destroyed && socket.write(frame(reply)));
    }
  });
}

/** The reply to a message (undefined: none is due, e.g. for garbage). */
async function respond(message: Buffer, options: DnsServerOptions, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
  let query: DecodedPacket;
  try {
    query = packet.decode(message);
  } catch {
    return undefined;
  }
  if (query.type !== 'query') return undefined;
  const question = query.questions?.[0];
  const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  // Over UDP the client takes 512 bytes, or what its EDNS record offers.
  const limit = transport === 'udp' ? Math.max(classicUdpSize, opt?.udpPayloadSize ?? classicUdpSize) : undefined;
  const reply = (rcode: string, fields: Omit<Packet, 'type' | 'id' | 'flags'> = {}, authoritative = false): Buffer =>
    fit(encodeReply(query, rcode, { questions: query.questions, ...fields, additionals: [...(fields.additionals ?? []), ...(opt ? [ednsRecord()] : [])] }, authoritative), limit);
  if ((query as { opcode?: string }).opcode !== 'QUERY') return reply('NOTIMP');
  if (query.questions?.length !== 1 || !question) return reply('FORMERR');
  try {
    const ours = await options.answer(question);
    if (ours) return reply(ours.rcode, { answers: ours.answers, authorities: ours.authorities, additionals: ours.additionals }, true);
    const forwarded = await options.forward(message);
    return forwarded ? fit(forwarded, limit) : reply('SERVFAIL');
  } catch (err) {
    console.error(`skiff: dns: ${question.name} ${question.type}: ${(err as Error).message}`);
    return reply('SERVFAIL');
  }
}

function encodeReply(query: DecodedPacket, rcode: string, fields: Omit<Packet, 'type' | 'id' | 'flags'>, authoritative: boolean): Buffer {
  const flags = (authoritative ? packet.AUTHORITATIVE_ANSWER : 0) | (query.flag_rd ? packet.RECURSION_DESIRED : 0) | rcodeNumber(rcode);
  return packet.encode({ type: 'response', id: query.id, flags, ...fields });
}

function ednsRecord(): Answer {
  return { type: 'OPT', name: '.', udpPayloadSize: ednsUdpSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

/**
 * A response within `limit` bytes: without its extras (but EDNS) if that is enough; else also
 * without authorities and with the answers that fit, marked truncated.
 */
function fit(response: Buffer, limit: number | undefined): Buffer {
  if (limit === undefined || response.length <= limit) return response;
  const decoded = packet.decode(response);
  const answers = decoded.answers ?? [];
  const additionals = (decoded.additionals ?? []).filter((a) => a.type === 'OPT');
  const trimmed = packet.encode({ ...decoded, additionals });
  if (trimmed.length <= limit) return trimmed;
  const truncated = (count: number) =>
    packet.encode({ ...decoded, flags: decoded.flags! | packet.TRUNCATED_RESPONSE, answers: answers.slice(0, count), authorities: [], additionals });
  let count = answers.length;
  let out = truncated(count);
  while (out.length > limit && count > 0) out = truncated(--count);
  return out;
}

function rcodeNumber(rcode: string): number {
  const codes: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
  return codes[rcode] ?? 2;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
