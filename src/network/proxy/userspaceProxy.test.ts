import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { createUserspaceProxy } from './userspaceProxy.ts';
import type { Endpoint, ServicePort } from './servicePorts.ts';

const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

/** A TCP server on 127.0.0.1 answering with its name. */
async function endpoint(name: string): Promise<Endpoint> {
  const server = createServer((socket) => socket.end(`${name}\n`));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { ip: '127.0.0.1', port: (server.address() as AddressInfo).port, local: true };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('end', () => resolve(data.trim()));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

const nodePortService = (nodePort: number, endpoints: Endpoint[], protocol: 'tcp' | 'udp' = 'tcp'): ServicePort => ({
  namespace: 'default', service: 'web', portName: 'http', protocol, clusterIP: '10.43.0.10', port: 80, nodePort,
  externalIPs: [], internalLocal: false, externalLocal: false, clusterEndpoints: endpoints, localEndpoints: [], hasEndpoints: endpoints.length > 0,
});

test('a NodePort is served on every address, spread over the endpoints; endpoints follow syncs; a port no longer wanted closes', async () => {
  const proxy = createUserspaceProxy(() => {});
  try {
    const [a, b] = [await endpoint('a'), await endpoint('b')];
    const nodePort = await freePort();
    await proxy.sync([nodePortService(nodePort, [a, b]), nodePortService(await freePort(), [a], 'udp')]);
    assert.deepEqual(proxy.listening(), [nodePort], 'TCP only');
    const answers = new Set<string>();
    for (let i = 0; i < 40; i++) answers.add(await ask(nodePort));
    assert.deepEqual([...answers].sort(), ['a', 'b']);

    await proxy.sync([nodePortService(nodePort, [b])]);
    for (let i = 0; i < 10; i++) assert.equal(await ask(nodePort), 'b');
    await proxy.sync([nodePortService(nodePort, [])]);
    assert.equal(await ask(nodePort), 'ECONNRESET', 'no endpoint: the connection is reset');

    await proxy.sync([]);
    assert.deepEqual(proxy.listening(), []);
    assert.equal(await ask(nodePort), 'ECONNREFUSED');
  } finally {
    await proxy.close();
  }
});

test('a NodePort that cannot be listened on is reported once and tried again at the next sync', async () => {
  const messages: string[] = [];
  const proxy = createUserspaceProxy((m) => messages.push(m));
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
  const port = (taken.address() as AddressInfo).port;
  try {
    const a = await endpoint('a');
    await proxy.sync([nodePortService(port, [a])]);
    await proxy.sync([nodePortService(port, [a])]);
    assert.deepEqual(messages, [`cannot listen on NodePort ${port}: EADDRINUSE`]);
    await new Promise((resolve) => taken.close(resolve));
    await proxy.sync([nodePortService(port, [a])]);
    assert.equal(await ask(port), 'a');
  } finally {
    taken.close();
    await proxy.close();
  }
});
