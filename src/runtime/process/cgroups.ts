// Pod and container cgroups (root only), v1 (one hierarchy per controller) or v2 (unified,
// when /sys/fs/cgroup/cgroup.controllers exists). A cgroup is named by its path relative to
// the hierarchy root, e.g. `skiff/<pod>/<container>`; everything here is derived from it, so
// nothing needs remembering across restarts.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResourceLimits } from '../runtime.ts';

const ROOT = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids'];
const CFS_PERIOD_US = 100_000;

export function isCgroupV2(): boolean {
  return fs.existsSync(`${ROOT}/cgroup.controllers`);
}

function dirs(rel: string): string[] {
  return isCgroupV2() ? [path.join(ROOT, rel)] : V1_CONTROLLERS.map((c) => path.join(ROOT, c, rel));
}

/** Creates the cgroup (and its parents) and applies the limits. */
export function createCgroup(rel: string, limits: ResourceLimits = {}): void {
  if (isCgroupV2()) {
    // Controllers must be enabled in every ancestor's subtree_control to be usable below it.
    let dir = ROOT;
    for (const part of rel.split('/')) {
      fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '+cpu +memory +pids');
      dir = path.join(dir, part);
      fs.mkdirSync(dir, { recursive: true });
    }
  } else {
    for (const dir of dirs(rel)) fs.mkdirSync(dir, { recursive: true });
  }
  // The kubelet's MilliCPUToShares: a request of 0 (none) is the minimum of 2 shares.
  const shares = limits.cpuRequestMillis !== undefined ? Math.max(2, Math.floor((limits.cpuRequestMillis * 1024) / 1000)) : undefined;
  const quota = limits.cpuLimitMillis ? Math.max(1000, Math.floor((limits.cpuLimitMillis * CFS_PERIOD_US) / 1000)) : undefined;
  if (isCgroupV2()) {
    const dir = path.join(ROOT, rel);
    if (quota) fs.writeFileSync(`${dir}/cpu.max`, `${quota} ${CFS_PERIOD_US}`);
    // The kubelet's shares-to-weight mapping: 2..262144 onto 1..10000.
    if (shares) fs.writeFileSync(`${dir}/cpu.weight`, String(1 + Math.floor(((shares - 2) * 9999) / 262142)));
    if (limits.memoryLimitBytes) fs.writeFileSync(`${dir}/memory.max`, String(limits.memoryLimitBytes));
  } else {
    const cpu = path.join(ROOT, 'cpu', rel);
    if (quota) {
      fs.writeFileSync(`${cpu}/cpu.cfs_period_us`, String(CFS_PERIOD_US));
      fs.writeFileSync(`${cpu}/cpu.cfs_quota_us`, String(quota));
    }
    if (shares) fs.writeFileSync(`${cpu}/cpu.shares`, String(shares));
    if (limits.memoryLimitBytes) fs.writeFileSync(path.join(ROOT, 'memory', rel, 'memory.limit_in_bytes'), String(limits.memoryLimitBytes));
  }
}

/** The files a process writes its pid to, to join the cgroup (in every hierarchy). */
export function cgroupProcsFiles(rel: string): string[] {
  return dirs(rel).map((dir) => path.join(dir, 'cgroup.procs'));
}

export function cgroupPids(rel: string): number[] {
  const pids = new Set<number>();
  for (const file of cgroupProcsFiles(rel)) {
    for (const line of readOr(file, '').split('\n')) if (line) pids.add(Number(line));
  }
  return [...pids];
}

/** How many times the kernel's OOM killer has killed in this cgroup. */
export function oomKills(rel: string): number {
  const text = isCgroupV2() ? readOr(path.join(ROOT, rel, 'memory.events'), '') : readOr(path.join(ROOT, 'memory', rel, 'memory.oom_control'), '');
  return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
}

export function cgroupUsage(rel: string): { cpuUsageNanos: number; memoryWorkingSetBytes: number } | undefined {
  const v2 = isCgroupV2();
  const memDir = v2 ? path.join(ROOT, rel) : path.join(ROOT, 'memory', rel);
  if (!fs.existsSync(memDir)) return undefined;
  const memStat = readOr(path.join(memDir, 'memory.stat'), '');
  // Working set as the kubelet computes it: usage minus inactive file pages.
  const inactive = Number(new RegExp(`^${v2 ? '' : 'total_'}inactive_file (\\d+)$`, 'm').exec(memStat)?.[1] ?? 0);
  const usage = Number(readOr(path.join(memDir, v2 ? 'memory.current' : 'memory.usage_in_bytes'), '0'));
  const cpuUsageNanos = v2
    ? Number(/^usage_usec (\d+)$/m.exec(readOr(path.join(ROOT, rel, 'cpu.stat'), ''))?.[1] ?? 0) * 1000
    : Number(readOr(path.join(ROOT, 'cpuacct', rel, 'cpuacct.usage'), '0'));
  return { cpuUsageNanos, memoryWorkingSetBytes: Math.max(0, usage - inactive) };
}

/** Removes the cgroup and its children (their processes must have gone). */
export function removeCgroup(rel: string): void {
  for (const dir of dirs(rel)) removeTree(dir);
}

function removeTree(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) removeTree(path.join(dir, entry.name));
  fs.rmdirSync(dir);
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}
