// The scheduler benchmark, in the shape of kube-scheduler's SchedulingBasic (scheduler_perf):
// 5,000 nodes (4 cpu, 32Gi, 110 pods), 1,000 pods placed first, then 10,000 measured pods
// of 100m cpu and 500Mi. The scheduler runs in-process against an in-memory cluster (fake
// informers and client, see src/scheduler/fakeCluster.ts), so the figures are the
// scheduler's own: queue, filters, scores, assume and the binding call, not HTTP or storage.
// Reports throughput and per-pod latency from enqueue to bind, for a burst (all pods queued
// at once: latency is mostly waiting in the queue) and at a paced 1,500 pods/s (the target rate).

import { FakeCluster, testNode, testPod } from '../src/scheduler/fakeCluster.ts';
import { startScheduler } from '../src/scheduler/scheduler.ts';

const nodes = 5000;
const initPods = 1000;
const measuredPods = 10_000;
const pacedRate = 1500;

export async function benchScheduler(): Promise<void> {
  const cluster = new FakeCluster();
  const stop = new AbortController();
  const boundAt = new Map<string, number>();
  cluster.onBind = (pod) => boundAt.set(pod.metadata!.name!, performance.now());
  for (let i = 0; i < nodes; i++) cluster.addNode(testNode(`node-${i}`));
  await startScheduler({ client: cluster.client, informers: cluster.informers, recorder: cluster.recorder, signal: stop.signal });
  try {
    await burst(cluster, boundAt, 'init', initPods);
    const burstRun = await burst(cluster, boundAt, 'burst', measuredPods);
    report(`scheduler burst, ${nodes} nodes, ${measuredPods} pods`, burstRun);
    const pacedRun = await paced(cluster, boundAt, 'paced', measuredPods);
    report(`scheduler paced ${pacedRate}/s`, pacedRun);
    console.log('  (in-process scheduler on an in-memory cluster: fake informers and client, no HTTP)');
  } finally {
    stop.abort();
  }
}

interface Run {
  seconds: number;
  latenciesMs: number[];
}

const benchPod = (name: string) => testPod(name, { cpu: '100m', memory: '500Mi' });

async function burst(cluster: FakeCluster, boundAt: Map<string, number>, prefix: string, count: number): Promise<Run> {
  const enqueuedAt = new Map<string, number>();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-${i}`;
    enqueuedAt.set(name, performance.now());
    cluster.addPod(benchPod(name));
  }
  await allBound(boundAt, enqueuedAt);
  return summarize(started, boundAt, enqueuedAt);
}

/** Creates pods at a steady rate (open loop), so latency is the scheduler's and not the backlog's. */
async function paced(cluster: FakeCluster, boundAt: Map<string, number>, prefix: string, count: number): Promise<Run> {
  const enqueuedAt = new Map<string, number>();
  const started = performance.now();
  for (let i = 0; i < count; ) {
    const due = Math.floor(((performance.now() - started) * pacedRate) / 1000);
    for (; i < Math.min(due, count); i++) {
      const name = `${prefix}-${i}`;
      enqueuedAt.set(name, performance.now());
      cluster.addPod(benchPod(name));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await allBound(boundAt, enqueuedAt);
  return summarize(started, boundAt, enqueuedAt);
}

async function allBound(boundAt: Map<string, number>, pods: Map<string, number>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (![...pods.keys()].every((name) => boundAt.has(name))) {
    if (Date.now() > deadline) throw new Error('scheduler benchmark: pods were not all bound within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function summarize(started: number, boundAt: Map<string, number>, enqueuedAt: Map<string, number>): Run {
  let last = started;
  const latenciesMs: number[] = [];
  for (const [name, at] of enqueuedAt) {
    const bound = boundAt.get(name)!;
    last = Math.max(last, bound);
    latenciesMs.push(bound - at);
  }
  latenciesMs.sort((a, b) => a - b);
  return { seconds: (last - started) / 1000, latenciesMs };
}

function report(label: string, { seconds, latenciesMs }: Run): void {
  const pct = (p: number) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor((p / 100) * latenciesMs.length))].toFixed(1).padStart(7);
  console.log(`${label.padEnd(40)} ${String(Math.round(latenciesMs.length / seconds)).padStart(6)} pods/s   enqueue-to-bind p50 ${pct(50)} ms   p99 ${pct(99)} ms`);
}
