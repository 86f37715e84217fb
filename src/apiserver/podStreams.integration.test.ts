// Pods' log, exec, cp, attach and port-forward driven by the real kubectl, end to end: the
// apiserver (in this process) reaches a kubelet streaming server through a NodeDialer that hands
// it one end of an in-memory pipe; a real kubelet runs the pods as host processes with the
// rootless process runtime.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, duplexPair } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { openSqliteStore } from '../store/sqlite/sqliteStore.ts';
import type { Store } from '../store/store.ts';
import { Registry } from '../api/registry.ts';
import { ApiServerCore } from './core.ts';
import { ApiServer } from './server.ts';
import { adminKubeconfig, loadOrCreateCredentials } from './credentials.ts';
import { createInProcessClient } from './inProcessClient.ts';
import { createInformerFactory, type InformerFactory } from '../client/informer.ts';
import type { Client } from '../client/client.ts';
import { types } from '../client/resourceTypes.ts';
import type { Node, Pod } from '../api/objects.ts';
import { startKubelet, type Kubelet } from '../agent/kubelet/kubelet.ts';
import { createProcessRuntime, type ProcessRuntime } from '../runtime/process/processRuntime.ts';
import { createKubeletServer } from '../agent/streaming/kubeletServer.ts';
import { run, waitFor, killOnExit, type RunResult } from '../../test/e2e/harness.ts';

const nodeName = 'stream-node';
let dir: string;
let store: Store;
let core: ApiServerCore;
let server: ApiServer;
let client: Client;
let informers: InformerFactory;
let runtime: ProcessRuntime;
let kubelet: Kubelet;
let kubeconfig: string;
const stopKubelet = new AbortController();
const children: ChildProcess[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-podstreams-'));
  store = await openSqliteStore(join(dir, 'state.db'));
  core = new ApiServerCore(store, new Registry());
  await core.start();
  runtime = createProcessRuntime({ rootDir: join(dir, 'runtime'), mode: 'rootless' });
  const credentials = await loadOrCreateCredentials(dir);
  // The kubelet starts later (it needs the apiserver): the server asks it per request.
  const kubeletServer = createKubeletServer({
    runtime,
    findContainer: (ns, pod, container, previous) => kubelet.findContainer(ns, pod, container, previous),
    containerNames: (ns, pod) => kubelet.containerNames(ns, pod),
  });
  const nodeDialer = {
    async dial(node: string) {
      if (node !== nodeName) throw new Error(`no tunnel to node ${node}`);
      const [apiserverEnd, kubeletEnd] = duplexPair();
      // Like a TCP connection (and the agent's tunnel), closing one end closes the other.
      apiserverEnd.once('close', () => kubeletEnd.destroy());
      kubeletEnd.once('close', () => apiserverEnd.destroy());
      kubeletServer.emit('connection', kubeletEnd);
      return apiserverEnd;
    },
  };
  server = new ApiServer({ core, credentials, port: 0, host: '127.0.0.1', nodeDialer });
  await server.listen();
  server.setReady(true);
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, adminKubeconfig(credentials, `https://127.0.0.1:${server.port}`));

  client = createInProcessClient(server, 'kubelet');
  await client.create<Node>(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
  informers = createInformerFactory(client);
  kubelet = await startKubelet({ client, informers, runtime, nodeName, rootDir: join(dir, 'kubelet'), signal: stopKubelet.signal, relistIntervalMs: 100, hostIP: '127.0.0.1' });

  await mkdir(join(dir, 'signals'));
  await Promise.all([
    createPod('talker', [{ name: 'app', command: ['sh', '-c', 'echo one; echo oops >&2; echo two; echo three; exec sleep 1000'] }]),
    createPod('pair', [
      { name: 'first', command: ['sh', '-c', 'echo from first; exec sleep 1000'] },
      { name: 'second', command: ['sh', '-c', 'echo from second; exec sleep 1000'] },
    ]),
    createPod('web', [{
      name: 'server',
      // Any free port (rootless pod IPs are only unique per runtime): it says which in its log.
      command: [process.execPath, '-e', "const s = require('http').createServer((q, r) => r.end('hello from ' + q.url)).listen(0, process.env.POD_IP, () => console.log('port', s.address().port))"],
      env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
    }]),
  ]);
  for (const name of ['talker', 'pair', 'web']) await waitRunning(name);
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  stopKubelet.abort();
  await kubelet?.stop();
  informers?.stop();
  if (runtime) {
    for (const sandbox of await runtime.listPodSandboxes()) await runtime.removePodSandbox(sandbox.id);
    runtime.close();
  }
  await server?.close();
  core?.stop();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function createPod(name: string, containers: object[], extra: object = {}): Promise<unknown> {
  return client.create(types.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { nodeName, restartPolicy: 'Never', containers: containers.map((c) => ({ image: 'busybox', ...c })), ...extra },
  });
}

async function waitRunning(name: string): Promise<Pod> {
  return waitFor(async () => {
    const pod = await client.get<Pod>(types.pods, 'default', name);
    const statuses = pod.status?.containerStatuses ?? [];
    return statuses.length > 0 && statuses.every((s) => s.state?.running) ? pod : undefined;
  }, 20_000, `pod ${name} running`);
}

function kubectl(args: string[], input?: string, env: Record<string, string> = {}): Promise<RunResult> {
  return run('/usr/bin/kubectl', args, { input, env: { KUBECONFIG: kubeconfig, ...env } });
}

async function ok(args: string[], input?: string): Promise<string> {
  const result = await kubectl(args, input);
  assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** kubectl in the background; its output so far. */
function background(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const child = spawn('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

test('kubectl logs prints the container output; --tail, --timestamps and -c select it', async () => {
  await waitFor(async () => (await ok(['logs', 'talker'])).includes('three'), 10_000, 'all of talker\'s output');
  const all = await ok(['logs', 'talker']);
  assert.match(all, /^one\n(oops\n)?two\n(oops\n)?three\n(oops\n)?$/);
  assert.match(all, /oops/);
  assert.equal(await ok(['logs', 'talker', '--tail=1']).then((s) => s.split('\n').filter(Boolean).length), 1);
  const stamped = await ok(['logs', 'talker', '--timestamps']);
  for (const line of stamped.trim().split('\n')) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (one|two|three|oops)$/);
  assert.equal(await ok(['logs', 'pair', '-c', 'second']), 'from second\n');
  const both = await ok(['logs', 'pair', '--all-containers']);
  assert.match(both, /from first/);
  assert.match(both, /from second/);
  assert.equal(await ok(['logs', 'talker', '--limit-bytes=3']), 'one');
});

test('log errors: an unknown container, a container that must be named, bad options', async () => {
  assert.match((await kubectl(['logs', 'pair', '-c', 'third'])).stderr, /container third is not valid for pod pair/);
  const unnamed = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/pair/log']);
  assert.match(unnamed.stderr, /a container name must be specified for pod pair, choose one of: \[first second\]/);
  const negative = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/talker/log?tailLines=-1']);
  assert.match(negative.stderr, /tailLines: Invalid value: -1: must be greater than or equal to 0/);
  assert.match((await kubectl(['logs', 'nobody'])).stderr, /pods "nobody" not found/);
});

test('kubectl logs -f follows new lines and ends when the container exits', async () => {
  const signal = join(dir, 'signals', 'follow');
  await createPod('follower', [{ name: 'app', command: ['sh', '-c', `echo start; while [ ! -e ${signal} ]; do sleep 0.05; done; echo done`] }]);
  await waitRunning('follower');
  const follow = background(['logs', '-f', 'follower']);
  await waitFor(() => follow.output().includes('start'), 10_000, 'the first line');
  await writeFile(signal, '');
  assert.equal(await exited(follow.child), 0);
  assert.equal(follow.output(), 'start\ndone\n');
});

test('kubectl exec runs a command; its exit code comes back', async () => {
  assert.equal(await ok(['exec', 'talker', '--', 'sh', '-c', 'echo hi; echo err >&2']), 'hi\n');
  const failed = await kubectl(['exec', 'talker', '--', 'sh', '-c', 'exit 3']);
  assert.equal(failed.code, 3);
  assert.match(failed.stderr, /command terminated with exit code 3/);
  assert.equal(await ok(['exec', 'pair', '-c', 'second', '--', 'echo', 'second here']), 'second here\n');
});

test('kubectl exec -i passes stdin, and its end', async () => {
  assert.equal(await ok(['exec', '-i', 'talker', '--', 'sh', '-c', 'tr a-z A-Z; echo end'], 'hello stdin\n'), 'HELLO STDIN\nend\n');
});

test('exec errors: no such container, no command, a container that is not running', async () => {
  assert.match((await kubectl(['exec', 'talker', '-c', 'nope', '--', 'true'])).stderr, /container nope is not valid for pod talker/);
  const raw = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/talker/exec']);
  assert.match(raw.stderr, /you must specify at least one command for the container/);
  // The kubelet's own refusal comes back through the proxy as it answered.
  await createPod('partial', [{ name: 'quick', command: ['true'] }, { name: 'stays', command: ['sleep', '1000'] }]);
  await waitFor(async () => {
    const statuses = (await client.get<Pod>(types.pods, 'default', 'partial')).status?.containerStatuses ?? [];
    return statuses.find((c) => c.name === 'quick')?.state?.terminated && statuses.find((c) => c.name === 'stays')?.state?.running;
  }, 20_000, 'quick done, stays running');
  assert.match((await kubectl(['exec', 'partial', '-c', 'quick', '--', 'true'])).stderr, /container not found \("quick"\)/);
});

test('kubectl cp copies a file into the pod and back', async () => {
  const source = join(dir, 'cp-source.txt');
  await writeFile(source, 'copied through tar\n');
  const inPod = join(dir, 'signals');
  await ok(['cp', source, `default/talker:${inPod}/in-pod.txt`]);
  assert.equal(await readFile(join(inPod, 'in-pod.txt'), 'utf8'), 'copied through tar\n');
  const back = join(dir, 'cp-back.txt');
  await ok(['cp', `default/talker:${inPod}/in-pod.txt`, back]);
  assert.equal(await readFile(back, 'utf8'), 'copied through tar\n');
});

for (const [how, env] of [['SPDY in a WebSocket', {}], ['plain SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }]] as const) {
  test(`kubectl port-forward reaches the pod port (${how})`, async () => {
    const podPort = await waitFor(async () => /port (\d+)/.exec(await ok(['logs', 'web']))?.[1], 10_000, 'the pod\'s port');
    const forward = background(['port-forward', 'pod/web', `0:${podPort}`], env);
    const port = await waitFor(() => new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${podPort}`).exec(forward.output())?.[1], 20_000, 'the local port');
    // Two connections in turn, each its own pair of streams on the one connection to the pod.
    for (const path of ['/first', '/second']) assert.equal(await httpGet(Number(port), path), `hello from ${path}`);
    forward.child.kill();
    await exited(forward.child);
  });
}

test('kubectl exec over SPDY (its fallback when the WebSocket upgrade fails)', async () => {
  const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
  assert.equal((await kubectl(['exec', '-i', 'talker', '--', 'sh', '-c', 'cat; echo err >&2; exit 4'], 'through spdy\n', env)).code, 4);
  const result = await kubectl(['exec', '-i', 'talker', '--', 'sh', '-c', 'cat; echo err >&2'], 'through spdy\n', env);
  assert.deepEqual([result.code, result.stdout, result.stderr], [0, 'through spdy\n', 'err\n']);
});

test('@kubernetes/client-node: exec with its status, port-forward over v4 channels', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += d));
  const status = await new Promise<k8s.V1Status>((resolve, reject) => {
    new k8s.Exec(kc).exec('default', 'talker', 'app', ['sh', '-c', 'echo hi; exit 3'], stdout, null, null, false, resolve).catch(reject);
  });
  assert.equal(out, 'hi\n');
  assert.deepEqual([status.status, status.reason, status.details?.causes?.[0]], ['Failure', 'NonZeroExitCode', { reason: 'ExitCode', message: '3' }]);

  const podPort = Number(/port (\d+)/.exec(await ok(['logs', 'web']))![1]);
  const input = new PassThrough();
  const output = new PassThrough();
  let response = '';
  output.on('data', (d) => (response += d));
  const ws = await new k8s.PortForward(kc).portForward('default', 'web', [podPort], output, null, input);
  input.write('GET /client-node HTTP/1.0\r\n\r\n');
  await waitFor(() => response.includes('hello from /client-node'), 10_000, 'the response through the forward');
  (ws as { close(): void }).close();
});

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    }).on('error', reject).end();
  });
}

test('kubectl attach streams what the container prints from then on, until it exits', async () => {
  const signal = join(dir, 'signals', 'attach');
  await createPod('attached', [{ name: 'app', command: ['sh', '-c', `while [ ! -e ${signal} ]; do echo tick; sleep 0.05; done; echo after`] }]);
  await waitRunning('attached');
  const attach = background(['attach', 'attached']);
  await waitFor(() => attach.output().includes('tick'), 10_000, 'attached output');
  await writeFile(signal, '');
  assert.equal(await exited(attach.child), 0);
  assert.match(attach.output(), /tick\n(tick\n)*after\n$/);
});
