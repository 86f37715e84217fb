// As root, a pod's shared namespaces are held by a tiny process, like upstream's pause
// container: it sits in the pod's network namespace and is PID 1 of a new PID namespace with
// its own UTS (the pod's hostname) and IPC namespaces. Containers join its network, UTS and
// IPC namespaces (and its PID namespace with shareProcessNamespace); PID 1 is a shell whose
// `wait` reaps the orphans it inherits. When it dies the kernel kills everything in its PID
// namespace. A host-network pod keeps the host's network and UTS namespaces (and hostname).

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { quote } from './launch.ts';
import { identify, isRunning, waitGone, type ProcessIdentity } from './procStat.ts';

export interface PodHolder {
  /** The spawned unshare process (its own process group). */
  process: ProcessIdentity;
  /** PID 1 of the pod's PID namespace, in the host's numbering: the target for nsenter. */
  initPid: number;
}

const INIT = 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done';

export type HolderNamespaces = { hostNetwork: true } | { hostNetwork?: false; hostname: string; netnsPath: string };

/** Starts the holder in the pod's cgroup (cgroupProcsFiles) and namespaces. */
export async function startPodHolder(namespaces: HolderNamespaces, cgroupProcsFiles: string[]): Promise<PodHolder> {
  const own = namespaces.hostNetwork ? undefined : namespaces;
  const init = own ? `hostname ${quote(own.hostname)} && ${INIT}` : INIT;
  const unshare = ['unshare', ...(own ? ['--uts'] : []), '--ipc', '--pid', '--fork', '--kill-child', '--mount-proc', '--', '/bin/sh', '-c', init];
  const argv = own ? ['nsenter', `--net=${own.netnsPath}`, '--', ...unshare] : unshare;
  const joinCgroup = cgroupProcsFiles.map((f) => `echo $$ > ${quote(f)} && `).join('');
  const child = spawn('/bin/sh', ['-c', `${joinCgroup}exec ${argv.map(quote).join(' ')}`], { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
  const holder = child.pid !== undefined ? identify(child.pid) : undefined;
  if (!holder) throw new Error('the pod holder could not be started');
  // unshare forks PID 1 right away; wait for it to be there.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && isRunning(holder)) {
    const initPid = Number(readOr(`/proc/${holder.pid}/task/${holder.pid}/children`).trim().split(' ')[0]);
    // Its first `sleep` child shows the hostname (if its own) has been set and the loop is running.
    const initChildren = initPid ? readOr(`/proc/${initPid}/task/${initPid}/children`).trim().split(' ').filter(Boolean) : [];
    if (initChildren.some((pid) => readOr(`/proc/${pid}/comm`).trim() === 'sleep')) {
      return { process: holder, initPid };
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await stopPodHolder({ process: holder, initPid: 0 });
  throw new Error('the pod holder did not come up');
}

/** Kills the holder and waits for it; its PID namespace (and every process in it) goes with it. */
export async function stopPodHolder(holder: PodHolder): Promise<void> {
  if (!isRunning(holder.process)) return;
  try {
    process.kill(-holder.process.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  await waitGone(holder.process, Date.now() + 10_000);
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
