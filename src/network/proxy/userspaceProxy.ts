// Without root there is no nftables: NodePorts are served in user space instead (as kube-proxy's
// old userspace mode did), on 0.0.0.0:nodePort for each TCP (userspaceTcp.ts) and UDP
// (userspaceUdp.ts) service port, each new connection or UDP session sent to one of the endpoints
// its external traffic policy allows, with ClientIP session affinity (endpointChooser.ts).
// ClusterIPs, SCTP and load-balancer addresses are not served.

import type { Backends } from './endpointChooser.ts';
import type { ServicePort } from './servicePorts.ts';
import { openTcpNodePort } from './userspaceTcp.ts';
import { openUdpNodePort } from './userspaceUdp.ts';

export interface UserspaceProxy {
  /** Serves the NodePorts of these service ports (and stops serving the others). */
  sync(ports: readonly ServicePort[]): Promise<void>;
  /** The NodePorts served, as `30080/tcp`, in port order. */
  listening(): string[];
  close(): Promise<void>;
}

export interface UserspaceProxyOptions {
  /** How long a UDP session lives without a datagram either way (default: userspaceUdp.ts's). */
  udpIdleTimeoutMs?: number;
}

/** One served NodePort: a sync changes where its traffic goes without reopening the port. */
export interface NodePortForwarder {
  update(backends: Backends): void;
  close(): Promise<void>;
}

interface Wanted {
  nodePort: number;
  protocol: 'tcp' | 'udp';
  backends: Backends;
}

export function createUserspaceProxy(log: (message: string) => void, options: UserspaceProxyOptions = {}): UserspaceProxy {
  /** By `nodePort/protocol`: a Service may use one NodePort number for TCP and for UDP. */
  const forwarders = new Map<string, NodePortForwarder>();
  // Each said once, not at every sync.
  const refused = new Set<string>();
  const unserved = new Set<string>();

  const open = async (key: string, { nodePort, protocol, backends }: Wanted) => {
    try {
      const forwarder = protocol === 'tcp' ? await openTcpNodePort(nodePort, backends) : await openUdpNodePort(nodePort, backends, options.udpIdleTimeoutMs);
      refused.delete(key);
      forwarders.set(key, forwarder);
    } catch (err) {
      if (!refused.has(key)) log(`cannot listen on NodePort ${key}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      refused.add(key);
    }
  };

  const shut = (key: string) => {
    const forwarder = forwarders.get(key)!;
    forwarders.delete(key);
    return forwarder.close();
  };

  return {
    async sync(ports) {
      const wanted = new Map<string, Wanted>();
      for (const sp of ports) {
        if (sp.nodePort === undefined) continue;
        const key = `${sp.nodePort}/${sp.protocol}`;
        if (sp.protocol === 'sctp') {
          if (!unserved.has(key)) log(`NodePort ${key} of ${sp.namespace}/${sp.service} is not served: SCTP needs root`);
          unserved.add(key);
          continue;
        }
        const endpoints = sp.externalLocal ? sp.localEndpoints : sp.clusterEndpoints;
        wanted.set(key, { nodePort: sp.nodePort, protocol: sp.protocol, backends: { endpoints, ...(sp.affinitySeconds ? { affinitySeconds: sp.affinitySeconds } : {}) } });
      }
      await Promise.all([...forwarders.keys()].filter((key) => !wanted.has(key)).map(shut));
      const opening: Promise<void>[] = [];
      for (const [key, want] of wanted) {
        const forwarder = forwarders.get(key);
        if (forwarder) forwarder.update(want.backends);
        else opening.push(open(key, want));
      }
      await Promise.all(opening);
    },
    listening: () => [...forwarders.keys()].sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b)),
    async close() {
      await Promise.all([...forwarders.keys()].map(shut));
    },
  };
}
