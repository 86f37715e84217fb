// Cluster DNS as each node runs it: a server on the node's bridge address answering the
// cluster's names from the informers and forwarding the rest to the host's resolvers, and
// published as an endpoint of the kube-dns Service so its ClusterIP reaches it. Every node
// runs its own, so a node's pods keep resolving whatever happens to the others.

import type { Client } from '../../client/client.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { answerClusterQuery } from './clusterRecords.ts';
import { createClusterView } from './clusterView.ts';
import { keepDnsEndpointSlice } from './dnsEndpointSlice.ts';
import { startDnsServer } from './dnsServer.ts';
import { createForwarder, lookupVia, upstreamsOf, type Upstream } from './forwarder.ts';
import { hostResolvConfPath, readResolvConf } from './resolvConf.ts';

export interface ClusterDnsOptions {
  client: Client;
  informers: InformerFactory;
  nodeName: string;
  /** The node's bridge address as root (127.0.0.1 without). */
  listenAddress: string;
  signal: AbortSignal;
  /**
   * Default 53 as root; without root any free port (0), since 53 needs privilege: pods then
   * cannot use it (resolv.conf names no port), but the endpoint and the host can.
   */
  port?: number;
  /** Default cluster.local. */
  clusterDomain?: string;
  /** Where other names go; default the nameservers of the host's /etc/resolv.conf, read now. */
  upstreams?: Upstream[];
}

export interface ClusterDns {
  address: string;
  port: number;
  /** Stops answering and removes the node's kube-dns endpoint. */
  stop(): Promise<void>;
}

export async function startClusterDns(options: ClusterDnsOptions): Promise<ClusterDns> {
  const { client, informers, nodeName, listenAddress, signal } = options;
  const domain = (options.clusterDomain ?? 'cluster.local').toLowerCase();
  const view = createClusterView(informers, listenAddress);
  informers.start();
  await informers.waitForSync(signal);
  const forward = createForwarder(options.upstreams ?? upstreamsOf(readResolvConf(hostResolvConfPath).nameservers));
  const lookup = lookupVia(forward);
  const server = await startDnsServer({
    host: listenAddress,
    port: options.port ?? (process.getuid?.() === 0 ? 53 : 0),
    answer: (question) => answerClusterQuery(question, { domain, view, lookup }),
    forward,
  });
  const endpoint = keepDnsEndpointSlice({ client, informers, nodeName, address: server.host, port: server.port });

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= Promise.all([server.close(), endpoint.remove()]).then(() => {}));
  signal.addEventListener('abort', () => void stop(), { once: true });
  return { address: server.host, port: server.port, stop };
}
