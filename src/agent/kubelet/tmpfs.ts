// Memory-backed emptyDir volumes: a tmpfs mounted over the volume's directory (root only),
// sized as upstream's kubelet sizes it: the node's allocatable memory, or the pod's memory
// limit when it has one below that, or the volume's sizeLimit when below either. And the
// teardown of a pod's directory: its mounts unmounted (deepest first) before it is removed.

import { execFile } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { EmptyDirVolumeSource, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/groups/core/quantity.ts';
import { podResources } from './containerResources.ts';

const run = promisify(execFile);

export function memoryVolumeSize(pod: Pod, emptyDir: EmptyDirVolumeSource, allocatable: Record<string, string>): number {
  let size = Math.floor(parseQuantity(allocatable.memory) ?? 0);
  const podLimit = podResources(pod).memoryLimitBytes ?? 0;
  if (podLimit > 0 && (size === 0 || podLimit <= size)) size = podLimit;
  const sizeLimit = Math.floor(parseQuantity(emptyDir.sizeLimit) ?? 0);
  if (sizeLimit > 0 && (size === 0 || sizeLimit <= size)) size = sizeLimit;
  return size;
}

/** Mounts a tmpfs at dir unless something is mounted there already; size 0 leaves tmpfs's default. */
export async function ensureTmpfs(dir: string, sizeBytes: number): Promise<void> {
  if (await isMountPoint(dir)) return;
  const options = [...(sizeBytes > 0 ? [`size=${sizeBytes}`] : []), 'mode=0777'].join(',');
  await run('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
}

/** Unmounts whatever is mounted under dir, then removes it; leaves it when a mount will not go. */
export async function removePodDir(dir: string): Promise<void> {
  for (const mountPoint of (await mountsUnder(dir)).sort((a, b) => b.length - a.length)) {
    await run('umount', [mountPoint]).catch((err: unknown) => console.error(`skiff: kubelet: unmounting ${mountPoint} failed:`, (err as Error).message));
  }
  if ((await mountsUnder(dir)).length > 0) return;
  await rm(dir, { recursive: true, force: true });
}

async function isMountPoint(dir: string): Promise<boolean> {
  const [own, parent] = await Promise.all([stat(dir), stat(dirname(dir))]);
  return own.dev !== parent.dev;
}

/** Mount points at or below dir, from /proc/self/mountinfo (its field 5, octal-escaped). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return info.split('\n').flatMap((line) => {
    const field = line.split(' ')[4];
    if (!field) return [];
    const mountPoint = field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    return mountPoint === dir || mountPoint.startsWith(`${dir}/`) ? [mountPoint] : [];
  });
}
