// What the node and its pods use, in the shape of upstream's Summary API (stats/v1alpha1, the
// kubelet's /stats/summary; cpu and memory only), which /metrics/resource is also made from.
// Containers' figures come from the runtime (cumulative cpu time and the memory working set);
// the node's from /proc/stat and /proc/meminfo. A rate (usageNanoCores) needs two samples, so
// the previous one is kept per container and for the node; a rate is worked out again only
// once a sample is at least minWindowMs newer than the one it is measured from, so callers
// asking close together do not get the noise of a tiny window.

import { readFile } from 'node:fs/promises';
import type { ContainerRuntime, ContainerStatus } from '../../runtime/runtime.ts';

export interface CPUStats {
  time: string;
  /** Cores used over the last window, in billionths of a core. */
  usageNanoCores?: number;
  /** Cumulative cpu time, in core-nanoseconds. */
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
}

export interface ContainerUsage {
  name: string;
  startTime: string;
  cpu?: CPUStats;
  memory?: MemoryStats;
}

export interface PodUsage {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerUsage[];
  cpu?: CPUStats;
  memory?: MemoryStats;
}

export interface Summary {
  node: { nodeName: string; startTime?: string; cpu?: CPUStats; memory?: MemoryStats };
  pods: PodUsage[];
}

export interface ResourceUsageOptions {
  nodeName: string;
  /** Read on every collection (it may be a getter that fills in once the runtime has started). */
  runtime: ContainerRuntime;
  /** The shortest window a rate is measured over. Default 1 s. */
  minWindowMs?: number;
  /** Where the node's figures are read from (tests). Default: the host's /proc. */
  readProc?: (file: 'stat' | 'meminfo') => Promise<string>;
}

export interface ResourceUsage {
  summary(): Promise<Summary>;
}

/** A cumulative cpu reading, and the rate measured up to it. */
interface CpuSample {
  nanos: number;
  atMs: number;
  nanoCores?: number;
}

/** Linux reports /proc/stat in USER_HZ, 100 ticks a second on every architecture it runs on. */
const nanosPerTick = 1e9 / 100;

export function createResourceUsage(options: ResourceUsageOptions): ResourceUsage {
  const minWindowMs = options.minWindowMs ?? 1000;
  const readProc = options.readProc ?? ((file) => readFile(`/proc/${file}`, 'utf8'));
  const containerSamples = new Map<string, CpuSample>();
  let nodeSample: CpuSample | undefined;

  /** The rate since the kept sample, keeping this one when the window is long enough. */
  const rate = (previous: CpuSample | undefined, current: CpuSample): CpuSample => {
    if (!previous || current.nanos < previous.nanos) return current; // the first, or a counter that started over
    const windowMs = current.atMs - previous.atMs;
    if (windowMs <= 0 || windowMs < minWindowMs) return previous;
    return { ...current, nanoCores: Math.round(((current.nanos - previous.nanos) / windowMs) * 1e3) };
  };

  const nodeUsage = async (): Promise<Summary['node']> => {
    const [stat, meminfo] = await Promise.all([readProc('stat'), readProc('meminfo')]);
    const now = new Date();
    const time = now.toISOString();
    const cpu = parseProcStat(stat);
    const memory = parseMeminfo(meminfo);
    const node: Summary['node'] = { nodeName: options.nodeName };
    if (cpu.bootTimeSeconds !== undefined) node.startTime = new Date(cpu.bootTimeSeconds * 1000).toISOString();
    if (cpu.busyNanos !== undefined) {
      nodeSample = rate(nodeSample, { nanos: cpu.busyNanos, atMs: now.getTime() });
      node.cpu = { time, ...nanoCores(nodeSample), usageCoreNanoSeconds: cpu.busyNanos };
    }
    if (memory) node.memory = { time, ...memory };
    return node;
  };

  const containerUsage = async (runtime: ContainerRuntime, c: ContainerStatus, seen: Set<string>): Promise<ContainerUsage> => {
    const usage: ContainerUsage = { name: c.name, startTime: c.startedAt ?? c.createdAt };
    const stats = await runtime.stats(c.id);
    if (!stats) return usage;
    seen.add(c.id);
    const sample = rate(containerSamples.get(c.id), { nanos: stats.cpuUsageNanos, atMs: Date.parse(stats.timestamp) });
    containerSamples.set(c.id, sample);
    usage.cpu = { time: stats.timestamp, ...nanoCores(sample), usageCoreNanoSeconds: stats.cpuUsageNanos };
    usage.memory = { time: stats.timestamp, workingSetBytes: stats.memoryWorkingSetBytes };
    return usage;
  };

  return {
    async summary() {
      const runtime = options.runtime;
      const seen = new Set<string>();
      const pods: PodUsage[] = [];
      const [node, sandboxes] = await Promise.all([nodeUsage(), runtime.listPodSandboxes()]);
      for (const sandbox of sandboxes) {
        if (sandbox.state !== 'ready') continue;
        const running = (await runtime.listContainers(sandbox.id)).filter((c) => c.state === 'running');
        const containers = await Promise.all(running.map((c) => containerUsage(runtime, c, seen)));
        pods.push({
          podRef: { name: sandbox.name, namespace: sandbox.namespace, uid: sandbox.uid },
          startTime: sandbox.createdAt,
          containers,
          ...podTotals(containers),
        });
      }
      // Containers that stopped take their samples with them.
      for (const id of containerSamples.keys()) if (!seen.has(id)) containerSamples.delete(id);
      return { node, pods };
    },
  };
}

function nanoCores(sample: CpuSample): { usageNanoCores?: number } {
  return sample.nanoCores === undefined ? {} : { usageNanoCores: sample.nanoCores };
}

/** A pod's figures: its containers' together (a rate only when every one of them has one). */
function podTotals(containers: ContainerUsage[]): Pick<PodUsage, 'cpu' | 'memory'> {
  const measured = containers.filter((c) => c.cpu && c.memory);
  if (measured.length === 0) return {};
  const time = measured.map((c) => c.cpu!.time).sort().at(-1)!;
  const sum = (value: (c: ContainerUsage) => number | undefined) => measured.reduce((total, c) => total + (value(c) ?? 0), 0);
  const allRated = measured.every((c) => c.cpu!.usageNanoCores !== undefined);
  return {
    cpu: { time, ...(allRated ? { usageNanoCores: sum((c) => c.cpu!.usageNanoCores) } : {}), usageCoreNanoSeconds: sum((c) => c.cpu!.usageCoreNanoSeconds) },
    memory: { time, workingSetBytes: sum((c) => c.memory!.workingSetBytes) },
  };
}

/**
 * From /proc/stat: cpu time spent busy (user, nice, system, irq and softirq; guest time is
 * within user; idle, iowait and time stolen by a hypervisor are not this machine's work), and
 * the boot time.
 */
export function parseProcStat(text: string): { busyNanos?: number; bootTimeSeconds?: number } {
  const result: { busyNanos?: number; bootTimeSeconds?: number } = {};
  for (const line of text.split('\n')) {
    const [key, ...fields] = line.trim().split(/\s+/);
    if (key === 'cpu') {
      const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields.map(Number);
      result.busyNanos = (user + nice + system + irq + softirq) * nanosPerTick;
    } else if (key === 'btime') {
      result.bootTimeSeconds = Number(fields[0]);
    }
  }
  return result;
}

/**
 * From /proc/meminfo, as the kubelet reports the node's root cgroup: usage is all memory in use
 * (page cache included), the working set that less the inactive file cache (which the kernel
 * drops first), available what the working set leaves of the total.
 */
export function parseMeminfo(text: string): Omit<MemoryStats, 'time'> | undefined {
  const kib = (key: string) => {
    const match = new RegExp(`^${key.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const total = kib('MemTotal');
  const free = kib('MemFree');
  if (total === undefined || free === undefined) return undefined;
  const usageBytes = total - free;
  const workingSetBytes = Math.max(0, usageBytes - (kib('Inactive(file)') ?? 0));
  return { availableBytes: total - workingSetBytes, usageBytes, workingSetBytes };
}
