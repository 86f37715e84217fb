// The gRPC probe against a tiny h2c server speaking grpc.health.v1.Health/Check.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Http2Server } from 'node:http2';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { grpcCheck } from './grpcProbe.ts';

/** service name -> status enum (1 SERVING, 2 NOT_SERVING); a missing name answers NotFound. */
const statuses: Record<string, number> = { '': 1, db: 2, cache: 1 };
const seen: { path: string; contentType: string; userAgent: string; service: string }[] = [];

const server: Http2Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    // The request: 5-byte framing, then field 1 (tag 0x0a), a one-byte length, the name.
    const message = body.subarray(5, 5 + body.readUInt32BE(1));
    const service = message.length ? message.subarray(2, 2 + message[1]!).toString() : '';
    seen.push({ path: req.url, contentType: String(req.headers['content-type']), userAgent: String(req.headers['user-agent']), service });
    res.setHeader('content-type', 'application/grpc');
    // Errors come "trailers-only": the status in the response headers, as gRPC servers send them.
    // 'legacy' plays a server without the health service.
    if (service === 'legacy') {
      res.setHeader('grpc-status', '12');
      res.setHeader('grpc-message', 'unknown service grpc.health.v1.Health');
      return res.end();
    }
    if (service === 'slow') return; // never answers
    const status = statuses[service];
    if (status === undefined) {
      res.setHeader('grpc-status', '5');
      res.setHeader('grpc-message', 'unknown%20service');
      return res.end();
    }
    const reply = Buffer.from([0, 0, 0, 0, 2, 0x08, status]);
    res.addTrailers({ 'grpc-status': '0' });
    res.end(reply);
  });
});
const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
after(() => server.close());

test('SERVING passes; the request is a framed HealthCheckRequest from kube-probe', async () => {
  assert.deepEqual(await grpcCheck({ port }, '127.0.0.1', 1000), { ok: true, message: '' });
  assert.deepEqual(await grpcCheck({ port, service: 'cache' }, '127.0.0.1', 1000), { ok: true, message: '' });
  assert.deepEqual(seen.slice(-2), [
    { path: '/grpc.health.v1.Health/Check', contentType: 'application/grpc', userAgent: 'kube-probe/1.32', service: '' },
    { path: '/grpc.health.v1.Health/Check', contentType: 'application/grpc', userAgent: 'kube-probe/1.32', service: 'cache' },
  ]);
});

test('NOT_SERVING and error statuses fail with upstream\'s messages', async () => {
  assert.deepEqual(await grpcCheck({ port, service: 'db' }, '127.0.0.1', 1000), { ok: false, message: 'service unhealthy (responded with "NOT_SERVING")' });
  assert.deepEqual(await grpcCheck({ port, service: 'nope' }, '127.0.0.1', 1000), { ok: false, message: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
  assert.deepEqual(await grpcCheck({ port, service: 'legacy' }, '127.0.0.1', 1000), {
    ok: false,
    message: 'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health',
  });
});

test('no answer within the timeout, or nothing listening, fails', async () => {
  assert.deepEqual(await grpcCheck({ port, service: 'slow' }, '127.0.0.1', 200), { ok: false, message: 'timeout: health rpc did not complete within 0.2s' });
  // A port that was just free: nothing listens on it now.
  const free = createTcpServer();
  const freePort = await new Promise<number>((resolve) => free.listen(0, '127.0.0.1', () => resolve((free.address() as AddressInfo).port)));
  await new Promise((resolve) => free.close(resolve));
  const refused = await grpcCheck({ port: freePort }, '127.0.0.1', 1000);
  assert.equal(refused.ok, false);
  assert.match(refused.message, new RegExp(`^error: failed to connect service at "127\\.0\\.0\\.1:${freePort}": .*ECONNREFUSED`));
});
