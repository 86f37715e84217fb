// What a real node reports about the machine it runs on: capacity (cpus, memory, disk under
// the data dir), addresses, nodeInfo and whether it is under memory, disk or PID pressure
// (the kubelet's hard eviction thresholds crossed), read from the host each time they are
// asked for.

import { createHash } from 'node:crypto';
import { readFile, statfs } from 'node:fs/promises';
import * as os from 'node:os';
import type { NodeAddress, NodeSystemInfo } from 'kubernetes-types/core/v1.js';
import { kubeletVersion, type NodePressure } from '../simulate/nodeObject.ts';

export interface HostFacts {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  addresses: NodeAddress[];
  nodeInfo: NodeSystemInfo;
  pressure: NodePressure;
}

/** The kubelet's default hard eviction thresholds, kept out of allocatable as upstream does. */
const evictionMemoryBytes = 100 * 1024 * 1024;
const evictionDiskFraction = 0.1;
const evictionInodesFraction = 0.05;
/**
 * Upstream sets no PID threshold by default; the process runtime's containers share the
 * host's PID space, so skiff reports PIDPressure below 10% of PIDs available.
 */
const evictionPidFraction = 0.1;

/** What pressure is judged from. */
export interface HostUsage {
  memAvailableBytes: number;
  disk: { availableBytes: number; totalBytes: number; inodesFree: number; inodesTotal: number };
  pids: { used: number; max: number };
}

/** Interfaces skiff itself creates (node bridges, pods' veths, test bridges): never the node's address. */
const ownInterface = /^(skiff|skf|skt|veth)/;

/** Reads the host's facts; `dataDir` is where ephemeral storage lives (its filesystem is measured). */
export async function readHostFacts(dataDir: string, runtimeVersion: string): Promise<HostFacts> {
  const [meminfo, fsStats, osImage, machineId, bootId, loadavg, pidMax, threadsMax] = await Promise.all([
    readFile('/proc/meminfo', 'utf8').catch(() => ''),
    statfs(dataDir),
    readFile('/etc/os-release', 'utf8').then(prettyName, () => undefined),
    readFile('/etc/machine-id', 'utf8').then((s) => s.trim(), () => undefined),
    readFile('/proc/sys/kernel/random/boot_id', 'utf8').then((s) => s.trim(), () => undefined),
    readFile('/proc/loadavg', 'utf8').catch(() => ''),
    readFile('/proc/sys/kernel/pid_max', 'utf8').then(Number, () => 0),
    readFile('/proc/sys/kernel/threads-max', 'utf8').then(Number, () => 0),
  ]);
  const memoryBytes = memTotalBytes(meminfo) ?? os.totalmem();
  const diskBytes = fsStats.blocks * fsStats.bsize;
  const id = machineId || createHash('sha256').update(os.hostname()).digest('hex').slice(0, 32);
  const usage: HostUsage = {
    memAvailableBytes: meminfoBytes(meminfo, 'MemAvailable') ?? os.freemem(),
    disk: { availableBytes: fsStats.bavail * fsStats.bsize, totalBytes: diskBytes, inodesFree: fsStats.ffree, inodesTotal: fsStats.files },
    // Tasks (threads) in use, the fourth field's denominator; the limit is the lower of the two.
    pids: { used: Number(loadavg.split(' ')[3]?.split('/')[1] ?? 0), max: Math.min(...[pidMax, threadsMax].filter((n) => n > 0)) },
  };
  const capacity = {
    cpu: String(os.availableParallelism()),
    memory: kibibytes(memoryBytes),
    pods: '110',
    'ephemeral-storage': kibibytes(diskBytes),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  };
  return {
    capacity,
    allocatable: {
      ...capacity,
      memory: kibibytes(Math.max(0, memoryBytes - evictionMemoryBytes)),
      'ephemeral-storage': String(Math.floor(diskBytes * (1 - evictionDiskFraction))),
    },
    addresses: [
      { type: 'InternalIP', address: internalIP(os.networkInterfaces()) },
      { type: 'Hostname', address: os.hostname() },
    ],
    nodeInfo: {
      machineID: id,
      systemUUID: uuidOf(id),
      bootID: bootId ?? '',
      kernelVersion: os.release(),
      osImage: osImage ?? os.type(),
      containerRuntimeVersion: `process://${runtimeVersion}`,
      kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: process.platform,
      architecture: goArch(process.arch),
    },
    pressure: pressureOf(usage),
  };
}

/** Pressure as the kubelet's eviction manager sees it with its hard thresholds (a filesystem without inode counts has no inode pressure). */
export function pressureOf(usage: HostUsage): NodePressure {
  const { disk, pids } = usage;
  return {
    memory: usage.memAvailableBytes < evictionMemoryBytes,
    disk: disk.availableBytes < disk.totalBytes * evictionDiskFraction || (disk.inodesTotal > 0 && disk.inodesFree < disk.inodesTotal * evictionInodesFraction),
    pid: Number.isFinite(pids.max) && pids.max - pids.used < pids.max * evictionPidFraction,
  };
}

/** MemTotal from /proc/meminfo, in bytes. */
export function memTotalBytes(meminfo: string): number | undefined {
  return meminfoBytes(meminfo, 'MemTotal');
}

function meminfoBytes(meminfo: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(meminfo);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The first non-loopback IPv4 address not on one of skiff's own interfaces, else 127.0.0.1. */
export function internalIP(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string {
  for (const [name, addresses] of Object.entries(interfaces)) {
    if (ownInterface.test(name)) continue;
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

/** Node's architecture names as Go's GOARCH spells them (what Kubernetes reports). */
export function goArch(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', ppc64: 'ppc64le' } as Record<string, string>)[arch] ?? arch;
}

function prettyName(osRelease: string): string | undefined {
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
}

function kibibytes(bytes: number): string {
  return `${Math.floor(bytes / 1024)}Ki`;
}

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
