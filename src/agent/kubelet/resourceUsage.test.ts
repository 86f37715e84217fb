// The Summary: containers' figures from the runtime, rates from two samples, pods' totals, the
// node's from /proc.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../../test/e2e/harness.ts';
import type { ContainerStats } from '../../runtime/runtime.ts';
import { createResourceUsage, parseMeminfo, parseProcStat } from './resourceUsage.ts';
import { FakeRuntime } from './testing/fakeRuntime.ts';

const procStat = 'cpu  1000 50 300 90000 20 5 15 7 40 0\ncpu0 500 25 150 45000 10 2 8 3 20 0\nintr 1 2 3\nbtime 1700000000\nprocesses 42\n';
const meminfo = 'MemTotal:        8000000 kB\nMemFree:         2000000 kB\nMemAvailable:    5000000 kB\nActive(file):     500000 kB\nInactive(file):  1000000 kB\n';

test('/proc/stat: busy time in nanoseconds (user, nice, system, irq, softirq) and the boot time', () => {
  assert.deepEqual(parseProcStat(procStat), { busyNanos: (1000 + 50 + 300 + 5 + 15) * 1e7, bootTimeSeconds: 1700000000 });
});

test('/proc/meminfo: usage, working set (less inactive file cache) and available', () => {
  assert.deepEqual(parseMeminfo(meminfo), {
    usageBytes: 6000000 * 1024,
    workingSetBytes: 5000000 * 1024,
    availableBytes: 3000000 * 1024,
  });
  assert.equal(parseMeminfo('nonsense'), undefined);
});

/** A runtime with pod ns/web: two running containers and one that exited. */
async function runtimeWithPod(): Promise<{ runtime: FakeRuntime; usage: Map<string, ContainerStats> }> {
  const runtime = new FakeRuntime();
  const sandboxId = await runtime.runPodSandbox({ uid: 'uid-web', name: 'web', namespace: 'ns', hostname: 'web', hostNetwork: false, shareProcessNamespace: false });
  for (const name of ['app', 'side', 'done']) {
    const id = await runtime.createContainer(sandboxId, { name, argv: ['x'], env: [], mounts: [], tty: false, stdin: false, stdinOnce: false, logPath: `/dev/null`, attempt: 0 });
    await runtime.startContainer(id);
  }
  runtime.exit('done', 0);
  const usage = new Map<string, ContainerStats>();
  runtime.statsHandler = (c) => usage.get(c.config.name);
  return { runtime, usage };
}

test('containers report cumulative cpu and working set; a rate once a second sample is a window later', async () => {
  const { runtime, usage } = await runtimeWithPod();
  const collector = createResourceUsage({ nodeName: 'n1', runtime, readProc: async (file) => (file === 'stat' ? procStat : meminfo) });
  usage.set('app', { cpuUsageNanos: 2e9, memoryWorkingSetBytes: 10_000_000, timestamp: '2025-01-01T00:00:00.000Z' });
  usage.set('side', { cpuUsageNanos: 1e9, memoryWorkingSetBytes: 5_000_000, timestamp: '2025-01-01T00:00:00.000Z' });
  let summary = await collector.summary();
  assert.equal(summary.pods.length, 1);
  const pod = summary.pods[0]!;
  assert.deepEqual(pod.podRef, { name: 'web', namespace: 'ns', uid: 'uid-web' });
  assert.deepEqual(pod.containers.map((c) => c.name), ['app', 'side'], 'only running containers');
  assert.deepEqual(pod.containers[0]!.cpu, { time: '2025-01-01T00:00:00.000Z', usageCoreNanoSeconds: 2e9 });
  assert.deepEqual(pod.containers[0]!.memory, { time: '2025-01-01T00:00:00.000Z', workingSetBytes: 10_000_000 });
  assert.deepEqual(pod.cpu, { time: '2025-01-01T00:00:00.000Z', usageCoreNanoSeconds: 3e9 });
  assert.deepEqual(pod.memory, { time: '2025-01-01T00:00:00.000Z', workingSetBytes: 15_000_000 });

  // Two seconds on: app used a whole core, side a quarter of one.
  usage.set('app', { cpuUsageNanos: 4e9, memoryWorkingSetBytes: 12_000_000, timestamp: '2025-01-01T00:00:02.000Z' });
  usage.set('side', { cpuUsageNanos: 1.5e9, memoryWorkingSetBytes: 5_000_000, timestamp: '2025-01-01T00:00:02.000Z' });
  summary = await collector.summary();
  assert.equal(summary.pods[0]!.containers[0]!.cpu!.usageNanoCores, 1e9);
  assert.equal(summary.pods[0]!.containers[1]!.cpu!.usageNanoCores, 2.5e8);
  assert.equal(summary.pods[0]!.cpu!.usageNanoCores, 1.25e9);

  // A sample a moment later keeps the rate measured over the last full window.
  usage.set('app', { cpuUsageNanos: 4.5e9, memoryWorkingSetBytes: 12_000_000, timestamp: '2025-01-01T00:00:02.100Z' });
  summary = await collector.summary();
  assert.equal(summary.pods[0]!.containers[0]!.cpu!.usageNanoCores, 1e9);
  assert.equal(summary.pods[0]!.containers[0]!.cpu!.usageCoreNanoSeconds, 4.5e9);
});

test('the node: cumulative cpu and memory from /proc, a rate from the previous reading', async () => {
  const { runtime } = await runtimeWithPod();
  let busyTicks = 1000;
  const collector = createResourceUsage({
    nodeName: 'n1', runtime, minWindowMs: 1,
    readProc: async (file) => (file === 'stat' ? `cpu  ${(busyTicks += 10)} 0 0 9000 0 0 0 0 0 0\nbtime 1700000000\n` : meminfo),
  });
  const first = await collector.summary();
  assert.equal(first.node.nodeName, 'n1');
  assert.equal(first.node.startTime, '2023-11-14T22:13:20.000Z');
  assert.equal(first.node.cpu!.usageCoreNanoSeconds, 1010 * 1e7);
  assert.equal(first.node.cpu!.usageNanoCores, undefined);
  assert.equal(first.node.memory!.workingSetBytes, 5000000 * 1024);
  const later = await waitFor(async () => (await collector.summary()).node.cpu!.usageNanoCores, 5000, 'a node cpu rate');
  assert.ok(later > 0);
});

test('on this host: the node\'s figures are read from /proc', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
  const { node } = await createResourceUsage({ nodeName: 'n1', runtime: new FakeRuntime() }).summary();
  assert.ok(node.cpu!.usageCoreNanoSeconds! > 0);
  assert.ok(node.memory!.workingSetBytes! > 0 && node.memory!.availableBytes! > 0);
  assert.ok(Date.parse(node.startTime!) < Date.now());
});
