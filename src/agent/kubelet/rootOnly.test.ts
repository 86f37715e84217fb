// Without root, a pod asking for limits, users or privileges still runs, and is told once
// what the node ignores.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/kind.ts';
import type { Node, Pod } from '../../api/objects.ts';
import type { Client } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { createHttpClient, loadKubeconfig } from '../../client/httpClient.ts';
import { createInformerFactory, type InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { SkiffServer, waitFor, withoutControlLoops } from '../../../test/e2e/harness.ts';
import { startKubelet, type Kubelet } from './kubelet.ts';
import { ignoredWithoutRoot } from './rootOnly.ts';
import { FakeRuntime } from './testing/fakeRuntime.ts';

function pod(name: string, spec: Partial<Pod['spec']> & object): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [], ...spec } as Pod['spec'] };
}

test('limits, users and privileges are named with where they are asked for', () => {
  const message = ignoredWithoutRoot(pod('p', {
    securityContext: { runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000] },
    initContainers: [{ name: 'setup', securityContext: { privileged: true } }],
    containers: [
      { name: 'app', resources: { limits: { cpu: '500m', memory: '64Mi' } }, securityContext: { runAsGroup: 10 } },
      { name: 'side', resources: { limits: { memory: '32Mi' }, requests: { cpu: '100m' } }, securityContext: { runAsUser: 1001 } },
    ],
  }));
  assert.equal(message, 'The node runs without root, so it ignores: cpu limit (app), memory limit (app, side), runAsUser (pod, side), runAsGroup (app), supplementalGroups (pod), fsGroup (pod), privileged (setup)');
});

test('a pod asking for nothing that needs root gets no warning', () => {
  assert.equal(ignoredWithoutRoot(pod('p', {
    hostNetwork: true,
    securityContext: { runAsNonRoot: true },
    containers: [{ name: 'app', resources: { requests: { cpu: '100m', memory: '64Mi' } }, securityContext: { privileged: false } }],
  })), undefined);
});

// ---- the kubelet, rootless, on the fake runtime

const nodeName = 'rootless-1';
const runtime = new FakeRuntime();
const stop = new AbortController();
const events: { name: string; type: string; reason: string; message: string }[] = [];
const recorder: EventRecorder = {
  event: (regarding: KubeObject, type, reason, message) => void events.push({ name: regarding.metadata?.name ?? '', type, reason, message }),
  flush: async () => {},
};
let server: SkiffServer;
let client: Client;
let informers: InformerFactory;
let kubelet: Kubelet;
let rootDir: string;

before(async () => {
  server = await SkiffServer.start(undefined, 0, withoutControlLoops);
  client = createHttpClient(loadKubeconfig(server.kubeconfig));
  rootDir = await mkdtemp(join(tmpdir(), 'skiff-kubelet-rootless-'));
  await client.create<Node>(types.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
  informers = createInformerFactory(client);
  kubelet = await startKubelet({ client, informers, runtime, nodeName, rootDir, signal: stop.signal, relistIntervalMs: 20, recorder, rootless: true });
});

after(async () => {
  stop.abort();
  await kubelet?.stop();
  informers?.stop();
  await server?.stop();
  if (rootDir) await rm(rootDir, { recursive: true, force: true });
});

test('without root, a pod with a memory limit runs and gets one IgnoredWithoutRoot warning', async () => {
  await client.create(types.pods, pod('limited', {
    nodeName,
    containers: [{ name: 'app', image: 'busybox', command: ['sleep', 'inf'], resources: { limits: { memory: '64Mi' } } }],
  }));
  await waitFor(() => runtime.latest('app')?.status.state === 'running', 10_000, 'app running');
  // It restarts (a new sync, the same pod): still one warning.
  runtime.exit('app', 1);
  await waitFor(() => runtime.latest('app')?.status.attempt === 1, 10_000, 'app restarted');
  const warnings = events.filter((e) => e.name === 'limited' && e.reason === 'IgnoredWithoutRoot');
  assert.deepEqual(warnings, [{ name: 'limited', type: 'Warning', reason: 'IgnoredWithoutRoot', message: 'The node runs without root, so it ignores: memory limit (app)' }]);
  assert.equal(runtime.latest('app')?.config.resources?.memoryLimitBytes, 64 * 1024 * 1024, 'the limit is still passed on: the runtime decides');
});
