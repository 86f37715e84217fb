import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { httpGet, resolvePort, tcpSocket } from './handlers.ts';

test('httpGet: named port, path, headers; 2xx-3xx pass, others fail with the status code', async () => {
  let seen: { url?: string; headers?: IncomingHttpHeaders } = {};
  const server = createServer((req, res) => {
    seen = { url: req.url, headers: req.headers };
    res.statusCode = req.url === '/healthz' ? 200 : 503;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const container = { name: 'web', ports: [{ name: 'http', containerPort: port }] };
    const ok = await httpGet({ port: 'http', path: 'healthz', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] }, '127.0.0.1', container, 1000);
    assert.deepEqual(ok, { ok: true, message: '' });
    assert.equal(seen.url, '/healthz');
    assert.equal(seen.headers?.['x-probe'], 'yes');
    assert.equal(seen.headers?.['user-agent'], 'kube-probe/1.32');
    const bad = await httpGet({ port, path: '/other' }, '127.0.0.1', container, 1000);
    assert.deepEqual(bad, { ok: false, message: 'HTTP probe failed with statuscode: 503' });
  } finally {
    server.close();
  }
});

test('tcpSocket: a listening port passes, a closed one fails', async () => {
  const server = createTcpServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  assert.equal((await tcpSocket({ port }, '127.0.0.1', { name: 'c' }, 1000)).ok, true);
  await new Promise((r) => server.close(r));
  assert.equal((await tcpSocket({ port }, '127.0.0.1', { name: 'c' }, 1000)).ok, false);
});

test('a named port that the container does not declare is an error', () => {
  assert.throws(() => resolvePort('metrics', { name: 'c', ports: [] }), /couldn't find port: metrics/);
  assert.equal(resolvePort('8080', { name: 'c' }), 8080);
});
