// The node's service proxy (kube-proxy): watches Services and EndpointSlices and, as root, keeps
// this node's nftables table equal to what they say (nftRuleset.ts), one atomic transaction
// per sync, syncs coalesced (syncRunner.ts). Without root (no pod network) NodePorts are served
// in user space instead, and ClusterIPs are not served at all: the proxy says so once, in the
// log and as an event on the Node.

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { EndpointSlice, Node, Service } from '../../api/objects.ts';
import type { Client } from '../../client/client.ts';
import { createEventRecorder } from '../../client/events.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { ensureHostRouting, routeTableFor, type HostRouting } from './hostRouting.ts';
import { createNftTable } from './nftTable.ts';
import { proxyTableName, removeServiceProxy } from './proxyCleanup.ts';
import { renderRuleset, type RulesetNetwork } from './nftRuleset.ts';
import { servicePortsOf, type ServicePort } from './servicePorts.ts';
import { createSyncRunner } from '../../client/syncRunner.ts';
import { createUserspaceProxy } from './userspaceProxy.ts';
import { gatewayOf } from '../../runtime/process/podNetwork.ts';

export interface ServiceProxyOptions {
  informers: InformerFactory;
  nodeName: string;
  signal: AbortSignal;
  /** As root: this node's pod network (the runtime's bridge and podCIDR). Without it, the user-space NodePort proxy runs. */
  network?: { bridge: string; podCIDR: string };
  /** The Service range (--service-cidr); default 10.43.0.0/16. */
  serviceCIDR?: string;
  /** For the event telling that ClusterIPs need root. */
  client?: Client;
}

export interface ServiceProxy {
  readonly mode: 'nftables' | 'userspace';
  /** Resolves once what the informers hold now is applied. */
  synced(): Promise<void>;
  /** Stops syncing and removes the table and its routing (or closes the NodePort listeners). */
  stop(): Promise<void>;
}

const defaultServiceCIDR = '10.43.0.0/16';
/**
 * Changes within this long of the last sync's start wait and are applied together. A sync of
 * one change among 1,000 Services takes about 40 ms (bench/proxy.ts), so the proxy spends at
 * most about half its time syncing under a storm of changes. (Upstream's --min-sync-period: 1 s.)
 */
const minSyncIntervalMs = 100;
const retryMs = 2_000;
/** Upstream's --sync-period default for nftables mode. */
const resyncMs = 30_000;

export function startServiceProxy(options: ServiceProxyOptions): ServiceProxy {
  const { informers, nodeName, signal } = options;
  const services = informers.informer<Service>(types.services);
  const slices = informers.informer<EndpointSlice>(types.endpointSlices);
  const nodes = informers.informer<Node>(types.nodes);
  const log = (message: string) => console.error(`skiff: service proxy: ${message}`);
  const backend = options.network ? nftablesBackend(options.network, options.serviceCIDR ?? defaultServiceCIDR, log) : userspaceBackend(log);

  const runner = createSyncRunner(
    async () => {
      // As upstream: nothing is written before both kinds are listed (a partial view would drop Services).
      if (!services.hasSynced() || !slices.hasSynced()) return;
      return backend.apply(servicePortsOf(services.list(), slices.list(), { name: nodeName }));
    },
    { minIntervalMs: minSyncIntervalMs, retryMs, resyncMs, onError: (err) => log(`sync failed (retrying): ${(err as Error).message}`) },
  );
  const changed = () => runner.request();
  services.addHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  slices.addHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  informers.start();
  informers.waitForSync(signal).then(changed, () => {});

  if (backend.mode === 'userspace') {
    log('without root only NodePorts are served (user space, TCP and UDP); ClusterIPs need root');
    if (options.client) {
      const recorder = createEventRecorder(options.client, 'kube-proxy', nodeName);
      informers.waitForSync(signal).then(() => {
        const node = nodes.get(undefined, nodeName);
        if (node) recorder.event(node, 'Warning', 'ClusterIPsNeedRoot', 'The node runs without root: its service proxy serves NodePorts in user space (TCP and UDP) and no ClusterIPs');
      }, () => {});
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      runner.stop();
      await runner.idle();
      await backend.close();
    })());
  signal.addEventListener('abort', () => void stop().catch((err) => log(`cleanup failed: ${(err as Error).message}`)), { once: true });
  return {
    mode: backend.mode,
    async synced() {
      await informers.waitForSync(signal);
      runner.request();
      await runner.idle();
    },
    stop,
  };
}

interface Backend {
  mode: ServiceProxy['mode'];
  /** Resolves to a delay after which it wants another sync. */
  apply(ports: ServicePort[]): Promise<number | void>;
  close(): Promise<void>;
}

function nftablesBackend(network: { bridge: string; podCIDR: string }, serviceCIDR: string, log: (m: string) => void): Backend {
  const table = createNftTable(proxyTableName(network.bridge));
  const routing: HostRouting = { serviceCIDR, table: routeTableFor(network.podCIDR) };
  const rulesetNetwork: RulesetNetwork = {
    table: table.name,
    bridge: network.bridge,
    masqueradeAddress: gatewayOf(network.podCIDR),
    serviceCIDR,
    masqueradeBridged: !bridgeNetfilter(log),
  };
  let routed = false;
  return {
    mode: 'nftables',
    async apply(ports) {
      const { staleChainsLeft } = await table.apply(renderRuleset(ports, rulesetNetwork));
      if (!routed) {
        await ensureHostRouting(routing);
        routed = true;
      }
      return staleChainsLeft ? 1000 : undefined;
    },
    close: () => removeServiceProxy(network),
  };
}

function userspaceBackend(log: (m: string) => void): Backend {
  const proxy = createUserspaceProxy(log);
  return { mode: 'userspace', apply: (ports) => proxy.sync(ports), close: () => proxy.close() };
}

/**
 * Whether bridged traffic passes the host's conntrack (br_netfilter), which a pod's reply to a
 * pod on the same bridge needs to be un-DNATed. Loaded if missing, as k3s does; without it the
 * proxy masquerades such traffic instead.
 */
function bridgeNetfilter(log: (m: string) => void): boolean {
  const setting = '/proc/sys/net/bridge/bridge-nf-call-iptables';
  const read = () => {
    try {
      return readFileSync(setting, 'utf8').trim() === '1';
    } catch {
      return undefined;
    }
  };
  if (read() === undefined) {
    try {
      execFileSync('modprobe', ['br_netfilter'], { stdio: 'ignore' });
    } catch {} // not available: said below
  }
  if (read()) return true;
  log('br_netfilter is off: traffic from pods to endpoints on their own node is masqueraded');
  return false;
}
