// Pod IPs and, as root, the pod's network: a network namespace `skiff-<uid8>` with a veth
// whose host end is on the node's bridge (one bridge per node, named after its podCIDR, so
// several agents on one machine never share one). Pods reach each other across the bridge
// (layer 2), the host through the bridge address, and pods on another skiff bridge of this
// host through the host: forwarding is enabled on the bridge alone (never ip_forward), and
// policy rules let what arrives from it be routed only to the cluster's ranges; anything else
// is refused. The cluster's ranges also get `unreachable` routes, so nothing meant for them
// can leave the machine by the default route.

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ip, ipBatch, ipTolerating } from './ipCommand.ts';
import { formatIPv4, ipv4Value } from '../../network/ipv4.ts';

export interface NodeNetwork {
  bridge: string;
  /** This node's pod range; its first address is the bridge's. */
  podCIDR: string;
  /** The cluster's ranges: they never leave the machine, and pods reach them on this host's other bridges. */
  rejectCIDRs: string[];
}

/** Policy rule priorities: pod traffic to the cluster's ranges is routed, the rest refused (before the main table's 32766). */
const routeClusterPref = '9100';
const refusePref = '9101';

/** The node bridge for a pod range: `skf` and the range's network address in hex (11 characters; the limit is 15). */
export function bridgeNameFor(podCIDR: string): string {
  return `skf${parseCidr(podCIDR).base.toString(16).padStart(8, '0')}`;
}

/** Without root: every pod gets its own loopback address (all of 127/8 is local on Linux). */
export const LOOPBACK_POOL = '127.42.0.0/16';

/**
 * Without root, a node given a podCIDR takes its pods' loopback addresses from the range that
 * mirrors it in 127/8 (10.42.5.0/24: 127.42.5.0/24), so nodes sharing a machine never hand
 * out the same address.
 */
export function loopbackRangeFor(podCIDR: string): string {
  const { base, prefix } = parseCidr(podCIDR);
  return `${formatIPv4(127 * 2 ** 24 + (base % 2 ** 24))}/${prefix}`;
}

/**
 * A free address of the range (not its network, gateway or broadcast address), the first after
 * `after` (wrapping round), as CNI's host-local IPAM allocates: an address just given up is
 * the last to be handed out again, so nothing still holding it (a neighbour cache, a client
 * of the pod that went) meets a new pod there.
 */
export function allocateIp(cidr: string, used: ReadonlySet<string>, after?: string): string {
  const { base, size } = parseCidr(cidr);
  const first = 2;
  const count = size - 3;
  const afterValue = after === undefined ? undefined : ipv4Value(after);
  const previous = afterValue === undefined ? first - 1 : afterValue - base;
  const start = previous >= first && previous < first + count ? previous - first + 1 : 0;
  for (let i = 0; i < count; i++) {
    const ip = formatIPv4(base + first + ((start + i) % count));
    if (!used.has(ip)) return ip;
  }
  throw new Error(`no free address left in ${cidr}`);
}

/**
 * The pod interface's MAC, derived from its address (the 0a:58 prefix Kubernetes' CNI plugins
 * use): a neighbour entry for an address reused by another pod stays right.
 */
export function macFor(podIp: string): string {
  return ['0a', '58', ...podIp.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0'))].join(':');
}

export function gatewayOf(cidr: string): string {
  return formatIPv4(parseCidr(cidr).base + 1);
}

export function prefixOf(cidr: string): number {
  return parseCidr(cidr).prefix;
}

function parseCidr(cidr: string): { base: number; prefix: number; size: number } {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const value = ipv4Value(address!);
  if (value === undefined || !(prefix >= 8 && prefix <= 30)) throw new Error(`invalid IPv4 CIDR ${cidr}`);
  const size = 2 ** (32 - prefix);
  return { base: value - (value % size), prefix, size };
}

/** Creates the bridge with the gateway address, its forwarding rules and the reject routes, when missing. */
export async function ensureNodeNetwork(net: NodeNetwork): Promise<void> {
  await ipTolerating(/File exists/, 'link', 'add', net.bridge, 'type', 'bridge');
  await ipTolerating(/File exists|already assigned/, 'addr', 'add', `${gatewayOf(net.podCIDR)}/${prefixOf(net.podCIDR)}`, 'dev', net.bridge);
  await ip('link', 'set', net.bridge, 'up');
  // Longest prefix wins, so the bridge's own route still reaches local pods; anything else
  // in these ranges is refused instead of following the default route off the machine.
  for (const cidr of net.rejectCIDRs) await ipTolerating(/File exists/, 'route', 'add', 'unreachable', cidr);
  // The rules first, then forwarding, so there is never a moment where pod traffic could
  // be forwarded anywhere else. The host's own addresses are the local table's (rule 0).
  for (const rule of bridgeRules(net)) await ipTolerating(/File exists/, 'rule', 'add', ...rule);
  await writeFile(`/proc/sys/net/ipv4/conf/${net.bridge}/forwarding`, '1');
}

/**
 * Removes the bridge and its rules, and the reject routes once no other bridge has a range
 * inside them (a node keeps its network; agents remove it when they clean up the node).
 */
export async function removeNodeNetwork(net: NodeNetwork): Promise<void> {
  await ipTolerating(/Cannot find device/, 'link', 'del', net.bridge);
  for (const rule of bridgeRules(net)) await ipTolerating(/No such file|Cannot find/, 'rule', 'del', ...rule);
  for (const cidr of net.rejectCIDRs) {
    const inside = (await ip('-o', 'route', 'show', 'root', cidr)).split('\n').filter((line) => line && !line.startsWith('unreachable '));
    if (inside.length === 0) await ipTolerating(/No such process/, 'route', 'del', 'unreachable', cidr);
  }
}

function bridgeRules(net: NodeNetwork): string[][] {
  return [
    ...net.rejectCIDRs.map((cidr) => ['iif', net.bridge, 'to', cidr, 'lookup', 'main', 'pref', routeClusterPref]),
    ['iif', net.bridge, 'unreachable', 'pref', refusePref],
  ];
}

export function netnsName(podUid: string): string {
  return `skiff-${podUid.replace(/-/g, '').slice(0, 8)}`;
}

/** The host's end of a pod's veth pair. */
function hostEndOf(podUid: string): string {
  return `veth${netnsName(podUid).slice(6)}`;
}

export function netnsPath(podUid: string): string {
  return `/run/netns/${netnsName(podUid)}`;
}

/** The pod's namespace, its veth on the bridge, its address and a default route via the bridge. */
export async function setUpPodNetwork(net: NodeNetwork, podUid: string, podIp: string): Promise<void> {
  const ns = netnsName(podUid);
  const hostEnd = hostEndOf(podUid);
  await tearDownPodNetwork(podUid);
  try {
    await ipBatch([
      ['netns', 'add', ns],
      ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'address', macFor(podIp), 'netns', ns],
      ['link', 'set', hostEnd, 'master', net.bridge, 'up'],
      // Hairpin: a pod reaching itself through its Service's address comes back on its own port.
      ['link', 'set', hostEnd, 'type', 'bridge_slave', 'hairpin', 'on'],
    ]);
    await ipBatch([
      ['link', 'set', 'lo', 'up'],
      ['addr', 'add', `${podIp}/${prefixOf(net.podCIDR)}`, 'dev', 'eth0'],
      ['link', 'set', 'eth0', 'up'],
      ['route', 'add', 'default', 'via', gatewayOf(net.podCIDR)],
    ], ns);
  } catch (error) {
    await tearDownPodNetwork(podUid);
    throw error;
  }
}

/**
 * Deleting the namespace deletes its end of the veth, and with it the host's end. What is not
 * there is not asked for: every `ip` is a process spawned (and pod starts tear down first).
 */
export async function tearDownPodNetwork(podUid: string): Promise<void> {
  const ns = netnsName(podUid);
  if (existsSync(netnsPath(podUid))) await ipTolerating(/No such file|Cannot find/, 'netns', 'del', ns);
  const hostEnd = hostEndOf(podUid);
  if (existsSync(`/sys/class/net/${hostEnd}`)) await ipTolerating(/Cannot find device/, 'link', 'del', hostEnd);
}
