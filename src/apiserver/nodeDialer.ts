// How the apiserver reaches a node's kubelet (logs, exec, attach, port-forward): a byte stream
// to the kubelet's HTTP server on that node, carried by the tunnel the node's agent opened
// (nodes expose no port). The apiserver speaks plain HTTP/1.1 over the stream.

import type { Duplex } from 'node:stream';

export interface NodeDialer {
  /** A fresh connection to the node's kubelet; rejects when the node has no tunnel. */
  dial(nodeName: string): Promise<Duplex>;
}

/** An HTTP upgrade the apiserver accepted: the raw connection, and what was read past the head. */
export interface Upgrade {
  socket: Duplex;
  head: Buffer;
}
