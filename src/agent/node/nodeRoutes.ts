// Pod traffic between machines, host-gw style (as flannel's host-gw backend): as root, every
// other node's podCIDR is routed via that node's InternalIP in the main table, so pods reach
// pods on other machines directly over the nodes' shared network, without encapsulation (the
// nodes must be on one layer-2 network, as for flannel's host-gw). Nodes whose InternalIP is
// an address of this host (several agents on one machine) need no route: their bridges are
// connected routes here already. Our routes carry their own protocol number, so a restarted
// agent finds the ones it made and removes those of nodes that went meanwhile, and never
// touches a route someone else made.
//
// The receiving side: Linux forwards a packet only when forwarding is enabled on the interface
// it arrived on, and the runtime enables it on its bridges alone (podNetwork.ts). So on the
// interface holding this node's InternalIP (the uplink) forwarding is enabled too, guarded as
// the bridges are: policy rules let what arrives there be routed only to this machine's pod
// ranges and refuse everything else (the host's own addresses are the local table's, rule 0,
// before them). An uplink that already forwards (the host routes for someone else) is left as
// it is. Pods' own traffic to the cluster's range leaves the bridge by the runtime's rule
// (`iif <bridge> to 10.42.0.0/16 lookup main`), which finds these routes; the runtime's
// `unreachable` routes for the cluster's ranges stay as the fallback (longest prefix wins).

import { readFile, writeFile } from 'node:fs/promises';
import type { Node } from '../../api/objects.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { ip } from '../../runtime/process/ipCommand.ts';
import { createSyncRunner } from '../../client/syncRunner.ts';

export interface NodeRoutesOptions {
  informers: InformerFactory;
  nodeName: string;
  signal: AbortSignal;
  /** How often the routes are checked even without a change to the Nodes (someone may have removed one). Default 30 s. */
  resyncMs?: number;
}

/** A route to another machine's pods. */
export interface PeerRoute {
  podCIDR: string;
  /** The InternalIP of the node they run on. */
  via: string;
}

export interface RoutePlan {
  /** Other machines' pod ranges, each via its node's address; sorted by range. */
  routes: PeerRoute[];
  /** The pod ranges on this machine (this node's and those of nodes sharing this host's addresses): what peers may send here. */
  localPodCIDRs: string[];
  /** This node's InternalIP, when it is an address of this host: its interface carries the traffic. */
  address?: string;
}

/** Marks the routes skiff makes (not one of iproute2's rt_protos). */
const routeProtocol = '76';
/** Policy rule priorities for traffic arriving on the uplink: routed to this machine's pods, else refused (after the runtime's 9100/9101). */
const acceptPref = '9110';
const refusePref = '9111';
const defaultResyncMs = 30_000;

/** Keeps the routes to the other machines' pods while the agent runs (as root). */
export function startNodeRoutes(options: NodeRoutesOptions): { stop(): void } {
  const { informers, nodeName, signal } = options;
  const nodes = informers.informer<Node>(types.nodes);
  const logged = new Set<string>();
  const resyncMs = options.resyncMs ?? defaultResyncMs;
  // A failed sync waits for the next change or resync, as a later one would.
  const runner = createSyncRunner(
    async () => {
      if (nodes.hasSynced()) await syncNodeRoutes(nodes.list(), nodeName, { log: (message) => logOnce(logged, message) });
    },
    { minIntervalMs: 0, retryMs: resyncMs, resyncMs, onError: (err) => logOnce(logged, `sync failed: ${(err as Error).message}`) },
  );
  const sync = () => runner.request();
  // Heartbeats change Nodes all the time; only a node's range or address matters here.
  nodes.addHandler({
    onAdd: sync,
    onUpdate: (old, node) => {
      if (old.spec?.podCIDR !== node.spec?.podCIDR || internalIP(old) !== internalIP(node)) sync();
    },
    onDelete: sync,
  });
  informers.start();
  informers.waitForSync(signal).then(sync, () => {});
  const stop = () => runner.stop();
  signal.addEventListener('abort', stop, { once: true });
  return { stop };
}

/**
 * The routes this machine needs: for every other node with a podCIDR and an InternalIP that is
 * neither an address of this host nor a loopback one, its range via that address. A range that
 * is also one of this machine's, or that an earlier node (by name) already claims, gets no
 * route: a route must never shadow a bridge here.
 */
export function planNodeRoutes(nodes: readonly Node[], nodeName: string, localAddresses: ReadonlySet<string>): RoutePlan {
  const sorted = [...nodes].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const self = sorted.find((n) => n.metadata?.name === nodeName);
  const ownAddress = self && internalIP(self);
  const onThisMachine = (n: Node) => n === self || localAddresses.has(internalIP(n) ?? '');
  const localPodCIDRs = [...new Set(sorted.filter(onThisMachine).flatMap((n) => ipv4PodCIDR(n) ?? []))].sort();
  const claimed = new Set(localPodCIDRs);
  const routes: PeerRoute[] = [];
  for (const node of sorted) {
    const podCIDR = ipv4PodCIDR(node);
    const via = internalIP(node);
    // A loopback address (simulated nodes, a node without a network) is no machine to route to.
    if (onThisMachine(node) || !podCIDR || !via || via.startsWith('127.') || claimed.has(podCIDR)) continue;
    claimed.add(podCIDR);
    routes.push({ podCIDR, via });
  }
  routes.sort((a, b) => a.podCIDR.localeCompare(b.podCIDR));
  return { routes, localPodCIDRs, ...(ownAddress && localAddresses.has(ownAddress) && !ownAddress.startsWith('127.') ? { address: ownAddress } : {}) };
}

export interface SyncOptions {
  /** Run in this network namespace instead of the agent's own (tests). */
  netns?: string;
  /** Problems that do not stop the rest (a route the kernel refused, one someone else made). */
  log?: (message: string) => void;
}

/** Brings the main table's skiff routes (and the uplink's forwarding) to what the Nodes say. */
export async function syncNodeRoutes(nodes: readonly Node[], nodeName: string, options: SyncOptions = {}): Promise<void> {
  const host = hostIn(options.netns);
  const log = options.log ?? ((message: string) => console.error(`skiff: node routes: ${message}`));
  const devices = await addressDevices(host);
  const plan = planNodeRoutes(nodes, nodeName, new Set(devices.keys()));
  const existing = await mainRoutes(host);
  const wanted = new Set(plan.routes.map((r) => r.podCIDR));
  for (const route of existing) {
    if (route.protocol === routeProtocol && !wanted.has(route.dst)) await host.ip('route', 'del', route.dst, 'proto', routeProtocol);
  }
  for (const { podCIDR, via } of plan.routes) {
    const found = existing.find((r) => r.dst === podCIDR);
    if (found && found.protocol !== routeProtocol) {
      log(`not routing ${podCIDR} via ${via}: the main table has a route for it that skiff did not make`);
      continue;
    }
    if (found?.via === via) continue;
    try {
      await host.ip('route', 'replace', podCIDR, 'via', via, 'proto', routeProtocol);
    } catch (err) {
      log(`cannot route ${podCIDR} via ${via}: ${stderrOf(err)}`);
    }
  }
  const uplink = plan.address && devices.get(plan.address);
  if (plan.routes.length > 0 && uplink) await forwardFromUplink(host, uplink, plan.localPodCIDRs);
}

/**
 * Takes back everything syncNodeRoutes made on this machine (`skiff killall`): its routes, and
 * on an uplink it opened, forwarding first and then the rules guarding it.
 */
export async function removeNodeRoutes(options: Pick<SyncOptions, 'netns'> = {}): Promise<void> {
  const host = hostIn(options.netns);
  for (const route of await mainRoutes(host)) {
    if (route.protocol === routeProtocol) await host.ip('route', 'del', route.dst, 'proto', routeProtocol);
  }
  for (const { iif } of await rules(host, refusePref)) {
    if (iif) await host.write(`/proc/sys/net/ipv4/conf/${iif}/forwarding`, '0');
  }
  for (const pref of [acceptPref, refusePref]) {
    for (let left = (await rules(host, pref)).length; left > 0; left--) await host.ip('rule', 'del', 'pref', pref);
  }
}

/**
 * Lets what arrives on the uplink be forwarded to this machine's pods, and nothing else: the
 * rules first, then forwarding, so there is never a moment where anything else could be.
 */
async function forwardFromUplink(host: Host, device: string, localPodCIDRs: string[]): Promise<void> {
  const forwarding = `/proc/sys/net/ipv4/conf/${device}/forwarding`;
  const refusing = (await rules(host, refusePref)).some((r) => r.iif === device);
  if (!refusing && (await host.read(forwarding)).trim() === '1') return;
  const accepted = (await rules(host, acceptPref)).filter((r) => r.iif === device);
  for (const cidr of localPodCIDRs) {
    if (!accepted.some((r) => r.to === cidr)) await host.ip('rule', 'add', 'iif', device, 'to', cidr, 'lookup', 'main', 'pref', acceptPref);
  }
  for (const r of accepted) {
    if (r.to && !localPodCIDRs.includes(r.to)) await host.ip('rule', 'del', 'iif', device, 'to', r.to, 'lookup', 'main', 'pref', acceptPref);
  }
  if (!refusing) await host.ip('rule', 'add', 'iif', device, 'unreachable', 'pref', refusePref);
  await host.write(forwarding, '1');
}

function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP' && a.address.includes('.'))?.address;
}

function ipv4PodCIDR(node: Node): string | undefined {
  const cidr = node.spec?.podCIDR;
  return cidr && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr) ? cidr : undefined;
}

interface Host {
  ip(...args: string[]): Promise<string>;
  read(path: string): Promise<string>;
  write(path: string, value: string): Promise<void>;
}

/** The network namespace commands run in: the agent's own, or a named one. */
function hostIn(netns: string | undefined): Host {
  if (!netns) {
    return {
      ip,
      read: (path) => readFile(path, 'utf8'),
      write: (path, value) => writeFile(path, value),
    };
  }
  const inside = (...argv: string[]) => ip('netns', 'exec', netns, ...argv);
  return {
    ip: (...args) => inside('ip', ...args),
    read: (path) => inside('cat', path),
    write: async (path, value) => void (await inside('sh', '-c', `echo ${value} > ${path}`)),
  };
}

/** The host's IPv4 addresses and the interface each is on. */
async function addressDevices(host: Host): Promise<Map<string, string>> {
  const devices = new Map<string, string>();
  // "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ..."
  for (const line of (await host.ip('-o', '-4', 'addr', 'show')).split('\n')) {
    const match = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line);
    if (match) devices.set(match[2]!, match[1]!);
  }
  return devices;
}

interface TableRoute {
  dst: string;
  via?: string;
  protocol?: string;
}

/** The main table's IPv4 routes (prefixes as ip prints them: a /32 without its length). */
async function mainRoutes(host: Host): Promise<TableRoute[]> {
  const routes: TableRoute[] = [];
  for (const line of (await host.ip('-o', '-4', 'route', 'show', 'table', 'main')).split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'unreachable' || words[0] === 'blackhole' || words[0] === 'prohibit') words.shift();
    const dst = words[0];
    if (!dst) continue;
    const after = (key: string) => {
      const i = words.indexOf(key);
      return i >= 0 ? words[i + 1] : undefined;
    };
    routes.push({ dst, via: after('via'), protocol: after('proto') });
  }
  return routes;
}

/** The policy rules at one priority: "9110:\tfrom all to 10.42.0.0/24 iif eth0 lookup main". */
async function rules(host: Host, pref: string): Promise<{ iif?: string; to?: string }[]> {
  return (await host.ip('-o', '-4', 'rule', 'show', 'pref', pref)).split('\n').filter(Boolean).map((line) => ({
    iif: /\biif (\S+)/.exec(line)?.[1],
    to: /\bto (\S+)/.exec(line)?.[1],
  }));
}

function stderrOf(err: unknown): string {
  return String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
}

function logOnce(logged: Set<string>, message: string): void {
  if (logged.has(message)) return;
  logged.add(message);
  console.error(`skiff: node routes: ${message}`);
}
