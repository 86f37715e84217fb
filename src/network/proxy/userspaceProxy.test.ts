import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { createUserspaceProxy } from './userspaceProxy.ts';
import type { Endpoint, Protocol, ServicePort } from './servicePorts.ts';

const servers: Server[] = [];
const udpSockets: UdpSocket[] = [];
after(() => {
  servers.forEach((s) => s.close());
  udpSockets.forEach((s) => s.close());
});

/** A TCP server on 127.0.0.1 answering with its name. */
async function endpoint(name: string): Promise<Endpoint> {
  const server = createServer((socket) => socket.end(`${name}\n`));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { ip: '127.0.0.1', port: (server.address() as AddressInfo).port, local: true };
}

/** A UDP server on 127.0.0.1 echoing each datagram prefixed with its name; `senders` are the source ports it saw, last last. */
async function udpEndpoint(name: string): Promise<Endpoint & { senders: number[] }> {
  const socket = createSocket('udp4');
  udpSockets.push(socket);
  const senders: number[] = [];
  socket.on('message', (message, from) => {
    senders.push(from.port);
    socket.send(`${name}:${message}`, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { ip: '127.0.0.1', port: socket.address().port, local: true, senders };
}

async function freePort(protocol: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (protocol === 'udp') {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '0.0.0.0', resolve));
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(resolve));
    return port;
  }
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

/** A UDP client on 127.0.0.1 (one source port for its life). */
async function udpClient() {
  const socket = createSocket('udp4');
  udpSockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    /** Sends one datagram to the NodePort and resolves to the reply and the port it came from. */
    exchange(nodePort: number, message: string): Promise<{ reply: string; fromPort: number }> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to ${message} within 2 s`)), 2000);
        socket.once('message', (reply, from) => {
          clearTimeout(timer);
          resolve({ reply: String(reply), fromPort: from.port });
        });
        socket.send(message, nodePort, '127.0.0.1');
      });
    },
  };
}

/** Resolves once nothing listens on this UDP port of 127.0.0.1 any more (the kernel answers a probe with port unreachable). */
async function udpPortClosed(port: number): Promise<void> {
  const probe = createSocket('udp4');
  const deadline = Date.now() + 5000;
  let next: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      probe.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve() : reject(err)));
      probe.connect(port, '127.0.0.1', function poll() {
        if (Date.now() > deadline) return reject(new Error(`UDP port ${port} still open`));
        probe.send('probe');
        next = setTimeout(poll, 20);
      });
    });
  } finally {
    clearTimeout(next);
    probe.close();
  }
}

const nodePortService = (nodePort: number, endpoints: Endpoint[], options: { protocol?: Protocol; affinitySeconds?: number } = {}): ServicePort => ({
  namespace: 'default', service: 'web', portName: 'http', protocol: options.protocol ?? 'tcp', clusterIP: '10.43.0.10', port: 80, nodePort,
  externalIPs: [], internalLocal: false, externalLocal: false, clusterEndpoints: endpoints, localEndpoints: [], hasEndpoints: endpoints.length > 0,
  ...(options.affinitySeconds ? { affinitySeconds: options.affinitySeconds } : {}),
});

test('a NodePort is served on every address, spread over the endpoints; endpoints follow syncs; a port no longer wanted closes', async () => {
  const proxy = createUserspaceProxy(() => {});
  try {
    const [a, b] = [await endpoint('a'), await endpoint('b')];
    const nodePort = await freePort();
    await proxy.sync([nodePortService(nodePort, [a, b])]);
    assert.deepEqual(proxy.listening(), [`${nodePort}/tcp`]);
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
    assert.deepEqual(messages, [`cannot listen on NodePort ${port}/tcp: EADDRINUSE`]);
    await new Promise((resolve) => taken.close(resolve));
    await proxy.sync([nodePortService(port, [a])]);
    assert.equal(await ask(port), 'a');
  } finally {
    taken.close();
    await proxy.close();
  }
});

test('ClientIP affinity keeps a client on one endpoint across connections; without it connections spread', async () => {
  const proxy = createUserspaceProxy(() => {});
  try {
    const endpoints = [await endpoint('a'), await endpoint('b'), await endpoint('c')];
    const nodePort = await freePort();
    await proxy.sync([nodePortService(nodePort, endpoints, { affinitySeconds: 10800 })]);
    const sticky = new Set<string>();
    for (let i = 0; i < 30; i++) sticky.add(await ask(nodePort));
    assert.equal(sticky.size, 1, `one endpoint for the one client, got ${[...sticky]}`);

    await proxy.sync([nodePortService(nodePort, endpoints)]);
    const spread = new Set<string>();
    for (let i = 0; i < 60; i++) spread.add(await ask(nodePort));
    assert.deepEqual([...spread].sort(), ['a', 'b', 'c']);
  } finally {
    await proxy.close();
  }
});

test('a client whose affinity endpoint went away is sent to another one, which it then keeps', async () => {
  const proxy = createUserspaceProxy(() => {});
  try {
    const byName = new Map<string, Endpoint>();
    for (const name of ['a', 'b', 'c']) byName.set(name, await endpoint(name));
    const nodePort = await freePort();
    const sync = (names: string[]) => proxy.sync([nodePortService(nodePort, names.map((n) => byName.get(n)!), { affinitySeconds: 60 })]);
    await sync(['a', 'b', 'c']);
    const first = await ask(nodePort);

    await sync(['a', 'b', 'c'].filter((n) => n !== first));
    const second = await ask(nodePort);
    assert.notEqual(second, first);
    await sync(['a', 'b', 'c']);
    for (let i = 0; i < 20; i++) assert.equal(await ask(nodePort), second, 'the new choice is kept, also once the old endpoint is back');
  } finally {
    await proxy.close();
  }
});

test('UDP: datagrams through a NodePort reach the endpoints, replies come back from the NodePort, a client keeps its session endpoint', async () => {
  const proxy = createUserspaceProxy(() => {});
  try {
    const [a, b] = [await udpEndpoint('a'), await udpEndpoint('b')];
    const nodePort = await freePort('udp');
    await proxy.sync([nodePortService(nodePort, [a, b], { protocol: 'udp' })]);
    assert.deepEqual(proxy.listening(), [`${nodePort}/udp`]);
    const used = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const client = await udpClient();
      const first = await client.exchange(nodePort, `hello ${i}`);
      assert.equal(first.fromPort, nodePort, 'the reply comes from the address the client sent to');
      const name = first.reply.split(':')[0]!;
      assert.equal(first.reply, `${name}:hello ${i}`);
      assert.equal((await client.exchange(nodePort, `again ${i}`)).reply, `${name}:again ${i}`, 'the session keeps its endpoint');
      used.add(name);
    }
    assert.deepEqual([...used].sort(), ['a', 'b'], 'sessions spread over the endpoints');

    await proxy.sync([nodePortService(nodePort, [a, b], { protocol: 'udp', affinitySeconds: 60 })]);
    const sticky = new Set<string>();
    for (let i = 0; i < 10; i++) sticky.add((await (await udpClient()).exchange(nodePort, 'x')).reply);
    assert.equal(sticky.size, 1, 'with ClientIP affinity every session of one address goes to one endpoint');
  } finally {
    await proxy.close();
  }
});

test('UDP: an idle session is closed, and the client\'s next datagram opens a new one', async () => {
  const proxy = createUserspaceProxy(() => {}, { udpIdleTimeoutMs: 100 });
  try {
    const a = await udpEndpoint('a');
    const nodePort = await freePort('udp');
    await proxy.sync([nodePortService(nodePort, [a], { protocol: 'udp' })]);
    const client = await udpClient();
    assert.equal((await client.exchange(nodePort, 'one')).reply, 'a:one');
    await udpPortClosed(a.senders.at(-1)!);
    assert.equal((await client.exchange(nodePort, 'two')).reply, 'a:two');
    assert.equal(a.senders.length, 2);
  } finally {
    await proxy.close();
  }
});

test('UDP: a session whose endpoint leaves the service is closed at the sync; the client moves to the remaining endpoint', async () => {
  const proxy = createUserspaceProxy(() => {});
  try {
    const [a, b] = [await udpEndpoint('a'), await udpEndpoint('b')];
    const nodePort = await freePort('udp');
    await proxy.sync([nodePortService(nodePort, [a, b], { protocol: 'udp' })]);
    const client = await udpClient();
    const name = (await client.exchange(nodePort, 'one')).reply.split(':')[0]!;
    const [gone, remaining] = name === 'a' ? [a, b] : [b, a];
    await proxy.sync([nodePortService(nodePort, [remaining], { protocol: 'udp' })]);
    await udpPortClosed(gone.senders.at(-1)!);
    assert.equal((await client.exchange(nodePort, 'two')).reply, `${name === 'a' ? 'b' : 'a'}:two`);
  } finally {
    await proxy.close();
  }
});

test('an SCTP NodePort is not served, and said so once', async () => {
  const messages: string[] = [];
  const proxy = createUserspaceProxy((m) => messages.push(m));
  try {
    const nodePort = await freePort('udp');
    const sctp = nodePortService(nodePort, [{ ip: '127.0.0.1', port: 9, local: true }], { protocol: 'sctp' });
    await proxy.sync([sctp]);
    await proxy.sync([sctp]);
    assert.deepEqual(proxy.listening(), []);
    assert.deepEqual(messages, [`NodePort ${nodePort}/sctp of default/web is not served: SCTP needs root`]);
  } finally {
    await proxy.close();
  }
});
