// A UDP NodePort served in user space, as kube-proxy's old userspace mode did: one socket on
// 0.0.0.0:nodePort, and per client address:port a session with its own socket to the endpoint
// chosen for that client; the endpoint's replies go back to the client from the NodePort socket,
// so they come from the address the client sent to. A session ends after a while without traffic
// either way, and as soon as its endpoint leaves the service (kube-proxy likewise clears a removed
// endpoint's UDP conntrack entries), so the client's next datagram picks an endpoint anew.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createEndpointChooser, type Backends } from './endpointChooser.ts';
import type { Endpoint } from './servicePorts.ts';
import type { NodePortForwarder } from './userspaceProxy.ts';

/**
 * Upstream's userspace proxier closed sessions after 250 ms idle (--udp-timeout), which drops the
 * late replies of slow servers. The nftables path forgets a UDP flow after the kernel's conntrack
 * timeout (nf_conntrack_udp_timeout, 30 s); user space does the same.
 */
export const defaultUdpIdleTimeoutMs = 30_000;

interface Session {
  endpoint: Endpoint;
  socket: Socket;
  idle: NodeJS.Timeout;
}

/** Binds the NodePort; rejects with the bind error (EADDRINUSE, EACCES...). */
export function openUdpNodePort(nodePort: number, backends: Backends, idleTimeoutMs = defaultUdpIdleTimeoutMs): Promise<NodePortForwarder> {
  const chooser = createEndpointChooser(backends);
  const sessions = new Map<string, Session>();
  const nodePortSocket = createSocket('udp4');

  const end = (key: string, session: Session) => {
    if (sessions.get(key) !== session) return;
    sessions.delete(key);
    clearTimeout(session.idle);
    session.socket.close();
  };

  const open = (key: string, client: RemoteInfo): Session | undefined => {
    const endpoint = chooser.choose(client.address);
    // No endpoint: the datagram is dropped (user space cannot send the ICMP reject nftables sends).
    if (!endpoint) return undefined;
    const session: Session = { endpoint, socket: createSocket('udp4'), idle: setTimeout(() => end(key, session), idleTimeoutMs) };
    session.socket.on('message', (reply, from) => {
      if (from.address !== endpoint.ip || from.port !== endpoint.port) return;
      session.idle.refresh();
      nodePortSocket.send(reply, client.port, client.address);
    });
    // A failed send (or the endpoint's ICMP error): the session ends; the client's next datagram opens another.
    session.socket.on('error', () => end(key, session));
    sessions.set(key, session);
    return session;
  };

  nodePortSocket.on('message', (datagram, client) => {
    const key = `${client.address}:${client.port}`;
    const session = sessions.get(key) ?? open(key, client);
    if (!session) return;
    session.idle.refresh();
    session.socket.send(datagram, session.endpoint.port, session.endpoint.ip);
  });

  return new Promise((resolve, reject) => {
    const refused = (err: Error) => {
      nodePortSocket.close();
      reject(err);
    };
    nodePortSocket.once('error', refused);
    nodePortSocket.bind({ port: nodePort, address: '0.0.0.0' }, () => {
      nodePortSocket.off('error', refused);
      // A reply that cannot be sent back is lost, as UDP may lose any datagram; the socket stays.
      nodePortSocket.on('error', () => {});
      resolve({
        update(next) {
          chooser.update(next);
          for (const [key, session] of sessions) if (!chooser.usable(session.endpoint)) end(key, session);
        },
        close() {
          for (const [key, session] of sessions) end(key, session);
          return new Promise<void>((done) => nodePortSocket.close(() => done()));
        },
      });
    });
  });
}
