// What the real-node tests share: HTTP to a pod, `kubectl port-forward` in the background,
// and the leak check run after a server with its agent is stopped.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { run, SkiffServer, waitFor } from './harness.ts';
import { isReady, podsOf } from './agents.ts';

/** GET http://ip:port/path; the body, or undefined when nothing answers (yet). */
export async function httpGet(host: string, port: number, path = '/'): Promise<string | undefined> {
  try {
    const res = await fetch(`http://${host}:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until `count` pods matching the selector are Ready (and no others are live). */
export async function waitForReadyPods(server: SkiffServer, selector: string, count: number, timeoutMs = 60_000): Promise<Pod[]> {
  return waitFor(async () => {
    const pods = (await podsOf(server, selector)).filter((p) => !p.metadata?.deletionTimestamp);
    return pods.length === count && pods.every(isReady) ? pods : undefined;
  }, timeoutMs, `${count} Ready pods with ${selector}`);
}

/** `kubectl port-forward TARGET 0:PORT`; resolves with the local port once it forwards. */
export async function portForward(server: SkiffServer, target: string, port: number): Promise<{ localPort: number; stop(): void }> {
  const { child, output } = server.spawnKubectl(['port-forward', target, `0:${port}`]);
  const localPort = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`kubectl port-forward exited with ${child.exitCode}: ${output()}`);
    return Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(output())?.[1] ?? 0);
  }, 20_000, 'kubectl port-forward to listen');
  return { localPort, stop: () => child.kill() };
}

/**
 * Nothing of a stopped server's agent is left: no pod network namespace, no veth, no bridge
 * holding its pod range's gateway, no pod cgroup, no process started from its data dir.
 */
export async function assertNothingLeft(dataDir: string, podUids: string[], sandboxIds: string[], podCIDR?: string): Promise<void> {
  const processes = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && Number(pid) !== process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
    } catch {
      return false; // gone meanwhile
    }
  });
  assert.deepEqual(processes, [], `no process of ${dataDir} is left`);
  const netns = (await run('ip', ['netns', 'list'])).stdout;
  for (const uid of podUids) assert.doesNotMatch(netns, new RegExp(`skiff-${uid.slice(0, 8)}`), `pod ${uid}'s network namespace is gone`);
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
  if (podCIDR) {
    const gateway = podCIDR.replace(/\.0\/\d+$/, '.1');
    assert.doesNotMatch((await run('ip', ['-o', 'addr', 'show'])).stdout, new RegExp(`inet ${gateway.replaceAll('.', '\\.')}/`), `the bridge of ${podCIDR} is gone`);
  }
  for (const uid of podUids) assert.doesNotMatch(links, new RegExp(`veth${uid.slice(0, 8)}`), `pod ${uid}'s veth is gone`);
  for (const hierarchy of existsSync('/sys/fs/cgroup/memory') ? ['memory', 'cpu', 'pids'] : ['']) {
    const parent = `/sys/fs/cgroup/${hierarchy}/skiff`.replace('//', '/');
    if (!existsSync(parent)) continue;
    const left = readdirSync(parent).filter((d) => sandboxIds.includes(d));
    assert.deepEqual(left, [], `no pod cgroup left under ${parent}`);
  }
}
