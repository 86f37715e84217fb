// A real node: the Node registered and kept alive (nodeHeartbeat.ts), and the kubelet running
// the pods bound to it on the process runtime. State lives under the data dir: runtime/ (the
// runtime's sandbox and container records) and kubelet/ (pod volumes and logs).

import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { Client } from '../../client/client.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { createProcessRuntime } from '../../runtime/process/processRuntime.ts';
import { startKubelet } from '../kubelet/kubelet.ts';
import { readHostFacts } from './hostFacts.ts';
import { startNodeHeartbeat } from './nodeHeartbeat.ts';

export interface RealNodeOptions {
  client: Client;
  informers: InformerFactory;
  nodeName: string;
  dataDir: string;
  labels: Record<string, string>;
  taints: Taint[];
  leaseDurationSeconds?: number;
  signal: AbortSignal;
}

export interface RealNode {
  nodeName: string;
  podCIDR: string;
  mode: 'root' | 'rootless';
  /** Stops the kubelet and the heartbeats; containers keep running, to be adopted by the next agent. */
  stop(): Promise<void>;
}

/**
 * The node's pod range, 10.42.<n>.0/24 with n from a hash of its name: a stopgap until the
 * server allocates a /24 per node (two node names can collide).
 */
export function podCIDRFor(nodeName: string): string {
  return `10.42.${createHash('sha256').update(nodeName).digest()[0]}.0/24`;
}

/** Registers the node (resolves once it is) and starts the kubelet. */
export async function startRealNode(options: RealNodeOptions): Promise<RealNode> {
  const { client, informers, nodeName, dataDir, signal } = options;
  const podCIDR = podCIDRFor(nodeName);
  const kubeletDir = join(dataDir, 'kubelet');
  await mkdir(kubeletDir, { recursive: true });
  const runtime = createProcessRuntime({ rootDir: join(dataDir, 'runtime'), mode: 'auto', podCIDR });
  try {
    const heartbeat = await startNodeHeartbeat({
      client, nodeName, podCIDR, signal,
      labels: options.labels,
      taints: options.taints,
      leaseDurationSeconds: options.leaseDurationSeconds,
      facts: () => readHostFacts(dataDir, runtime.version),
    });
    const hostIP = heartbeat.node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const kubelet = await startKubelet({ client, informers, runtime, nodeName, rootDir: kubeletDir, signal, hostIP });
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        await Promise.all([kubelet.stop(), heartbeat.stop()]);
        runtime.close();
      })());
    return { nodeName, podCIDR, mode: runtime.mode, stop };
  } catch (err) {
    runtime.close();
    throw err;
  }
}
