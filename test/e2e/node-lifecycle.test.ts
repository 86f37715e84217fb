// Issue 4 acceptance 5 and 6: a container past its memory limit is OOMKilled; deleting a pod
// runs its preStop hook, then SIGTERM, before any SIGKILL; and restarting the server (with its
// built-in agent) leaves running pods alone: same container, restartCount unchanged.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { SkiffServer, waitFor } from './harness.ts';
import { getJson } from './agents.ts';
import { waitForReadyPods } from './realPods.ts';

let server: SkiffServer;
let outDir: string;

before(async () => {
  server = await SkiffServer.startWithAgent();
  outDir = await mkdtemp(join(tmpdir(), 'skiff-e2e-out-'));
});

after(async () => {
  await server?.stop();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

function pod(name: string, spec: object): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec });
}

test('a container that allocates past its memory limit is OOMKilled', async () => {
  await server.ok(['apply', '-f', '-'], {
    input: pod('hungry', {
      restartPolicy: 'Never',
      containers: [{
        name: 'main', image: 'python:3.12-slim',
        command: ['python3', '-c', 'import time\nx = "x" * (512 << 20)\ntime.sleep(60)'],
        resources: { limits: { memory: '64Mi' } },
      }],
    }),
  });
  const terminated = await waitFor(async () => (await getJson<Pod>(server, ['pod', 'hungry'])).status?.containerStatuses?.[0]?.state?.terminated, 60_000, 'the container to be killed');
  assert.equal(terminated.reason, 'OOMKilled');
  assert.equal(terminated.exitCode, 137);
  assert.match(await server.ok(['get', 'pod', 'hungry']), /hungry\s+0\/1\s+OOMKilled\s+0/);
});

test('deleting a pod runs preStop, then SIGTERM, and the pod goes', async () => {
  const log = join(outDir, 'log');
  await server.ok(['apply', '-f', '-'], {
    input: pod('graceful', {
      terminationGracePeriodSeconds: 20,
      volumes: [{ name: 'out', hostPath: { path: outDir } }],
      containers: [{
        name: 'main', image: 'busybox',
        command: ['sh', '-c', 'trap "echo TERM >> /out/log; exit 0" TERM; echo started >> /out/log; while true; do sleep 0.1; done'],
        volumeMounts: [{ name: 'out', mountPath: '/out' }],
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo preStop >> /out/log'] } } },
      }],
    }),
  });
  await waitForReadyPods(server, 'app=graceful', 1);
  await server.ok(['delete', 'pod', 'graceful', '--timeout=60s']);
  await server.fails(['get', 'pod', 'graceful']);
  assert.equal(await readFile(log, 'utf8'), 'started\npreStop\nTERM\n');
});

test('a container that ignores SIGTERM is killed after the grace period', async () => {
  await server.ok(['apply', '-f', '-'], {
    input: pod('stubborn', {
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'] }],
    }),
  });
  await waitForReadyPods(server, 'app=stubborn', 1);
  await server.ok(['delete', 'pod', 'stubborn', '--timeout=60s']);
  await server.fails(['get', 'pod', 'stubborn']);
});

test('restarting the server and its agent leaves running pods alone', async () => {
  await server.ok(['apply', '-f', '-'], { input: pod('survivor', { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] }) });
  const [before] = await waitForReadyPods(server, 'app=survivor', 1);
  await server.kill('SIGTERM');
  await server.restart();
  await waitFor(async () => {
    const nodes = await getJson<{ items: Node[] }>(server, ['nodes']);
    return nodes.items.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }, 30_000, 'the node Ready again');
  // A pod created after the restart running means the new kubelet is syncing (it syncs every
  // pod it finds at start): by then a restarted container would show.
  await server.ok(['apply', '-f', '-'], { input: pod('marker', { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] }) });
  await waitForReadyPods(server, 'app=marker', 1);
  const after = await getJson<Pod>(server, ['pod', 'survivor']);
  const [was, is] = [before!.status!.containerStatuses![0]!, after.status!.containerStatuses![0]!];
  assert.equal(is.containerID, was.containerID, 'the same container');
  assert.equal(is.restartCount, 0);
  assert.equal(is.state?.running?.startedAt, was.state?.running?.startedAt);
});
