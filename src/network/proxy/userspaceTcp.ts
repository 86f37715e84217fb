// A TCP NodePort served in user space: a listener on 0.0.0.0:nodePort, each new connection piped
// to the endpoint the chooser gives for the client's address.

import { createServer, connect, type Socket } from 'node:net';
import { createEndpointChooser, type Backends, type EndpointChooser } from './endpointChooser.ts';
import type { NodePortForwarder } from './userspaceProxy.ts';

/** Listens on the NodePort; rejects with the listen error (EADDRINUSE, EACCES...). */
export function openTcpNodePort(nodePort: number, backends: Backends): Promise<NodePortForwarder> {
  const chooser = createEndpointChooser(backends);
  const sockets = new Set<Socket>();
  const server = createServer((client) => forward(client, chooser, sockets));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: nodePort, host: '0.0.0.0' }, () => {
      server.off('error', reject);
      resolve({
        update: (next) => chooser.update(next),
        close() {
          for (const socket of sockets) socket.destroy();
          return new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}

/** Pipes the client to its endpoint; with none, the connection is reset (the nftables proxy rejects). */
function forward(client: Socket, chooser: EndpointChooser, sockets: Set<Socket>): void {
  const endpoint = client.remoteAddress ? chooser.choose(client.remoteAddress) : undefined;
  if (!endpoint) return void client.resetAndDestroy();
  const upstream = connect({ host: endpoint.ip, port: endpoint.port });
  sockets.add(client);
  sockets.add(upstream);
  // Ends travel through the pipes (each side's FIN ends the other's writing); errors reset both.
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.resetAndDestroy());
  client.on('close', () => sockets.delete(client));
  upstream.on('close', () => sockets.delete(upstream));
  client.pipe(upstream);
  upstream.pipe(client);
}
