// A real node: `skiff agent` without --simulate joins a real server, registers a Ready node and
// runs pods as real processes on the process runtime (root: netns on the skiff0 bridge and
// cgroups; otherwise loopback pod IPs). Pods are torn down before the agent is stopped;
// whatever is left (an agent killed mid-test) is removed through the runtime in `after`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { killOnExit, run, skiffBin, SkiffServer, waitFor } from './harness.ts';
import { getJson } from './agents.ts';
import { netnsName } from '../../src/runtime/process/podNetwork.ts';
import { cgroupProcsFiles } from '../../src/runtime/process/cgroups.ts';
import { isRunning, type ProcessIdentity } from '../../src/runtime/process/procStat.ts';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const nodeName = `real-${randomBytes(3).toString('hex')}`;
let server: SkiffServer;
let dataDir: string;
let agent: ChildProcess;
let agentOutput = '';
/** As the server assigned it. */
let podCIDR: string | undefined;

before(async () => {
  server = await SkiffServer.startWithAgent(['--disable-agent']); // a pod range of its own; the test joins its agent
  dataDir = await mkdtemp(join(tmpdir(), 'skiff-agent-'));
  await startAgent();
});

/** Starts `skiff agent` for this node over dataDir; resolves once it has registered. */
async function startAgent(): Promise<void> {
  const token = (await readFile(join(server.dataDir, 'node-token'), 'utf8')).trim();
  agentOutput = '';
  agent = spawn(skiffBin, [
    'agent', '--server', `https://127.0.0.1:${server.port}`, '--token', token,
    '--ca-file', join(server.dataDir, 'ca.crt'), '--node-name', nodeName, '--data-dir', dataDir,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(agent);
  const child = agent;
  child.stdout!.on('data', (d) => (agentOutput += d));
  child.stderr!.on('data', (d) => (agentOutput += d));
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`skiff agent exited with ${child.exitCode}:\n${agentOutput}`);
    return /registered/.test(agentOutput);
  }, 30_000, 'the agent to register its node');
}

async function stopAgent(signal: NodeJS.Signals): Promise<number | null> {
  if (agent.exitCode !== null || agent.signalCode !== null) return agent.exitCode;
  const exited = new Promise<number | null>((r) => agent.once('exit', (code) => r(code)));
  agent.kill(signal);
  return exited;
}

async function applyPod(name: string, command: string): Promise<Pod> {
  await server.ok(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
      spec: {
        nodeName, // no scheduling needed: the pod is this node's
        terminationGracePeriodSeconds: 2, // sh as a PID namespace's init ignores SIGTERM: SIGKILL after 2 s
        containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', command] }],
      },
    }),
  });
  return waitFor(async () => {
    const p = await getJson<Pod>(server, ['pod', name]);
    return p.status?.phase === 'Running' && p.status.podIP ? p : undefined;
  }, 30_000, `pod ${name} Running with an IP`);
}

/** The shim processes of the runtime's containers, from its records. */
function shims(): ProcessIdentity[] {
  const dir = join(dataDir, 'runtime', 'containers');
  return readdirSync(dir).map((id) => JSON.parse(readFileSync(join(dir, id, 'container.json'), 'utf8')).shim as ProcessIdentity);
}

after(async () => {
  if (agent) await stopAgent('SIGKILL');
  if (dataDir) {
    // Leftovers of a failed test: the node's pods, namespaces, interfaces and cgroups.
    const cleanup = await run(skiffBin, ['killall', '--data-dir', dataDir]);
    assert.equal(cleanup.code, 0, cleanup.stderr);
    await rm(dataDir, { recursive: true, force: true });
  }
  await server?.stop();
});

test('the node registers with the host\'s capacity and info, and becomes Ready', async () => {
  const node = await waitFor(async () => {
    const n = await getJson<Node>(server, ['node', nodeName]);
    return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? n : undefined;
  }, 20_000, `node ${nodeName} Ready`);
  const status = node.status!;
  assert.equal(status.capacity?.pods, '110');
  assert.match(status.capacity?.cpu ?? '', /^[1-9]\d*$/);
  assert.match(status.capacity?.memory ?? '', /^\d+Ki$/);
  assert.match(status.capacity?.['ephemeral-storage'] ?? '', /^\d+Ki$/);
  assert.deepEqual(status.conditions?.map((c) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'NetworkUnavailable', 'PIDPressure', 'Ready']);
  assert.deepEqual(status.addresses?.map((a) => a.type), ['InternalIP', 'Hostname']);
  assert.equal(status.nodeInfo?.kubeletVersion, 'v1.32.0-skiff');
  assert.match(status.nodeInfo?.containerRuntimeVersion ?? '', /^process:\/\//);
  podCIDR = node.spec?.podCIDR;
  assert.match(podCIDR ?? '', /^10\.42\.\d+\.0\/24$/, 'the server allocated a /24 of the cluster CIDR');
  assert.deepEqual(node.spec?.podCIDRs, [podCIDR]);
  const lease = await getJson<{ spec: { holderIdentity: string } }>(server, ['lease', nodeName, '-n', 'kube-node-lease']);
  assert.equal(lease.spec.holderIdentity, nodeName);
  const table = await server.ok(['get', 'nodes']);
  assert.match(table, new RegExp(`${nodeName}\\s+Ready`));
});

test('a pod runs as a real process with a pod IP and a log; deleting it stops the process and tears the sandbox down', async () => {
  const pod = await applyPod('hello', 'echo hello; sleep 3600');
  const uid = pod.metadata!.uid!;
  if (isRoot) assert.ok(pod.status!.podIP!.startsWith(podCIDR!.replace(/0\/24$/, '')), `pod IP ${pod.status!.podIP} in the node's podCIDR`);
  else assert.match(pod.status!.podIP!, /^127\.42\./);

  const logDir = join(dataDir, 'kubelet', 'logs', `default_hello_${uid}`, 'main');
  await waitFor(() => existsSync(logDir) && readdirSync(logDir).some((f) => readFileSync(join(logDir, f), 'utf8').includes('hello')), 10_000, 'the container log to say hello');

  // The runtime's records: the container's shim is a live process; as root, the pod has its netns and cgroup.
  const sandboxId = readdirSync(join(dataDir, 'runtime', 'sandboxes')).map((f) => f.replace(/\.json$/, ''))[0];
  const [shim, ...more] = shims();
  assert.equal(more.length, 0);
  assert.ok(isRunning(shim), 'the container process runs');
  const netns = netnsName(uid);
  if (isRoot) {
    assert.match((await run('ip', ['netns', 'list'])).stdout, new RegExp(netns));
    assert.ok(cgroupProcsFiles(`skiff/${sandboxId}`).some((f) => existsSync(f)), 'the pod has its cgroup');
  }

  await server.ok(['delete', 'pod', 'hello', '--timeout=30s']);
  await server.fails(['get', 'pod', 'hello']);
  await waitFor(() => !isRunning(shim), 10_000, 'the container process to be gone');
  assert.deepEqual(readdirSync(join(dataDir, 'runtime', 'sandboxes')), [], 'the sandbox record is removed');
  if (isRoot) {
    assert.doesNotMatch((await run('ip', ['netns', 'list'])).stdout, new RegExp(netns));
    assert.doesNotMatch((await run('ip', ['link', 'show'])).stdout, new RegExp(`veth${netns.slice(6)}`));
    assert.ok(cgroupProcsFiles(`skiff/${sandboxId}`).every((f) => !existsSync(f)), 'the pod cgroup is removed');
  }
});

test('SIGTERM stops the agent and leaves its containers running; a new agent adopts them without a restart', async () => {
  const before = await applyPod('survivor', 'sleep 3600');
  const [shim] = shims();
  assert.equal(await stopAgent('SIGTERM'), 0, agentOutput);
  assert.ok(isRunning(shim), 'the container outlives the agent');

  await startAgent();
  const after = await getJson<Pod>(server, ['pod', 'survivor']);
  assert.equal(after.status?.phase, 'Running');
  assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
  assert.equal(after.status?.containerStatuses?.[0]?.containerID, before.status?.containerStatuses?.[0]?.containerID);

  // The new agent's kubelet terminates the pod, so it has synced it: by then a duplicate would have started.
  await server.ok(['delete', 'pod', 'survivor', '--timeout=30s']);
  await waitFor(() => !isRunning(shim), 10_000, 'the container process to be gone');
  const events = await waitFor(async () => {
    const list = await getJson<{ items: { reason: string; count?: number }[] }>(server, ['events', '--field-selector', 'involvedObject.name=survivor']);
    return list.items.some((e) => e.reason === 'Killing') ? list : undefined; // the recorder writes in batches
  }, 10_000, 'the Killing event of the new agent');
  const started = events.items.filter((e) => e.reason === 'Started').reduce((n, e) => n + (e.count ?? 1), 0);
  assert.equal(started, 1, 'the container started once, before the restart');
  assert.equal(await stopAgent('SIGTERM'), 0, agentOutput);
});
