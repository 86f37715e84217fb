// The policy routing the proxy's table needs around it (as root):
// - The host's own connections to ClusterIPs. The runtime gives the service range an
//   `unreachable` route, and a connect() fails on it before the output hook could DNAT the
//   packet; so locally made packets for the range (`iif lo`) look up a table of this node's
//   own with a route for the range via `lo`. The output hook then DNATs them and the kernel
//   routes them again to the endpoint; one that nothing DNATs is refused by the table's checks.
// - Replies of DNATed connections, which the table marks (nftRuleset.ts marks.reply), are
//   routed by the main table ahead of the runtime's rules that keep pod traffic inside the
//   cluster's ranges: a pod's reply to an external client of a Local-policy NodePort, or a
//   remote endpoint's reply on its way back to one, may leave the machine. That rule is shared
//   by every node on the machine; the last proxy table to go takes it along.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { marks } from './nftRuleset.ts';
import { ipv4Value } from '../ipv4.ts';
import { ip, ipTolerating } from '../../runtime/process/ipCommand.ts';

const run = promisify(execFile);

export interface HostRouting {
  serviceCIDR: string;
  /** This node's routing table for the host's service traffic (routeTableFor). */
  table: number;
}

/** Before the runtime's bridge rules (9100, 9101) and the node routes' uplink rules (9110, 9111). */
const serviceRoutePref = '9080';
const replyPref = '9099';
const replyMark = `0x${marks.reply.toString(16)}/0x${marks.reply.toString(16)}`;
/** Proxy tables are named with this prefix (nftables table names). */
export const proxyTablePrefix = 'skiff-proxy-';

/** A table number per pod range (its network address), so nodes sharing a machine never share one. */
export function routeTableFor(podCIDR: string): number {
  // 0 and 253-255 are the kernel's; no pod range's network address is one of them.
  return ipv4Value(podCIDR.split('/')[0]!)!;
}

export async function ensureHostRouting(routing: HostRouting): Promise<void> {
  const table = String(routing.table);
  await ipTolerating(/File exists/, 'route', 'replace', routing.serviceCIDR, 'dev', 'lo', 'table', table);
  const rules = await ip('-4', 'rule', 'show', 'pref', serviceRoutePref);
  if (!rules.split('\n').some((r) => r.includes(`to ${routing.serviceCIDR} `) && r.includes(`lookup ${table}`))) {
    await ip('rule', 'add', 'iif', 'lo', 'to', routing.serviceCIDR, 'lookup', table, 'pref', serviceRoutePref);
  }
  if (!(await ip('-4', 'rule', 'show', 'pref', replyPref)).includes('fwmark')) {
    await ipTolerating(/File exists/, 'rule', 'add', 'fwmark', replyMark, 'lookup', 'main', 'pref', replyPref);
  }
}

/** Removes this node's rule and table, and the shared reply rule when no other proxy table is left. */
export async function removeHostRouting(routeTable: number): Promise<void> {
  const table = String(routeTable);
  await ipTolerating(/No such|Cannot find/, 'rule', 'del', 'pref', serviceRoutePref, 'lookup', table);
  await ipTolerating(/No such|Cannot find/, 'route', 'flush', 'table', table);
  if (!(await otherProxyTables())) await ipTolerating(/No such|Cannot find/, 'rule', 'del', 'pref', replyPref, 'fwmark', replyMark);
}

async function otherProxyTables(): Promise<boolean> {
  try {
    const { stdout } = await run('nft', ['list', 'tables', 'ip']);
    return stdout.split('\n').some((line) => line.trim().startsWith(`table ip ${proxyTablePrefix}`));
  } catch {
    return false;
  }
}

