// Without root there is no nftables: NodePorts are served in user space instead (as kube-proxy's
// old userspace mode did), one TCP listener on 0.0.0.0:nodePort per service port, each new
// connection piped to one of the endpoints its external traffic policy allows, chosen at
// random. ClusterIPs, UDP, session affinity and load-balancer addresses are not served.

import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Endpoint, ServicePort } from './servicePorts.ts';

export interface UserspaceProxy {
  /** Listens on the NodePorts of these service ports (and stops listening on the others). */
  sync(ports: readonly ServicePort[]): Promise<void>;
  /** The NodePorts listened on. */
  listening(): number[];
  close(): Promise<void>;
}

interface Listener {
  server: Server;
  /** Read on every connection, so a sync changes the endpoints without reopening the port. */
  endpoints: Endpoint[];
  sockets: Set<Socket>;
}

export function createUserspaceProxy(log: (message: string) => void): UserspaceProxy {
  const listeners = new Map<number, Listener>();
  const refused = new Set<number>();

  const open = (nodePort: number, endpoints: Endpoint[]) =>
    new Promise<void>((resolve) => {
      const listener: Listener = { server: createServer(), endpoints, sockets: new Set() };
      listener.server.on('connection', (client) => forward(client, listener));
      listener.server.once('error', (err: NodeJS.ErrnoException) => {
        if (!refused.has(nodePort)) log(`cannot listen on NodePort ${nodePort}: ${err.code ?? err.message}`);
        refused.add(nodePort);
        resolve();
      });
      listener.server.listen({ port: nodePort, host: '0.0.0.0' }, () => {
        refused.delete(nodePort);
        listeners.set(nodePort, listener);
        resolve();
      });
    });

  const shut = (nodePort: number) => {
    const listener = listeners.get(nodePort)!;
    listeners.delete(nodePort);
    for (const socket of listener.sockets) socket.destroy();
    return new Promise<void>((resolve) => listener.server.close(() => resolve()));
  };

  return {
    async sync(ports) {
      const wanted = new Map<number, Endpoint[]>();
      for (const sp of ports) {
        if (sp.nodePort === undefined || sp.protocol !== 'tcp') continue;
        wanted.set(sp.nodePort, sp.externalLocal ? sp.localEndpoints : sp.clusterEndpoints);
      }
      await Promise.all([...listeners.keys()].filter((p) => !wanted.has(p)).map(shut));
      const opening: Promise<void>[] = [];
      for (const [nodePort, endpoints] of wanted) {
        const listener = listeners.get(nodePort);
        if (listener) listener.endpoints = endpoints;
        else opening.push(open(nodePort, endpoints));
      }
      await Promise.all(opening);
    },
    listening: () => [...listeners.keys()].sort((a, b) => a - b),
    async close() {
      await Promise.all([...listeners.keys()].map(shut));
    },
  };
}

/** Pipes the client to a random endpoint; with none, the connection is reset (the nftables proxy rejects). */
function forward(client: Socket, listener: Listener): void {
  const endpoints = listener.endpoints;
  if (endpoints.length === 0) return void client.resetAndDestroy();
  const endpoint = endpoints[Math.floor(Math.random() * endpoints.length)]!;
  const upstream = connect({ host: endpoint.ip, port: endpoint.port });
  listener.sockets.add(client);
  listener.sockets.add(upstream);
  // Ends travel through the pipes (each side's FIN ends the other's writing); errors reset both.
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.resetAndDestroy());
  client.on('close', () => listener.sockets.delete(client));
  upstream.on('close', () => listener.sockets.delete(upstream));
  client.pipe(upstream);
  upstream.pipe(client);
}
