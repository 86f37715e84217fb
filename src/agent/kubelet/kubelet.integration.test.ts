// The kubelet against a real server and a fake runtime: pods start (init containers first),
// restart by policy, report status as upstream, follow probes, see ConfigMap edits in their
// volumes, and terminate gracefully.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SkiffServer, waitFor, withoutControlLoops } from '../../../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../../client/httpClient.ts';
import { createInformerFactory, type InformerFactory } from '../../client/informer.ts';
import type { Client } from '../../client/client.ts';
import { resourceTypeOf, types } from '../../client/resourceTypes.ts';
import { runtimeClass as runtimeClassKind } from '../../api/groups/cluster/runtimeClass.ts';
import type { Node, Pod } from '../../api/objects.ts';
import { startKubelet, type Kubelet } from './kubelet.ts';
import { FakeRuntime } from './testing/fakeRuntime.ts';

let server: SkiffServer;
let client: Client;
let informers: InformerFactory;
let kubelet: Kubelet;
let rootDir: string;
const runtime = new FakeRuntime();
const stop = new AbortController();
const nodeName = 'kube-1';

before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  rootDir = await mkdtemp(join(tmpdir(), 'skiff-kubelet-'));
  await client.create<Node>(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
  await client.patch(types.nodes, undefined, nodeName, 'merge', { status: { addresses: [{ type: 'InternalIP', address: '192.0.2.10' }], allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } }, { subresource: 'status' });
  informers = createInformerFactory(client);
  kubelet = await startKubelet({ client, informers, runtime, nodeName, rootDir, signal: stop.signal, relistIntervalMs: 20 });
});

after(async () => {
  stop.abort();
  await kubelet?.stop();
  informers?.stop();
  await server?.stop();
  if (rootDir) await rm(rootDir, { recursive: true, force: true });
});

const getPod = (name: string) => client.get<Pod>(types.pods, 'default', name).catch(() => undefined);
const condition = (p: Pod | undefined, type: string) => p?.status?.conditions?.find((c) => c.type === type);

function podSpec(name: string, spec: Partial<Pod['spec']> & object, meta: Partial<Pod['metadata']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...meta }, spec: { nodeName, containers: [], ...spec } as Pod['spec'] };
}

async function waitPod(name: string, check: (p: Pod) => boolean, what: string): Promise<Pod> {
  return waitFor(async () => {
    const p = await getPod(name);
    return p && check(p) ? p : undefined;
  }, 10_000, `${name}: ${what}`);
}

test('init containers run in order to completion, then the containers; status as upstream', async () => {
  await client.create(types.pods, podSpec('ordered', {
    initContainers: [{ name: 'first', image: 'busybox', command: ['true'] }, { name: 'second', image: 'busybox', command: ['true'] }],
    containers: [{ name: 'app', image: 'busybox', command: ['sleep', 'inf'] }],
  }));
  let p = await waitPod('ordered', (p) => p.status?.initContainerStatuses?.[0]?.state?.running !== undefined, 'first init running');
  assert.equal(p.status?.phase, 'Pending');
  assert.equal(p.status?.initContainerStatuses?.[1]?.state?.waiting?.reason, 'PodInitializing');
  assert.equal(p.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
  assert.equal(condition(p, 'Initialized')?.reason, 'ContainersNotInitialized');
  assert.equal(runtime.latest('second'), undefined, 'the second waits for the first');

  runtime.exit('first', 0);
  await waitFor(() => runtime.latest('second')?.status.state === 'running', 10_000, 'second init running');
  assert.equal(runtime.latest('app'), undefined);
  runtime.exit('second', 0);
  p = await waitPod('ordered', (p) => p.status?.phase === 'Running' && condition(p, 'Ready')?.status === 'True', 'running and ready');
  const app = p.status!.containerStatuses![0];
  assert.ok(app.state?.running?.startedAt);
  assert.equal(app.ready, true);
  assert.equal(app.started, true);
  assert.equal(app.restartCount, 0);
  assert.match(app.containerID!, /^skiff-process:\/\/c\d+$/);
  assert.equal(p.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
  assert.equal(p.status?.hostIP, '192.0.2.10');
  assert.match(p.status?.podIP ?? '', /^127\.0\.1\./);
  assert.equal(p.status?.qosClass, 'BestEffort');
  assert.ok(p.status?.startTime);
  for (const type of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']) assert.equal(condition(p, type)?.status, 'True', type);
  const table = await server.ok(['get', 'pod', 'ordered', '--no-headers']);
  assert.match(table, /ordered\s+1\/1\s+Running\s+0/);
});

test('a crashing container restarts, then backs off with CrashLoopBackOff and lastState', async () => {
  await client.create(types.pods, podSpec('crashy', { containers: [{ name: 'crash', image: 'busybox', command: ['false'] }] }));
  await waitFor(() => runtime.latest('crash')?.status.state === 'running', 10_000, 'crash running');
  runtime.exit('crash', 1);
  await waitFor(() => runtime.latest('crash')?.status.attempt === 1 && runtime.latest('crash')?.status.state === 'running', 10_000, 'the first restart (immediate)');
  runtime.exit('crash', 2);
  const p = await waitPod('crashy', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff');
  const s = p.status!.containerStatuses![0];
  assert.equal(s.restartCount, 1);
  assert.equal(s.lastState?.terminated?.exitCode, 2);
  assert.equal(s.lastState?.terminated?.reason, 'Error');
  assert.match(s.state!.waiting!.message!, /^back-off 10s restarting failed container=crash pod=crashy_default\(/);
  assert.equal(p.status?.phase, 'Running');
  assert.equal(condition(p, 'Ready')?.reason, 'ContainersNotReady');
  const table = await server.ok(['get', 'pod', 'crashy', '--no-headers']);
  assert.match(table, /crashy\s+0\/1\s+CrashLoopBackOff\s+1/);
});

test('restartPolicy Never: a failed container makes the pod Failed; OnFailure success makes it Succeeded', async () => {
  await client.create(types.pods, podSpec('once', { restartPolicy: 'Never', containers: [{ name: 'once', image: 'busybox' }] }));
  await client.create(types.pods, podSpec('job', { restartPolicy: 'OnFailure', containers: [{ name: 'job', image: 'busybox' }] }));
  await waitFor(() => runtime.latest('once')?.status.state === 'running' && runtime.latest('job')?.status.state === 'running', 10_000, 'both running');
  runtime.exit('once', 3);
  runtime.exit('job', 0);
  const once = await waitPod('once', (p) => p.status?.phase === 'Failed', 'Failed');
  assert.equal(once.status!.containerStatuses![0].state?.terminated?.exitCode, 3);
  assert.equal(condition(once, 'Ready')?.reason, 'PodFailed');
  const job = await waitPod('job', (p) => p.status?.phase === 'Succeeded', 'Succeeded');
  assert.equal(job.status!.containerStatuses![0].state?.terminated?.reason, 'Completed');
  assert.equal(runtime.latest('once')!.status.attempt, 0, 'never restarted');
});

test('env and args are expanded; a missing ConfigMap key is CreateContainerConfigError until it exists', async () => {
  await client.create(types.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { greeting: 'hello' } } as never);
  await client.create(types.pods, podSpec('envy', {
    containers: [{
      name: 'envy', image: 'busybox', command: ['echo'], args: ['$(GREETING) from $(POD) on $(NODE) $$(POD)'],
      env: [
        { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'settings', key: 'greeting' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'LATER', valueFrom: { configMapKeyRef: { name: 'settings', key: 'later' } } },
      ],
    }],
  }));
  const p = await waitPod('envy', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 'config error');
  assert.equal(p.status!.containerStatuses![0].state!.waiting!.message, "couldn't find key later in ConfigMap default/settings");
  await client.patch(types.configMaps, 'default', 'settings', 'merge', { data: { later: 'now' } });
  await waitFor(() => runtime.latest('envy')?.status.state === 'running', 10_000, 'envy started once the key exists');
  const config = runtime.latest('envy')!.config;
  assert.deepEqual(config.argv, ['echo', 'hello from envy on kube-1 $(POD)']);
  assert.deepEqual(config.env.find((e) => e.name === 'LATER'), { name: 'LATER', value: 'now' });
});

test('a configMap volume is mounted and follows edits', async () => {
  await client.create(types.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-conf', namespace: 'default' }, data: { 'index.html': 'v1' } } as never);
  const created = await client.create<Pod>(types.pods, podSpec('mounted', {
    containers: [{ name: 'web', image: 'nginx', volumeMounts: [{ name: 'conf', mountPath: '/usr/share/nginx/html' }] }],
    volumes: [{ name: 'conf', configMap: { name: 'web-conf' } }],
  }));
  await waitFor(() => runtime.latest('web')?.status.state === 'running', 10_000, 'web running');
  const mount = runtime.latest('web')!.config.mounts[0];
  assert.equal(mount.containerPath, '/usr/share/nginx/html');
  assert.equal(mount.hostPath, join(rootDir, 'pods', created.metadata!.uid!, 'volumes/kubernetes.io~configmap/conf'));
  assert.equal(await readFile(join(mount.hostPath, 'index.html'), 'utf8'), 'v1');
  await client.patch(types.configMaps, 'default', 'web-conf', 'merge', { data: { 'index.html': 'v2' } });
  await waitFor(async () => (await readFile(join(mount.hostPath, 'index.html'), 'utf8')) === 'v2', 10_000, 'the edit in the file');
});

test('readiness and liveness probes (exec): unready until it passes; liveness failure restarts', async () => {
  let healthy = false;
  let alive = true;
  runtime.execHandler = (c, argv) => (c.config.name !== 'probed' ? 0 : argv[0] === 'ready' ? (healthy ? 0 : 1) : alive ? 0 : 1);
  await client.create(types.pods, podSpec('probed', {
    containers: [{
      name: 'probed', image: 'busybox',
      readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
      livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 1, failureThreshold: 1 },
    }],
  }));
  let p = await waitPod('probed', (p) => p.status?.phase === 'Running', 'running');
  assert.equal(condition(p, 'Ready')?.status, 'False');
  healthy = true;
  p = await waitPod('probed', (p) => condition(p, 'Ready')?.status === 'True', 'ready');
  assert.equal(p.status!.containerStatuses![0].ready, true);
  alive = false;
  await waitFor(() => runtime.latest('probed')?.status.attempt === 1, 10_000, 'a restart after the liveness failure');
  alive = true;
  const killing = await waitFor(async () => {
    const events = await client.list<never>(types.events, { namespace: 'default', fieldSelector: 'involvedObject.name=probed' });
    return (events.items as { reason: string; message: string }[]).find((e) => e.reason === 'Killing');
  }, 10_000, 'a Killing event');
  assert.equal(killing.message, 'Container probed failed liveness probe, will be restarted');
  await waitPod('probed', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1, 'restartCount 1');
});

test('deletion runs preStop, then stops with the grace period, then removes the pod object', async () => {
  runtime.execHandler = () => 0;
  await client.create(types.pods, podSpec('graceful', {
    terminationGracePeriodSeconds: 7,
    containers: [{ name: 'graceful', image: 'busybox', lifecycle: { preStop: { exec: { command: ['drain'] } } } }],
  }));
  await waitPod('graceful', (p) => p.status?.phase === 'Running', 'running');
  await client.delete(types.pods, 'default', 'graceful');
  await waitFor(async () => (await getPod('graceful')) === undefined, 10_000, 'the pod object gone');
  assert.ok(runtime.execs.some((e) => e.name === 'graceful' && e.argv[0] === 'drain'), 'preStop ran');
  const stopped = runtime.stops.find((s) => s.name === 'graceful');
  assert.ok(stopped && stopped.timeoutSeconds > 2 && stopped.timeoutSeconds <= 7, `grace ${stopped?.timeoutSeconds}`);
  assert.ok(![...runtime.sandboxes.values()].some((s) => s.name === 'graceful'), 'sandbox removed');
});

test('a sidecar init container (restartPolicy Always) starts, keeps running, and the containers start after it', async () => {
  await client.create(types.pods, podSpec('sidecars', {
    initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }, { name: 'setup', image: 'busybox' }],
    containers: [{ name: 'main', image: 'busybox' }],
  }));
  await waitFor(() => runtime.latest('setup')?.status.state === 'running', 10_000, 'setup running after the sidecar');
  assert.equal(runtime.latest('proxy')?.status.state, 'running');
  runtime.exit('setup', 0);
  const p = await waitPod('sidecars', (p) => condition(p, 'Ready')?.status === 'True', 'ready');
  assert.ok(p.status!.initContainerStatuses![0].state?.running, 'the sidecar keeps running');
  assert.equal(p.status!.initContainerStatuses![0].ready, true);
  assert.equal(p.status!.initContainerStatuses![1].state?.terminated?.reason, 'Completed');
});

async function eventsOf(name: string): Promise<{ type: string; reason: string; message: string }[]> {
  const events = await client.list<never>(types.events, { namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
  return events.items as { type: string; reason: string; message: string }[];
}

test('the runtime gets the containers\' resources, the pod\'s sum, the user, the hostname and workingDir', async () => {
  await client.create(types.pods, podSpec('shaped', {
    hostname: 'custom-host',
    securityContext: { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000 },
    initContainers: [{ name: 'prep', image: 'busybox', resources: { limits: { cpu: '2', memory: '256Mi' } } }],
    containers: [
      { name: 'web', image: 'busybox', workingDir: '/srv', resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '64Mi' } }, securityContext: { runAsUser: 1001 } },
      { name: 'side', image: 'busybox', resources: { limits: { cpu: '100m', memory: '32Mi' } } },
    ],
  }));
  await waitFor(() => runtime.latest('prep')?.status.state === 'running', 10_000, 'prep running');
  const sandbox = [...runtime.sandboxes.values()].find((s) => s.name === 'shaped')!;
  assert.equal(sandbox.config.hostname, 'custom-host');
  // The larger of the init container (2 cpu, 256Mi) and the containers' sum (600m, 96Mi).
  assert.deepEqual(sandbox.config.resources, { cpuRequestMillis: 2000, cpuLimitMillis: 2000, memoryLimitBytes: 256 * 2 ** 20 });
  runtime.exit('prep', 0);
  await waitFor(() => runtime.latest('web')?.status.state === 'running' && runtime.latest('side')?.status.state === 'running', 10_000, 'containers running');
  const web = runtime.latest('web')!.config;
  assert.deepEqual(web.resources, { cpuRequestMillis: 250, cpuLimitMillis: 500, memoryLimitBytes: 64 * 2 ** 20 });
  assert.deepEqual(web.user, { uid: 1001, gid: 3000, supplementalGroups: [4000, 2000] });
  assert.equal(web.workingDir, '/srv');
  assert.deepEqual(runtime.latest('side')!.config.resources, { cpuRequestMillis: 100, cpuLimitMillis: 100, memoryLimitBytes: 32 * 2 ** 20 });
});

test('runAsNonRoot with a container that would run as root is a CreateContainerConfigError', { skip: process.getuid?.() !== 0 }, async () => {
  await client.create(types.pods, podSpec('rootful', { securityContext: { runAsNonRoot: true }, containers: [{ name: 'rootful', image: 'busybox' }] }));
  const p = await waitPod('rootful', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 'config error');
  assert.match(p.status!.containerStatuses![0].state!.waiting!.message!, /^container has runAsNonRoot and image will run as root \(pod: "rootful_default\(.+\)", container: rootful\)$/);
});

test('a RuntimeClass whose handler this node has no runtime for fails sandbox creation; its own handler runs', async () => {
  await client.create(resourceTypeOf(runtimeClassKind), { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'vm' }, handler: 'kata' } as never);
  await client.create(resourceTypeOf(runtimeClassKind), { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'native' }, handler: runtime.name } as never);
  await client.create(types.pods, podSpec('in-vm', { runtimeClassName: 'vm', containers: [{ name: 'in-vm', image: 'busybox' }] }));
  await client.create(types.pods, podSpec('native', { runtimeClassName: 'native', containers: [{ name: 'native', image: 'busybox' }] }));
  const failed = await waitFor(async () => (await eventsOf('in-vm')).find((e) => e.reason === 'FailedCreatePodSandBox'), 10_000, 'a FailedCreatePodSandBox event');
  assert.equal(failed.type, 'Warning');
  assert.equal(failed.message, 'Failed to create pod sandbox: RuntimeHandler "kata" not supported');
  const p = await waitPod('in-vm', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating', 'ContainerCreating');
  assert.equal(p.status?.phase, 'Pending');
  assert.equal(condition(p, 'PodReadyToStartContainers')?.status, 'False');
  assert.ok(![...runtime.sandboxes.values()].some((s) => s.name === 'in-vm'));
  await waitFor(() => runtime.latest('native')?.status.state === 'running', 10_000, 'the native pod running');
});

test('service link variables are set for the namespace\'s services and the master service', async () => {
  const service = (name: string, clusterIP: string, ports: object[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { clusterIP, ports } });
  await client.create(types.services, service('kubernetes', '10.43.0.1', [{ name: 'https', port: 443 }]) as never).catch(() => {});
  await client.create(types.services, service('db', '10.43.0.50', [{ port: 5432 }]) as never);
  await client.create(types.pods, podSpec('linked', { containers: [{ name: 'linked', image: 'busybox', env: [{ name: 'DSN', value: 'postgres://$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)' }] }] }));
  await client.create(types.pods, podSpec('unlinked', { enableServiceLinks: false, containers: [{ name: 'unlinked', image: 'busybox' }] }));
  await waitFor(() => runtime.latest('linked')?.status.state === 'running' && runtime.latest('unlinked')?.status.state === 'running', 10_000, 'both running');
  const env = Object.fromEntries(runtime.latest('linked')!.config.env.map((e) => [e.name, e.value]));
  assert.equal(env.DSN, 'postgres://10.43.0.50:5432');
  assert.equal(env.DB_PORT_5432_TCP, 'tcp://10.43.0.50:5432');
  assert.ok(env.KUBERNETES_SERVICE_HOST);
  const unlinked = runtime.latest('unlinked')!.config.env.map((e) => e.name);
  assert.ok(unlinked.includes('KUBERNETES_SERVICE_HOST'), 'the master service always');
  assert.ok(!unlinked.some((n) => n.startsWith('DB_')));
});

test('findContainer and containerNames find a pod\'s containers, and the previous instance', async () => {
  await client.create(types.pods, podSpec('findme', { initContainers: [{ name: 'finder-setup', image: 'busybox' }], containers: [{ name: 'finder', image: 'busybox' }] }));
  await waitFor(() => runtime.latest('finder-setup')?.status.state === 'running', 10_000, 'setup running');
  runtime.exit('finder-setup', 0);
  await waitFor(() => runtime.latest('finder')?.status.state === 'running', 10_000, 'finder running');
  assert.deepEqual(kubelet.containerNames('default', 'findme'), ['finder', 'finder-setup']);
  assert.equal(kubelet.containerNames('default', 'nowhere'), undefined);
  const first = runtime.latest('finder')!;
  const found = await waitFor(() => kubelet.findContainer('default', 'findme', undefined, false), 10_000, 'finder found');
  assert.deepEqual(found, { containerId: first.status.id, sandboxId: first.sandboxId, logPath: first.config.logPath });
  assert.equal(kubelet.findContainer('default', 'findme', 'finder', true), undefined, 'no previous instance yet');
  runtime.exit('finder', 1);
  await waitFor(() => runtime.latest('finder')?.status.attempt === 1, 10_000, 'finder restarted');
  const previous = await waitFor(() => kubelet.findContainer('default', 'findme', 'finder', true), 10_000, 'the previous instance');
  assert.equal(previous.containerId, first.status.id);
  assert.equal(kubelet.findContainer('default', 'findme', 'finder-setup', false)?.containerId, runtime.latest('finder-setup')!.status.id);
});
