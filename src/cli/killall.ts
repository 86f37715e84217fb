// `skiff killall`: stops every pod a node of this data dir runs and removes what the runtime
// made for them (processes, network namespaces, veths, cgroups, the node's bridge), the node's
// service proxy table and routing, and the routes to other machines' pods. An agent that stops
// leaves its containers running for the next one to adopt (k3s does the same); this is how a
// machine is cleaned up for good (k3s-killall.sh).

import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createProcessRuntime } from '../runtime/process/processRuntime.ts';
import { cgroupProcsFiles } from '../runtime/process/cgroups.ts';
import { removeServiceProxy } from '../network/proxy/proxyCleanup.ts';
import { removeNodeRoutes } from '../agent/node/nodeRoutes.ts';

export const killallUsage = `Usage:
  skiff killall [--data-dir DIR]

  Stops every pod run by the node whose state is in DIR (a server's data dir, or an agent's
  --data-dir) and removes their processes, namespaces, interfaces and cgroups.
`;

export async function runKillall(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } }, strict: true });
  const dataDir = resolve(values['data-dir'] ?? process.env.SKIFF_DATA_DIR ?? join(homedir(), '.skiff'));
  // A server's own node keeps its state in DIR/agent; an agent's in its --data-dir.
  const runtimeDir = [join(dataDir, 'agent', 'runtime'), join(dataDir, 'runtime')].find((dir) => existsSync(dir));
  if (!runtimeDir) {
    console.log(`skiff killall: no node state in ${dataDir}: nothing to do`);
    return 0;
  }
  const runtime = createProcessRuntime({ rootDir: runtimeDir, mode: 'auto' });
  try {
    // The node's service proxy table and routing, and its routes to other machines' pods, first
    // (made as root, where the node has a pod network): nothing is steered to the pods any more
    // when they stop.
    if (runtime.network) await Promise.all([removeServiceProxy(runtime.network), removeNodeRoutes()]);
    const sandboxes = await runtime.listPodSandboxes();
    for (const sandbox of sandboxes) {
      await runtime.stopPodSandbox(sandbox.id);
      await runtime.removePodSandbox(sandbox.id);
    }
    await runtime.cleanUpNode();
    removeParentCgroupIfUnused();
    console.log(`skiff killall: removed ${sandboxes.length} pod${sandboxes.length === 1 ? '' : 's'} of ${runtimeDir}`);
    return 0;
  } finally {
    runtime.close();
  }
}

/** The runtime's parent cgroup, once no node on this machine has pods under it. */
function removeParentCgroupIfUnused(): void {
  for (const dir of cgroupProcsFiles('skiff').map(dirname)) {
    try {
      if (readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory())) continue;
      rmdirSync(dir);
    } catch {} // absent, or in use after all
  }
}
