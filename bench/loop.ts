// The reconciliation loop end to end, against a real `skiff server` and `skiff agent
// --simulate` processes: scheduling 10,000 pods onto 5,000 simulated nodes (apiserver,
// scheduler and binding included), and `kubectl scale` 0 -> 1,000 replicas on 100 nodes
// until every pod is Running (Deployment, ReplicaSet, scheduler and kubelet loops).

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SkiffServer, run, skiffBin, waitFor } from '../test/e2e/harness.ts';
import { createHttpClient, loadKubeconfig } from '../src/client/httpClient.ts';
import { types } from '../src/client/resourceTypes.ts';
import type { Client } from '../src/client/client.ts';

export async function benchLoop(): Promise<void> {
  await benchScheduling(5000, 10_000);
  await benchScale(100, 1000);
}

async function withCluster(nodes: number, body: (server: SkiffServer, client: Client) => Promise<void>): Promise<void> {
  const server = await SkiffServer.start();
  let agent: ChildProcess | undefined;
  try {
    const token = (await import('node:fs')).readFileSync(join(server.dataDir, 'node-token'), 'utf8').trim();
    agent = spawn(skiffBin, ['agent', '--server', `https://127.0.0.1:${server.port}`, '--token', token, '--ca-file', join(server.dataDir, 'ca.crt'), '--simulate', String(nodes)], { stdio: 'ignore' });
    const client = createHttpClient(loadKubeconfig(server.kubeconfig));
    const started = performance.now();
    await waitFor(async () => (await client.list(types.nodes)).items.length === nodes, 120_000, `${nodes} nodes`);
    console.log(`${`register ${nodes} simulated nodes`.padEnd(40)} ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await body(server, client);
  } finally {
    agent?.kill('SIGTERM');
    await server.stop();
  }
}

async function benchScheduling(nodes: number, pods: number): Promise<void> {
  await withCluster(nodes, async (_server, client) => {
    const created = new Map<string, number>();
    const bound = new Map<string, number>();
    const list = await client.list(types.pods, { namespace: 'default' });
    const abort = new AbortController();
    const watching = (async () => {
      for await (const event of client.watch<any>(types.pods, { namespace: 'default', resourceVersion: list.resourceVersion, signal: abort.signal })) {
        const name = event.object?.metadata?.name;
        if (event.object?.spec?.nodeName && !bound.has(name)) bound.set(name, performance.now());
      }
    })();
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < pods) {
        const name = `pod-${next++}`;
        created.set(name, performance.now());
        await client.create(types.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] } } as any);
      }
    }));
    await waitFor(() => bound.size >= pods, 300_000, `${pods} pods bound`);
    const seconds = (performance.now() - started) / 1000;
    abort.abort();
    await watching;
    const latencies = [...bound].map(([name, at]) => at - created.get(name)!).sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(0);
    console.log(`${`schedule ${pods} pods on ${nodes} nodes`.padEnd(40)} ${Math.round(pods / seconds)} pods/s   create->bound p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  (end to end, over HTTPS)`);
  });
}

async function benchScale(nodes: number, replicas: number): Promise<void> {
  await withCluster(nodes, async (server, client) => {
    await server.ok(['create', 'deployment', 'scale', '--image=pause', '--replicas=0']);
    const started = performance.now();
    const scaled = await run('/usr/bin/kubectl', ['scale', 'deployment/scale', `--replicas=${replicas}`], { env: { KUBECONFIG: server.kubeconfig } });
    if (scaled.code !== 0) throw new Error(scaled.stderr);
    await waitFor(async () => (await client.list(types.pods, { namespace: 'default', fieldSelector: 'status.phase=Running' })).items.length >= replicas, 300_000, `${replicas} running pods`);
    console.log(`${`kubectl scale 0 -> ${replicas} on ${nodes} nodes`.padEnd(40)} ${((performance.now() - started) / 1000).toFixed(2)} s until all Running`);
  });
}
