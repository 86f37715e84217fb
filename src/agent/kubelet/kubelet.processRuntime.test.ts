// The kubelet on the real process runtime, as root: the limits it passes apply (a container
// past its memory limit is OOMKilled), memory emptyDirs are tmpfs inside the container, the
// user and hostname are the spec's. Uses its own pod range, bridge and cgroup parent, and
// removes all of them afterwards.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SkiffServer, waitFor, withoutControlLoops } from '../../../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../../client/httpClient.ts';
import { createInformerFactory, type InformerFactory } from '../../client/informer.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import type { Node, Pod } from '../../api/objects.ts';
import { removeCgroup } from '../../runtime/process/cgroups.ts';
import { createProcessRuntime, type ProcessRuntime } from '../../runtime/process/processRuntime.ts';
import { startKubelet, type Kubelet } from './kubelet.ts';
import { mountsUnder } from './tmpfs.ts';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const nodeName = 'proc-1';
const cgroupParent = `skiff-kubelet-test-${process.pid}`;
let server: SkiffServer;
let client: Client;
let informers: InformerFactory;
let kubelet: Kubelet;
let runtime: ProcessRuntime;
let dir: string;
const stop = new AbortController();

before(async () => {
  if (!isRoot) return;
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  dir = await mkdtemp(join(tmpdir(), 'skiff-kubelet-proc-'));
  await client.create<Node>(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
  await client.patch(types.nodes, undefined, nodeName, 'merge', { status: { allocatable: { cpu: '2', memory: '1Gi', pods: '110' } } }, { subresource: 'status' });
  const podCIDR = `10.45.${process.pid % 250}.0/24`;
  runtime = createProcessRuntime({ rootDir: join(dir, 'runtime'), mode: 'root', podCIDR, rejectCIDRs: ['10.45.0.0/16'], cgroupParent });
  informers = createInformerFactory(client);
  kubelet = await startKubelet({ client, informers, runtime, nodeName, rootDir: join(dir, 'kubelet'), signal: stop.signal, relistIntervalMs: 50 });
});

after(async () => {
  if (!isRoot) return;
  stop.abort();
  await kubelet?.stop();
  informers?.stop();
  for (const s of (await runtime?.listPodSandboxes()) ?? []) await runtime.removePodSandbox(s.id);
  runtime?.close();
  await runtime?.cleanUpNode();
  removeCgroup(cgroupParent);
  for (const m of dir ? await mountsUnder(dir) : []) assert.fail(`left mounted: ${m}`);
  if (dir) await rm(dir, { recursive: true, force: true });
  await server?.stop();
});

function pod(name: string, spec: object): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, restartPolicy: 'Never', ...spec } as Pod['spec'] };
}

const getPod = (name: string) => client.get<Pod>(types.pods, 'default', name);

test('a container that allocates past its memory limit is OOMKilled, exit 137', { skip: !isRoot }, async () => {
  await client.create(types.pods, pod('hungry', {
    containers: [{ name: 'hungry', image: 'busybox', command: ['sh', '-c', 'head -c 1000000000 /dev/zero | tail'], resources: { limits: { memory: '32Mi' } } }],
  }));
  const terminated = await waitFor(async () => (await getPod('hungry')).status?.containerStatuses?.[0]?.state?.terminated, 20_000, 'hungry terminated');
  assert.equal(terminated.reason, 'OOMKilled');
  assert.equal(terminated.exitCode, 137);
  assert.equal((await getPod('hungry')).status?.phase, 'Failed');
});

test('a memory emptyDir is a tmpfs inside the container; user and hostname are the spec\'s', { skip: !isRoot }, async () => {
  const created = await client.create<Pod>(types.pods, pod('shaped', {
    hostname: 'shaped-host',
    securityContext: { runAsUser: 65534, runAsGroup: 65534 },
    volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }],
    containers: [{
      name: 'shaped', image: 'busybox', workingDir: '/tmp',
      command: ['sh', '-c', 'id -u; id -g; hostname; pwd; grep " /mnt " /proc/mounts | cut -d" " -f3'],
      volumeMounts: [{ name: 'scratch', mountPath: '/mnt' }],
    }],
  }));
  const done = await waitFor(async () => (await getPod('shaped')).status?.containerStatuses?.[0]?.state?.terminated, 20_000, 'shaped done');
  assert.equal(done.exitCode, 0);
  const logDir = join(dir, 'kubelet', 'logs', `default_shaped_${created.metadata!.uid}`, 'shaped');
  const lines = (await readFile(join(logDir, '0.log'), 'utf8')).split('\n').filter(Boolean).map((l) => l.split(' ').slice(3).join(' '));
  assert.deepEqual(lines, ['65534', '65534', 'shaped-host', '/tmp', 'tmpfs']);
  // Gone with the pod: the tmpfs is unmounted and the pod's directory removed.
  await client.delete(types.pods, 'default', 'shaped', { gracePeriodSeconds: 0 });
  await waitFor(async () => (await mountsUnder(join(dir, 'kubelet'))).length === 0, 10_000, 'the tmpfs unmounted');
});
