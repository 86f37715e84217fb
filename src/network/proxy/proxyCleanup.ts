// What names a node's proxy state on the machine, and its removal: by `stop()`, and by
// `skiff killall` for a node whose agent is gone (this module loads nothing else of the proxy).

import { proxyTablePrefix, removeHostRouting, routeTableFor } from './hostRouting.ts';
import { runNft } from './nftTable.ts';

/** The nftables table (family ip) of the node whose pod bridge this is. */
export function proxyTableName(bridge: string): string {
  return `${proxyTablePrefix}${bridge}`;
}

/** Removes a node's proxy table and the routing it added, if they exist. */
export async function removeServiceProxy(network: { bridge: string; podCIDR: string }): Promise<void> {
  const table = `ip ${proxyTableName(network.bridge)}`;
  // "add" first: deleting a table that is not there is an error.
  await runNft(`add table ${table}\ndelete table ${table}\n`);
  await removeHostRouting(routeTableFor(network.podCIDR));
}
