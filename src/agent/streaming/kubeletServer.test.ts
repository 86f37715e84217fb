// The kubelet streaming server against the rootless process runtime (real processes), spoken to
// as the apiserver's proxy would: exec over each WebSocket channel protocol, attach, logs, port-forward
// over WebSocket channels and plain SPDY, and upstream's errors.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type IncomingMessage, type Server } from 'node:http';
import { connect as connectTcp, createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { createProcessRuntime, type ProcessRuntime } from '../../runtime/process/processRuntime.ts';
import { createResourceUsage } from '../kubelet/resourceUsage.ts';
import { createKubeletServer, type ContainerInstance } from './kubeletServer.ts';
import { SpdyTestClient } from './spdy/testing/spdyClient.ts';
import { waitFor } from '../../../test/e2e/harness.ts';

let dir: string;
let runtime: ProcessRuntime;
let server: Server;
/** The kubelet's view of pod ns/box: its containers' newest (and previous) instances. */
const instances: Record<string, { latest?: ContainerInstance; previous?: ContainerInstance }> = { app: {}, waiting: {} };
let sandboxIp: string;
let echo: NetServer;
let feeder: NetServer;
let feederPort: number;
let echoPort: number;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-kubelet-streams-'));
  runtime = createProcessRuntime({ rootDir: join(dir, 'runtime'), mode: 'rootless' });
  const sandboxId = await runtime.runPodSandbox({ uid: 'uid-1', name: 'box', namespace: 'ns', hostname: 'box', hostNetwork: false, shareProcessNamespace: false });
  sandboxIp = (await runtime.podSandboxStatus(sandboxId))!.ip!;
  const appId = await runtime.createContainer(sandboxId, {
    name: 'app', argv: ['sh', '-c', 'echo ready; exec sleep 1000'], env: [], mounts: [], tty: false, stdin: false, stdinOnce: false, logPath: join(dir, 'app.log'), attempt: 0,
  });
  await runtime.startContainer(appId);
  instances.app!.latest = { containerId: appId, sandboxId, logPath: join(dir, 'app.log') };
  const isBox = (ns: string, name: string) => ns === 'ns' && name === 'box';
  server = createKubeletServer({
    runtime,
    containerNames: (ns, name) => (isBox(ns, name) ? Object.keys(instances) : undefined),
    findContainer: (ns, name, container, previous) => (isBox(ns, name) ? instances[container]?.[previous ? 'previous' : 'latest'] : undefined),
    stats: () => usage.summary(),
  });
  const usage = createResourceUsage({ nodeName: 'node-1', runtime });
  feeder = createServer((socket) => server.emit('connection', socket));
  await new Promise<void>((resolve) => feeder.listen(0, '127.0.0.1', resolve));
  feederPort = (feeder.address() as { port: number }).port;
  // The pod's port: an upper-casing echo server on the sandbox's address.
  echo = createServer((socket) => socket.on('data', (d) => socket.write(d.toString().toUpperCase())));
  await new Promise<void>((resolve) => echo.listen(0, sandboxIp, resolve));
  echoPort = (echo.address() as { port: number }).port;
});

after(async () => {
  echo?.close();
  feeder?.close();
  if (runtime) {
    for (const s of await runtime.listPodSandboxes()) await runtime.removePodSandbox(s.id);
    runtime.close();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * A connection to the server. The agent's tunnel feeds it connections; here a loopback socket
 * does (an in-memory pair would deliver writes synchronously, which no real connection does
 * and which trips ws's close handshake when both ends are ws).
 */
function dial(): Duplex {
  return connectTcp(feederPort, '127.0.0.1');
}

async function get(path: string): Promise<{ status: number; body: string }> {
  const { status, body } = await send(path);
  return { status, body };
}

function send(path: string, method = 'GET'): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    request({ createConnection: dial, path, method, headers: { host: 'kubelet' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: res.headers['content-type'] }));
    }).on('error', reject).end();
  });
}

interface Session {
  protocol: string;
  messages: { channel: number; data: Buffer }[];
  closed: Promise<void>;
  ws: WebSocket;
}

/** A WebSocket to the server; its messages decoded by channel. */
function connect(path: string, protocols: string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://kubelet${path}`, protocols, { createConnection: dial as never });
    const base64 = protocols[0]?.includes('base64');
    const messages: Session['messages'] = [];
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    ws.on('message', (data: Buffer) => {
      if (base64) messages.push({ channel: data[0]! - 0x30, data: Buffer.from(data.toString('latin1', 1), 'base64') });
      else messages.push({ channel: data[0]!, data: data.subarray(1) });
    });
    ws.once('open', () => resolve({ protocol: ws.protocol, messages, closed, ws }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => reject(new Error(`${res.statusCode} ${body}`)));
    });
    ws.once('error', reject);
  });
}

const text = (s: Session, channel: number) => Buffer.concat(s.messages.filter((m) => m.channel === channel).map((m) => m.data)).toString();
const execPath = (command: string[], query: string) => `/exec/ns/box/app?${command.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${query}`;

test('exec over v5.channel.k8s.io: stdin until the close signal, output, and the exit code as a Status', async () => {
  const s = await connect(execPath(['sh', '-c', 'tr a-z A-Z; echo oops >&2; exit 7'], 'input=1&output=1&error=1'), ['v5.channel.k8s.io']);
  assert.equal(s.protocol, 'v5.channel.k8s.io');
  s.ws.send(Buffer.from([0, ...Buffer.from('hello\n')]));
  s.ws.send(Buffer.from([255, 0]));
  await s.closed;
  assert.deepEqual(s.messages[0], { channel: 1, data: Buffer.alloc(0) }, 'an empty message on stdout first');
  assert.equal(text(s, 1), 'HELLO\n');
  assert.equal(text(s, 2), 'oops\n');
  assert.deepEqual(JSON.parse(text(s, 3)), {
    metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
    message: 'command terminated with non-zero exit code: error executing command [sh -c tr a-z A-Z; echo oops >&2; exit 7], exit code 7',
    details: { causes: [{ reason: 'ExitCode', message: '7' }] },
  });
});

test('exec over v4.base64.channel.k8s.io: text messages, channel digit then base64', async () => {
  const s = await connect(execPath(['echo', 'hi'], 'output=1'), ['v4.base64.channel.k8s.io']);
  await s.closed;
  assert.equal(text(s, 1), 'hi\n');
  assert.deepEqual(JSON.parse(text(s, 3)), { metadata: {}, status: 'Success' });
});

test('before v4 only a failure is reported, as its message', async () => {
  const failed = await connect(execPath(['sh', '-c', 'exit 2'], 'output=1'), ['channel.k8s.io']);
  await failed.closed;
  assert.match(text(failed, 3), /^command terminated with non-zero exit code: .*exit code 2$/);
  const fine = await connect(execPath(['true'], 'output=1'), ['channel.k8s.io']);
  await fine.closed;
  assert.equal(text(fine, 3), '');
});

test('exec with a terminal: one output stream, stderr merged into it', async () => {
  const s = await connect(execPath(['sh', '-c', 'echo out; echo err >&2'], 'output=1&error=1&tty=1'), ['v5.channel.k8s.io']);
  await s.closed;
  assert.equal(text(s, 1).replace(/\r/g, ''), 'out\nerr\n');
  assert.equal(text(s, 2), '');
});

test('exec errors: an unknown pod, a container not running, no streams, an unknown protocol', async () => {
  await assert.rejects(connect('/exec/ns/nobody/app?command=true&output=1', ['v5.channel.k8s.io']), /^Error: 404 pod does not exist$/);
  await assert.rejects(connect('/exec/ns/box/waiting?command=true&output=1', ['v5.channel.k8s.io']), /^Error: 500 container not found \("waiting"\)$/);
  await assert.rejects(connect('/exec/ns/box/app?command=true', ['v5.channel.k8s.io']), /400 you must specify at least 1 of stdin, stdout, stderr/);
  await assert.rejects(connect('/exec/ns/box/app?command=true&output=1', ['v9.channel.k8s.io']), /^Error: 403 requested protocol/);
  await assert.rejects(connect('/exec/ns/box/wrong-uid/app?command=true&output=1', ['v5.channel.k8s.io']), /^Error: 404 pod not found$/);
});

test('attach over v5: the client\'s stdin is the container\'s, and with stdinOnce its end too; the output streams until the exit', async () => {
  const sandboxId = instances.app!.latest!.sandboxId;
  const logPath = join(dir, 'reader.log');
  const argv = ['sh', '-c', 'read -r line; echo "got $line"; cat; echo "stdin closed" >&2'];
  const id = await runtime.createContainer(sandboxId, { name: 'reader', argv, env: [], mounts: [], tty: false, stdin: true, stdinOnce: true, logPath, attempt: 0 });
  await runtime.startContainer(id);
  instances.reader = { latest: { containerId: id, sandboxId, logPath } };
  try {
    const s = await connect('/attach/ns/box/reader?input=1&output=1&error=1', ['v5.channel.k8s.io']);
    s.ws.send(Buffer.from([0, ...Buffer.from('hello\n')]));
    await waitFor(() => text(s, 1) === 'got hello\n', 5000, 'the reply on stdout');
    s.ws.send(Buffer.from([255, 0]));
    await s.closed;
    assert.equal(text(s, 2), 'stdin closed\n');
    assert.deepEqual(JSON.parse(text(s, 3)), { metadata: {}, status: 'Success' });
  } finally {
    delete instances.reader;
  }
});

test('containerLogs: the log as text, and upstream\'s errors as plain text', async () => {
  await waitFor(async () => (await get('/containerLogs/ns/box/app')).body === 'ready\n', 5000, 'the log');
  assert.deepEqual(await get('/containerLogs/ns/box/app?timestamps=true&tailLines=1').then((r) => r.status), 200);
  assert.deepEqual(await get('/containerLogs/ns/nobody/app'), { status: 404, body: 'pod "nobody" does not exist' });
  assert.deepEqual(await get('/containerLogs/ns/box/ghost'), { status: 404, body: 'container "ghost" not found in pod "box"' });
  assert.deepEqual(await get('/containerLogs/ns/box/waiting'), { status: 400, body: 'container "waiting" in pod "box" is waiting to start - no logs yet' });
  assert.deepEqual(await get('/healthz'), { status: 200, body: 'ok' });
  assert.deepEqual(await get('/containerLogs/ns/box/app?previous=true'), { status: 400, body: 'previous terminated container "app" in pod "box" not found' });
  assert.deepEqual(await get('/containerLogs/ns/box/app?tailLines=-1'), { status: 422, body: '{"message": "Invalid request."}' });
  assert.deepEqual(await get('/containerLogs/ns/box/app?tailLines=x'), { status: 400, body: '{"message": "Unable to decode query."}' });
  assert.deepEqual(await get('/exec/ns/box/app?command=true&output=1'), { status: 400, body: 'Upgrade request required' });
});

test('the previous instance\'s log, named by the last state', async () => {
  const sandboxId = (await runtime.listPodSandboxes())[0]!.id;
  const oldId = await runtime.createContainer(sandboxId, {
    name: 'app', argv: ['sh', '-c', 'echo before the restart'], env: [], mounts: [], tty: false, stdin: false, stdinOnce: false, logPath: join(dir, 'app-old.log'), attempt: 1,
  });
  await runtime.startContainer(oldId);
  await waitFor(async () => (await runtime.containerStatus(oldId))?.state === 'exited', 5000, 'the old instance exited');
  instances.app!.previous = { containerId: oldId, sandboxId, logPath: join(dir, 'app-old.log') };
  try {
    await waitFor(async () => (await get('/containerLogs/ns/box/app?previous=true')).body === 'before the restart\n', 5000, 'the previous log');
  } finally {
    delete instances.app!.previous;
  }
});

test('port-forward over v4.channel.k8s.io: the port on both channels first, then data both ways', async () => {
  const s = await connect(`/portForward/ns/box?port=${echoPort}`, ['v4.channel.k8s.io']);
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16LE(echoPort);
  await waitFor(() => s.messages.length >= 2, 5000, 'the port messages');
  assert.deepEqual(s.messages.slice(0, 2), [{ channel: 0, data: portBytes }, { channel: 1, data: portBytes }]);
  s.ws.send(Buffer.from([0, ...Buffer.from('ping')]));
  await waitFor(() => text(s, 0).endsWith('PING'), 5000, 'the echo');
  s.ws.close();
  await s.closed;
});

test('port-forward to a port nobody listens on reports it on the error channel', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, sandboxIp, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const s = await connect(`/portForward/ns/box?port=${closedPort}`, ['v4.channel.k8s.io']);
  await s.closed;
  const [portMessage, ...errors] = s.messages.filter((m) => m.channel === 1);
  assert.equal(portMessage!.data.readUInt16LE(), closedPort);
  assert.match(Buffer.concat(errors.map((m) => m.data)).toString(), new RegExp(`^error forwarding port ${closedPort} to pod .*ECONNREFUSED`));
  await assert.rejects(connect('/portForward/ns/box', ['v4.channel.k8s.io']), /400 query parameter "port" is required/);
});

/** A raw upgrade request; resolves with the response head and the connection. */
function upgrade(path: string, headers: Record<string, string>): Promise<{ head: string; socket: Duplex }> {
  const socket = dial();
  socket.write(`POST ${path} HTTP/1.1\r\nHost: kubelet\r\nContent-Length: 0\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      received = Buffer.concat([received, d]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const rest = received.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve({ head: received.subarray(0, end).toString(), socket });
    };
    socket.on('data', onData);
  });
}

const spdyHeaders = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1' };

test('port-forward over SPDY: error and data streams per connection, paired by request id', async () => {
  const { head, socket } = await upgrade('/portForward/ns/box', { ...spdyHeaders, 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
  assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.match(head, /X-Stream-Protocol-Version: portforward.k8s.io/);
  const client = new SpdyTestClient(socket);
  const error = await client.open({ streamtype: 'error', port: String(echoPort), requestid: '0' }, true);
  const data = await client.open({ streamtype: 'data', port: String(echoPort), requestid: '0' });
  await client.data(data, 'over spdy');
  await client.waitFor(() => client.received(data).data === 'OVER SPDY', 'the echo');
  await client.data(data, '', true); // the local connection ended
  await client.reset(data);
  await client.waitFor(() => client.received(error).fin, 'the error stream closed');
  assert.equal(client.received(error).data, '');
  // A stream without a port is refused.
  const refused = await client.open({ streamtype: 'data', requestid: '1' });
  await client.waitFor(() => client.received(refused).reset, 'RST_STREAM');
  client.close();
});

test('SPDY handshake errors: no protocol offered, none we speak', async () => {
  const missing = await upgrade('/portForward/ns/box', spdyHeaders);
  assert.match(missing.head, /^HTTP\/1\.1 400 /);
  missing.socket.destroy();
  const unknown = await upgrade('/portForward/ns/box', { ...spdyHeaders, 'X-Stream-Protocol-Version': 'portforward.k8s.io.v2' });
  assert.match(unknown.head, /^HTTP\/1\.1 403 /);
  assert.match(unknown.head, /X-Accepted-Stream-Protocol-Versions: portforward.k8s.io/);
  unknown.socket.destroy();
});

test('/stats/summary: the node and the pod with its running container, in the Summary API\'s shape', async () => {
  const { status, body, type } = await send('/stats/summary');
  assert.equal(status, 200);
  assert.equal(type, 'application/json');
  const summary = JSON.parse(body);
  assert.equal(summary.node.nodeName, 'node-1');
  assert.ok(summary.node.cpu.usageCoreNanoSeconds > 0 && summary.node.memory.workingSetBytes > 0);
  const pod = summary.pods.find((p: { podRef: { name: string } }) => p.podRef.name === 'box');
  assert.deepEqual(pod.podRef, { name: 'box', namespace: 'ns', uid: 'uid-1' });
  const app = pod.containers.find((c: { name: string }) => c.name === 'app');
  assert.ok(app.memory.workingSetBytes > 0, 'the runtime measured the container');
  assert.equal(typeof app.cpu.usageCoreNanoSeconds, 'number');
  assert.equal((await send('/stats/summary', 'POST')).status, 200, 'POST as well, as upstream');
});

test('/metrics/resource: Prometheus text with the container\'s and node\'s usage', async () => {
  const { status, body, type } = await send('/metrics/resource');
  assert.equal(status, 200);
  assert.equal(type, 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(body, /^container_memory_working_set_bytes\{container="app",namespace="ns",pod="box"\} \S+ \d+$/m);
  assert.match(body, /^node_cpu_usage_seconds_total \S+ \d+$/m);
  assert.match(body, /^resource_scrape_error 0$/m);
  assert.equal((await send('/metrics/resource', 'DELETE')).status, 405);
});
