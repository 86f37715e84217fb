// The gRPC probe: grpc.health.v1.Health/Check over cleartext HTTP/2 (h2c, prior knowledge),
// as upstream's prober does it, with node:http2 instead of a gRPC library: the request is a
// HealthCheckRequest (field 1: the service name) in gRPC's 5-byte framing, the answer a
// HealthCheckResponse (field 1: the status enum, SERVING = 1) and a grpc-status trailer.
// Outcomes and messages are upstream's.

import { connect, constants } from 'node:http2';
import type { GRPCAction } from 'kubernetes-types/core/v1.js';
import type { Outcome } from './handlers.ts';

const servingStatuses = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const SERVING = 1;
const codeNames = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied',
  'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
];
const UNIMPLEMENTED = 12;
const DEADLINE_EXCEEDED = 4;

export function grpcCheck(action: GRPCAction, podIP: string, timeoutMs: number): Promise<Outcome> {
  const addr = podIP.includes(':') ? `[${podIP}]:${action.port}` : `${podIP}:${action.port}`;
  const within = `${timeoutMs / 1000}s`;
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const session = connect(`http://${addr}`);
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      finish(connected
        ? { ok: false, message: `timeout: health rpc did not complete within ${within}` }
        : { ok: false, message: `timeout: failed to connect service "${addr}" within ${within}: context deadline exceeded` });
    }, timeoutMs);
    session.on('error', (err) => {
      finish(connected
        ? { ok: false, message: `error: health rpc probe failed: ${err.message}` }
        : { ok: false, message: `error: failed to connect service at "${addr}": ${err.message}` });
    });
    session.on('connect', () => {
      connected = true;
      const stream = session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: '/grpc.health.v1.Health/Check',
        [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        [constants.HTTP2_HEADER_TE]: 'trailers',
        [constants.HTTP2_HEADER_USER_AGENT]: 'kube-probe/1.32',
        'grpc-timeout': `${timeoutMs}m`,
      });
      const chunks: Buffer[] = [];
      let status: { code: number; message: string } | undefined;
      const grpcStatus = (headers: Record<string, unknown>) => {
        if (headers['grpc-status'] === undefined) return;
        status = { code: Number(headers['grpc-status']), message: decodeMessage(String(headers['grpc-message'] ?? '')) };
      };
      stream.on('response', (headers) => {
        const httpStatus = Number(headers[constants.HTTP2_HEADER_STATUS]);
        if (httpStatus !== 200) status = { code: httpStatus === 404 ? UNIMPLEMENTED : 2, message: `unexpected HTTP status code received from server: ${httpStatus}` };
        else grpcStatus(headers); // a trailers-only answer
      });
      stream.on('trailers', grpcStatus);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err) => finish({ ok: false, message: `error: health rpc probe failed: ${err.message}` }));
      stream.on('end', () => finish(outcomeOf(status, Buffer.concat(chunks), within)));
      stream.end(frame(healthCheckRequest(action.service ?? '')));
    });
  });
}

function outcomeOf(status: { code: number; message: string } | undefined, body: Buffer, within: string): Outcome {
  if (!status) return { ok: false, message: 'error: health rpc probe failed: rpc error: code = Internal desc = server closed the stream without sending trailers' };
  if (status.code === UNIMPLEMENTED) return { ok: false, message: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${status.message}` };
  if (status.code === DEADLINE_EXCEEDED) return { ok: false, message: `timeout: health rpc did not complete within ${within}` };
  if (status.code !== 0) return { ok: false, message: `error: health rpc probe failed: rpc error: code = ${codeNames[status.code] ?? `Code(${status.code})`} desc = ${status.message}` };
  const serving = healthStatus(body);
  if (serving === SERVING) return { ok: true, message: '' };
  return { ok: false, message: `service unhealthy (responded with "${servingStatuses[serving] ?? String(serving)}")` };
}

/** HealthCheckRequest: field 1 (service), length-delimited; empty when the service is "". */
function healthCheckRequest(service: string): Buffer {
  if (!service) return Buffer.alloc(0);
  const name = Buffer.from(service);
  return Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]);
}

/** gRPC's message framing: a compressed flag (0) and a 4-byte big-endian length. */
function frame(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** The status field (1, varint) of the first HealthCheckResponse in the body; 0 (UNKNOWN) when absent. */
function healthStatus(body: Buffer): number {
  if (body.length < 5) return 0;
  const message = body.subarray(5, 5 + body.readUInt32BE(1));
  let offset = 0;
  while (offset < message.length) {
    const [key, afterKey] = readVarint(message, offset);
    const field = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) {
      const [value, next] = readVarint(message, afterKey);
      if (field === 1) return value;
      offset = next;
    } else if (wireType === 2) {
      const [length, next] = readVarint(message, afterKey);
      offset = next + length;
    } else if (wireType === 1) offset = afterKey + 8;
    else if (wireType === 5) offset = afterKey + 4;
    else return 0;
  }
  return 0;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

function readVarint(buf: Buffer, offset: number): [number, number] {
  let value = 0;
  for (let shift = 0; offset < buf.length && shift < 35; shift += 7) {
    const byte = buf[offset++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  return [value, offset];
}

/** grpc-message is percent-encoded. */
function decodeMessage(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
