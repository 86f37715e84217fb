// A real node: the Node registered and kept alive (nodeHeartbeat.ts), the kubelet running the
// pods bound to it on the process runtime, and the kubelet's HTTP server reached by the
// apiserver through the tunnel the node opens (tunnelClient.ts). State lives under the data
// dir: runtime/ (the runtime's sandbox and container records) and kubelet/ (pod volumes and logs).

import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { duplexPair, type Duplex } from 'node:stream';
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { Client } from '../../client/client.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { createProcessRuntime, type ProcessRuntime } from '../../runtime/process/processRuntime.ts';
import { startKubelet, type Kubelet } from '../kubelet/kubelet.ts';
import { createKubeletServer } from '../streaming/kubeletServer.ts';
import { readHostFacts } from './hostFacts.ts';
import { startNodeHeartbeat } from './nodeHeartbeat.ts';
import { assignedPodCIDR } from './podCIDR.ts';
import { startTunnelClient } from './tunnelClient.ts';
import { startNodeRoutes } from './nodeRoutes.ts';
import { startClusterDns } from '../../network/dns/clusterDns.ts';
import { startServiceProxy } from '../../network/proxy/serviceProxy.ts';
import { gatewayOf } from '../../runtime/process/podNetwork.ts';
import { createResourceUsage } from '../kubelet/resourceUsage.ts';

export interface RealNodeOptions {
  client: Client;
  informers: InformerFactory;
  nodeName: string;
  dataDir: string;
  labels: Record<string, string>;
  taints: Taint[];
  leaseDurationSeconds?: number;
  signal: AbortSignal;
  /**
   * Where the node's tunnel goes, and its credential. Without it (an agent inside the server's
   * process) the apiserver reaches the kubelet through dialKubelet instead.
   */
  tunnel?: { server: string; token: string; ca?: string };
  /** The cluster DNS Service's address pods' resolv.conf names (default 10.43.0.10). */
  clusterDNS?: string;
  /** The Service range the node's proxy serves (default 10.43.0.0/16). */
  serviceCIDR?: string;
}

export interface RealNode {
  nodeName: string;
  /** As the server assigned it. */
  podCIDR: string;
  mode: 'root' | 'rootless';
  /** A new connection to the kubelet's HTTP server, for an apiserver in this process (TunnelServer.register). */
  dialKubelet(): Duplex;
  /** Stops the kubelet, the heartbeats and the tunnel; containers keep running, to be adopted by the next agent. */
  stop(): Promise<void>;
}

/** Registers the node (resolves once it is and has its podCIDR) and starts the kubelet. */
export async function startRealNode(options: RealNodeOptions): Promise<RealNode> {
  const { client, informers, nodeName, dataDir, signal } = options;
  const kubeletDir = join(dataDir, 'kubelet');
  await mkdir(kubeletDir, { recursive: true });
  let kubelet: Kubelet | undefined; // the server is reached only once the node is up; until then no pod is known
  const resourceUsage = createResourceUsage({
    nodeName,
    get runtime() {
      return runtime!;
    },
  });
  const kubeletServer = createKubeletServer({
    get runtime() {
      return runtime!;
    },
    stats: () => resourceUsage.summary(),
    findContainer: (...args) => kubelet?.findContainer(...args),
    containerNames: (...args) => kubelet?.containerNames(...args),
  });
  const tunnel = options.tunnel && startTunnelClient({ ...options.tunnel, kubeletServer, nodeName });
  // The runtime needs the podCIDR, which the server assigns once the Node exists: the first
  // read of the host's facts (right after registering) waits for it and starts the runtime.
  let podCIDR: string | undefined;
  let runtime: ProcessRuntime | undefined;
  let runtimeStarting: Promise<ProcessRuntime> | undefined;
  const startRuntime = () =>
    (runtimeStarting ??= assignedPodCIDR(client, nodeName, signal).then((assigned) => {
      podCIDR = assigned;
      return (runtime = createProcessRuntime({ rootDir: join(dataDir, 'runtime'), mode: 'auto', podCIDR: assigned }));
    }));
  try {
    const heartbeat = await startNodeHeartbeat({
      client, nodeName, signal,
      labels: options.labels,
      taints: options.taints,
      leaseDurationSeconds: options.leaseDurationSeconds,
      facts: async () => readHostFacts(dataDir, (await startRuntime()).version),
    });
    const hostIP = heartbeat.node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    kubelet = await startKubelet({ client, informers, runtime: runtime!, nodeName, rootDir: kubeletDir, signal, hostIP, rootless: runtime!.mode === 'rootless', clusterDNS: options.clusterDNS ? [options.clusterDNS] : undefined });
    // Routes to the pods of nodes on other machines (host-gw); a rootless node has no pod network.
    const routes = runtime!.mode === 'root' ? startNodeRoutes({ informers, nodeName, signal }) : undefined;
    // The node's DNS server listens on its bridge's address (which must exist before the first pod).
    await runtime!.ensureNetwork();
    const net = runtime!.network;
    const proxy = startServiceProxy({ informers, nodeName, signal, client, network: net, serviceCIDR: options.serviceCIDR });
    const dns = await startClusterDns({ client, informers, nodeName, signal, listenAddress: net ? gatewayOf(net.podCIDR) : '127.0.0.1' });
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        routes?.stop();
        await Promise.all([kubelet!.stop(), dns.stop(), proxy.stop(), heartbeat.stop(), tunnel?.stop()]);
        kubeletServer.closeAllConnections();
        runtime!.close();
      })());
    return { nodeName, podCIDR: podCIDR!, mode: runtime!.mode, dialKubelet: () => dial(kubeletServer), stop };
  } catch (err) {
    await tunnel?.stop();
    kubeletServer.closeAllConnections();
    runtime?.close();
    throw err;
  }
}

/** A connection to `server` within this process. */
function dial(server: Server): Duplex {
  const [ours, theirs] = duplexPair();
  // As with a TCP connection, closing one end closes the other.
  ours.once('close', () => theirs.destroy());
  theirs.once('close', () => ours.destroy());
  server.emit('connection', theirs);
  return ours;
}
