// The node agent for real (issue 4): `skiff server` with its built-in agent running pods as
// processes. Time from launch to a Ready node; pod start latency (create -> Ready) over 100
// pods on one node; self-healing (a pod deleted -> its replacement Ready); idle RSS of the
// server (with its agent) and of a joined agent process.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SkiffServer, killOnExit, run, skiffBin, waitFor } from '../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../src/client/httpClient.ts';
import { types } from '../src/client/resourceTypes.ts';
import type { Client } from '../src/client/client.ts';
import type { Node, Pod } from '../src/api/objects.ts';

export async function benchNode(): Promise<void> {
  const launched = performance.now();
  const server = await SkiffServer.startWithAgent();
  try {
    const client = createHttpClient(loadKubeconfig(server.kubeconfig));
    await waitFor(async () => (await client.list<Node>(types.nodes)).items.some(isReadyNode), 30_000, 'a Ready node');
    line('skiff server to a Ready node', `${((performance.now() - launched) / 1000).toFixed(2)} s (process launch included)`);
    line('idle RSS, server with its agent', `${await rssMb(server.pid!)} MB`);
    await podStartLatency(client, 100);
    await selfHealing(server, client, 10);
    line('RSS after those pods, server', `${await rssMb(server.pid!)} MB`);
    await agentRss(server);
  } finally {
    await server.stop();
  }
}

function line(what: string, figure: string): void {
  console.log(`${what.padEnd(40)} ${figure}`);
}

const isReadyNode = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const isReadyPod = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function percentiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
  return `p50 ${p(0.5)} ms  p99 ${p(0.99)} ms`;
}

/** Watches pods in default; calls onReady(name, at) the first time each is Ready. */
async function watchReady(client: Client, onReady: (pod: Pod, at: number) => void, signal: AbortSignal): Promise<void> {
  const list = await client.list<Pod>(types.pods, { namespace: 'default' });
  const seen = new Set<string>();
  try {
    for await (const event of client.watch<Pod>(types.pods, { namespace: 'default', resourceVersion: list.resourceVersion, signal })) {
      const pod = event.object;
      const uid = pod?.metadata?.uid;
      if (uid && !seen.has(uid) && isReadyPod(pod)) {
        seen.add(uid);
        onReady(pod, performance.now());
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

async function podStartLatency(client: Client, count: number): Promise<void> {
  const created = new Map<string, number>();
  const ready = new Map<string, number>();
  const abort = new AbortController();
  const watching = watchReady(client, (pod, at) => ready.set(pod.metadata!.name!, at), abort.signal);
  await new Promise((r) => setTimeout(r, 200)); // the watch is open
  // One at a time, as the SLO measures pod start (not a burst's queueing).
  for (let i = 0; i < count; i++) {
    const name = `start-${i}`;
    created.set(name, performance.now());
    await client.create(types.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } as Pod);
    await waitFor(() => ready.has(name), 30_000, `${name} Ready`);
  }
  abort.abort();
  await watching;
  line(`pod start, create -> Ready (${count} pods)`, percentiles([...ready].map(([name, at]) => at - created.get(name)!)));
  await Promise.all([...created.keys()].map((name) => client.delete(types.pods, 'default', name)));
  await waitFor(async () => (await client.list(types.pods, { namespace: 'default' })).items.length === 0, 120_000, 'the pods gone');
}

async function selfHealing(server: SkiffServer, client: Client, rounds: number): Promise<void> {
  await server.ok(['create', 'deployment', 'heal', '--image=busybox', '--replicas=3', '--', 'sleep', '3600']);
  await server.ok(['patch', 'deployment', 'heal', '-p', '{"spec":{"template":{"spec":{"terminationGracePeriodSeconds":0}}}}']);
  const readyPods = async () => (await client.list<Pod>(types.pods, { namespace: 'default', labelSelector: 'app=heal' })).items.filter((p) => isReadyPod(p) && !p.metadata?.deletionTimestamp);
  await waitFor(async () => (await readyPods()).length === 3, 60_000, '3 Ready replicas');
  const abort = new AbortController();
  const readyAt = new Map<string, number>();
  const watching = watchReady(client, (pod, at) => readyAt.set(pod.metadata!.name!, at), abort.signal);
  await new Promise((r) => setTimeout(r, 200));
  const latencies: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = new Set((await readyPods()).map((p) => p.metadata!.name!));
    const victim = [...before][0]!;
    const deleted = performance.now();
    await client.delete(types.pods, 'default', victim);
    const replacement = await waitFor(() => [...readyAt.keys()].find((name) => !before.has(name) && readyAt.get(name)! > deleted), 30_000, 'a replacement Ready');
    latencies.push(readyAt.get(replacement)! - deleted);
    await waitFor(async () => (await readyPods()).length === 3, 30_000, '3 Ready replicas');
  }
  abort.abort();
  await watching;
  line(`self-healing, delete -> replacement Ready`, `${percentiles(latencies)} (${rounds} rounds)`);
  await server.ok(['delete', 'deployment', 'heal']);
}

async function rssMb(pid: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 3_000)); // settle: let start-up garbage be collected
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function agentRss(server: SkiffServer): Promise<void> {
  const token = (await readFile(join(server.dataDir, 'node-token'), 'utf8')).trim();
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-bench-agent-'));
  const agent = spawn(skiffBin, ['agent', '--server', `https://127.0.0.1:${server.port}`, '--token', token, '--node-name', 'bench-agent', '--data-dir', dataDir], { stdio: 'ignore' });
  killOnExit(agent);
  try {
    const client = createHttpClient(loadKubeconfig(server.kubeconfig));
    await waitFor(async () => (await client.list<Node>(types.nodes)).items.filter(isReadyNode).length === 2, 30_000, 'the agent\'s node Ready');
    line('idle RSS, joined agent', `${await rssMb(agent.pid!)} MB`);
  } finally {
    agent.kill('SIGKILL');
    await run(skiffBin, ['killall', '--data-dir', dataDir]);
    await rm(dataDir, { recursive: true, force: true });
  }
}
