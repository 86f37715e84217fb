// A real node's pod range comes from the server: its node IPAM controller writes the Node's
// spec.podCIDR after the node registers, and the kubelet waits for it before it can run pods.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Node } from '../../api/objects.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';

/** After this long without one, say what the node is waiting for (once). */
const patienceMs = 10_000;

/** Resolves with the node's podCIDR once it has one: reads the Node, then watches it. */
export async function assignedPodCIDR(client: Client, nodeName: string, signal: AbortSignal): Promise<string> {
  const warning = setTimeout(() => {
    console.error(`skiff agent: node ${nodeName} has no podCIDR yet: waiting for the server to assign one (is its node-ipam controller running, and the cluster CIDR not full?)`);
  }, patienceMs);
  try {
    for (let backoffMs = 100; ; ) {
      signal.throwIfAborted();
      try {
        const node = await client.get<Node>(types.nodes, undefined, nodeName);
        if (node.spec?.podCIDR) return node.spec.podCIDR;
        const events = client.watch<Node>(types.nodes, { fieldSelector: `metadata.name=${nodeName}`, resourceVersion: node.metadata?.resourceVersion, signal });
        for await (const event of events) {
          if ((event.type === 'ADDED' || event.type === 'MODIFIED') && event.object.spec?.podCIDR) return event.object.spec.podCIDR;
          if (event.type === 'ERROR') break; // expired: read the Node again
        }
      } catch (err) {
        if (signal.aborted) throw err;
        await sleep(backoffMs, undefined, { signal });
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  } finally {
    clearTimeout(warning);
  }
}
