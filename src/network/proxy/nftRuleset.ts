// The service proxy's nftables ruleset, as text for `nft -f`, laid out as kube-proxy's nftables
// mode lays out its table: verdict maps from (address, protocol, port) to a chain per service
// port, a chain per endpoint doing the DNAT, `numgen random mod N` spreading new connections
// over the endpoints, a set of client addresses per endpoint for ClientIP session affinity,
// and no-endpoint maps that reject (no endpoint anywhere) or drop (none on this node for a
// Local traffic policy), and a firewall chain per load balancer with loadBalancerSourceRanges
// (checked before DNAT, as upstream's firewall-check). Pure: services in, the table's content out (as data, so that a sync
// can write only what changed, and as nft text); nftTable.ts applies it.
//
// Where skiff differs from upstream, and why:
// - ClusterIPs are captured in prerouting only from this node's pod bridge (and in output from
//   the host): pods on other nodes go through their own node's proxy, and clusters sharing a
//   machine (tests) do not catch each other's pods' traffic.
// - The no-endpoint and unallocated-ClusterIP checks run after DNAT, in prerouting and output
//   (reject in prerouting needs Linux 5.9; nftables mode needs 5.13 upstream anyway): a pod's
//   packet for a ClusterIP that nothing DNATs would otherwise meet the node's `unreachable`
//   route for the service range rather than a reject.
// - Masquerading SNATs to this node's pod gateway rather than to the outgoing interface's
//   address: pods may only reply to cluster addresses (podNetwork.ts), and every node routes
//   this node's pod range here.
// - Replies of DNATed connections are marked before routing (marks.reply) so the proxy's
//   policy rule routes them by the main table: an external client's reply from a pod (Local
//   external traffic policy keeps the client's address) may then leave the machine.

import type { Endpoint, ServicePort } from './servicePorts.ts';

export interface RulesetNetwork {
  /** The nftables table (family ip). */
  table: string;
  /** This node's pod bridge: what arrives on it is pod traffic (upstream's "bridge interface" local-traffic detector). */
  bridge: string;
  /** The address masqueraded traffic leaves with (this node's pod gateway); without one, the outgoing interface's. */
  masqueradeAddress?: string;
  /** The Service range: an address in it that no Service has is dropped. */
  serviceCIDR: string;
  /**
   * Without br_netfilter a pod's reply to a pod on the same bridge never passes the host's
   * conntrack, so traffic from this node's pods to its own endpoints is masqueraded too.
   */
  masqueradeBridged: boolean;
}

export interface Ruleset {
  table: string;
  /** Base chains (with their hooks), maps and sets, the fixed regular chains: "add" commands, harmless to repeat. */
  declarations: string[];
  /** Every chain's rules, in order. */
  chains: Map<string, string[]>;
  /** The elements of the maps and sets a sync rewrites (key -> element). Affinity sets are not among them: their entries are the clients'. */
  elements: Map<string, { kind: 'map' | 'set'; entries: Map<string, string> }>;
  affinitySets: Set<string>;
}

/** Packet mark bits: to masquerade (upstream's bit 14), and replies routed by the main table. */
export const marks = { masquerade: 0x4000, reply: 0x2000 } as const;

const hex = (n: number) => `0x${n.toString(16)}`;
const addressPortProtocol = 'ip daddr . meta l4proto . th dport';
const notLoopback = 'ip daddr != 127.0.0.0/8';
const verdictMap = 'type ipv4_addr . inet_proto . inet_service : verdict;';
const portVerdictMap = 'type inet_proto . inet_service : verdict;';
const verdictMaps = ['cluster-ips', 'external-ips', 'no-endpoint-cluster-ips', 'no-endpoint-external-ips', 'firewall-ips'];
const portVerdictMaps = ['nodeports', 'no-endpoint-nodeports'];

/** The base chains and the fixed plumbing between them; the maps and sets they read. */
function fixedPart(net: RulesetNetwork): { declarations: string[]; rules: [string, string][] } {
  const bridge = `iifname ${JSON.stringify(net.bridge)}`;
  const masquerade = net.masqueradeAddress ? `snat to ${net.masqueradeAddress} fully-random` : 'masquerade fully-random';
  const declarations = [
    'add chain $T nat-prerouting { type nat hook prerouting priority -100; }',
    'add chain $T nat-output { type nat hook output priority -100; }',
    'add chain $T nat-postrouting { type nat hook postrouting priority 100; }',
    // After DNAT (-100): whatever is still addressed to a service was not taken by any rule.
    'add chain $T filter-prerouting { type filter hook prerouting priority -90; }',
    'add chain $T filter-output { type filter hook output priority -90; }',
    // Before DNAT (-100), while the destination is still the load balancer's address.
    'add chain $T filter-prerouting-pre-dnat { type filter hook prerouting priority -110; }',
    'add chain $T filter-output-pre-dnat { type filter hook output priority -110; }',
    // Before routing, so the reply mark can choose the routing table.
    'add chain $T mangle-prerouting { type filter hook prerouting priority -150; }',
    ...['services-external', 'cluster-ips-check', 'external-check', 'firewall-check', 'mark-for-masquerade', 'reject-chain'].map((c) => `add chain $T ${c}`),
    ...verdictMaps.map((m) => `add map $T ${m} { ${verdictMap} }`),
    ...portVerdictMaps.map((m) => `add map $T ${m} { ${portVerdictMap} }`),
    'add set $T allocated-cluster-ips { type ipv4_addr; }',
  ];
  const rules: [string, string][] = [
    ['nat-prerouting', `${bridge} ${addressPortProtocol} vmap @cluster-ips`],
    ['nat-prerouting', 'jump services-external'],
    ['nat-output', `${addressPortProtocol} vmap @cluster-ips`],
    ['nat-output', 'jump services-external'],
    ['services-external', `${addressPortProtocol} vmap @external-ips`],
    ['services-external', `fib daddr type local ${notLoopback} meta l4proto . th dport vmap @nodeports`],
    ['filter-prerouting', `ct state new ${bridge} jump cluster-ips-check`],
    ['filter-prerouting', 'ct state new jump external-check'],
    ['filter-output', 'ct state new jump cluster-ips-check'],
    ['filter-output', 'ct state new jump external-check'],
    ['cluster-ips-check', `${addressPortProtocol} vmap @no-endpoint-cluster-ips`],
    // A port the Service does not have is refused; an address no Service has, dropped (as upstream).
    ['cluster-ips-check', 'ip daddr @allocated-cluster-ips goto reject-chain'],
    ['cluster-ips-check', `ip daddr ${net.serviceCIDR} drop`],
    ['filter-prerouting-pre-dnat', 'ct state new jump firewall-check'],
    ['filter-output-pre-dnat', 'ct state new jump firewall-check'],
    ['firewall-check', `${addressPortProtocol} vmap @firewall-ips`],
    ['external-check', `${addressPortProtocol} vmap @no-endpoint-external-ips`],
    ['external-check', `fib daddr type local ${notLoopback} meta l4proto . th dport vmap @no-endpoint-nodeports`],
    ['mark-for-masquerade', `meta mark set meta mark | ${hex(marks.masquerade)}`],
    ['nat-postrouting', `meta mark & ${hex(marks.masquerade)} == 0 return`],
    ['nat-postrouting', `meta mark set meta mark ^ ${hex(marks.masquerade)}`],
    ['nat-postrouting', masquerade],
    ['mangle-prerouting', `ct direction reply ct status dnat meta mark set meta mark | ${hex(marks.reply)}`],
    // A reset for TCP: the host's own connections go by a route via lo, and the kernel sends no
    // ICMP error for those (its source would be the ClusterIP, no address of the host).
    ['reject-chain', 'meta l4proto tcp reject with tcp reset'],
    ['reject-chain', 'reject'],
  ];
  return { declarations, rules };
}

export function renderRuleset(ports: readonly ServicePort[], net: RulesetNetwork): Ruleset {
  const T = `ip ${net.table}`;
  const fixed = fixedPart(net);
  const declarations = fixed.declarations.map((d) => d.replace('$T', T));
  const chains = new Map<string, string[]>();
  for (const d of declarations) {
    const name = /^add chain \S+ \S+ (\S+)/.exec(d)?.[1];
    if (name) chains.set(name, []);
  }
  const affinitySets = new Set<string>();
  // Two Services may claim one address and port (two ServiceLB Services on port 80 both want
  // this node's address): the first, by namespace and name, has it; a key is in a map once.
  const elements: Ruleset['elements'] = new Map();
  for (const m of [...verdictMaps, ...portVerdictMaps]) elements.set(m, { kind: 'map', entries: new Map() });
  elements.set('allocated-cluster-ips', { kind: 'set', entries: new Map() });
  const element = (map: string, value: string) => {
    const { entries } = elements.get(map)!;
    const key = value.split(' : ')[0]!;
    if (!entries.has(key)) entries.set(key, value);
  };
  const rule = (chain: string, text: string) => chains.get(chain)!.push(text);
  for (const [chain, text] of fixed.rules) rule(chain, text);
  const chain = (name: string) => {
    if (!chains.has(name)) chains.set(name, []);
    return name;
  };
  const fromBridge = `iifname ${JSON.stringify(net.bridge)}`;

  for (const sp of ports) {
    const base = `${sp.namespace}/${sp.service}/${sp.protocol}/${sp.portName}`;
    const key = (address: string, port: number) => `${address} . ${sp.protocol} . ${port}`;
    const clusterChain = sp.clusterEndpoints.length > 0 ? chain(`service-${base}`) : undefined;
    const localChain = sp.localEndpoints.length > 0 ? chain(`local-${base}`) : undefined;
    const internalChain = sp.internalLocal ? localChain : clusterChain;
    // With no endpoint anywhere, traffic is rejected; with none here for a Local policy, dropped.
    const missing = sp.hasEndpoints ? 'drop' : 'goto reject-chain';
    const externalReachable = sp.externalLocal ? localChain !== undefined : sp.hasEndpoints;

    element('allocated-cluster-ips', sp.clusterIP);
    if (internalChain) {
      element('cluster-ips', `${key(sp.clusterIP, sp.port)} : goto ${internalChain}`);
      // Traffic to the ClusterIP that is not from this node's pods (the host's own) is masqueraded.
      rule(internalChain, `ip daddr ${sp.clusterIP} meta l4proto ${sp.protocol} th dport ${sp.port} iifname != ${JSON.stringify(net.bridge)} jump mark-for-masquerade`);
    } else {
      element('no-endpoint-cluster-ips', `${key(sp.clusterIP, sp.port)} : ${missing}`);
    }

    const externalChain = sp.hasEndpoints && (sp.nodePort !== undefined || sp.externalIPs.length > 0) ? chain(`external-${base}`) : undefined;
    for (const address of sp.externalIPs) {
      if (externalChain) element('external-ips', `${key(address, sp.port)} : goto ${externalChain}`);
      if (!externalReachable) element('no-endpoint-external-ips', `${key(address, sp.port)} : ${missing}`);
    }
    if (sp.firewall) {
      const firewallChain = chain(`firewall-${base}`);
      rule(firewallChain, `ip saddr != { ${sp.firewall.sourceRanges.join(', ')} } drop`);
      for (const address of sp.firewall.addresses) element('firewall-ips', `${key(address, sp.port)} : goto ${firewallChain}`);
    }
    if (sp.nodePort !== undefined) {
      if (externalChain) element('nodeports', `${sp.protocol} . ${sp.nodePort} : goto ${externalChain}`);
      if (!externalReachable) element('no-endpoint-nodeports', `${sp.protocol} . ${sp.nodePort} : ${missing}`);
    }
    if (externalChain) {
      if (!sp.externalLocal) {
        // The endpoint may be on another node: its reply must come back through this one.
        rule(externalChain, 'jump mark-for-masquerade');
        rule(externalChain, `goto ${clusterChain}`);
      } else {
        // Pods' and the host's own traffic is not external: no policy applies to it (upstream's short-circuits).
        rule(externalChain, `${fromBridge} goto ${clusterChain}`);
        rule(externalChain, 'fib saddr type local jump mark-for-masquerade');
        rule(externalChain, `fib saddr type local goto ${clusterChain}`);
        if (localChain) rule(externalChain, `goto ${localChain}`);
      }
    }

    const endpointChains = new Map<string, { chain: string; set?: string; endpoint: Endpoint }>();
    const endpointChain = (endpoint: Endpoint) => {
      const id = `${base}__${endpoint.ip}/${endpoint.port}`;
      let found = endpointChains.get(id);
      if (!found) {
        // The timeout is in the name: a changed timeout is a new set (a set's timeout cannot change).
        const set = sp.affinitySeconds ? `affinity-${sp.affinitySeconds}-${id}` : undefined;
        endpointChains.set(id, (found = { chain: chain(`endpoint-${id}`), set, endpoint }));
      }
      return found;
    };
    const balance = (policyChain: string | undefined, endpoints: Endpoint[]) => {
      if (!policyChain) return;
      const targets = endpoints.map(endpointChain);
      for (const t of targets) if (t.set) rule(policyChain, `ip saddr @${t.set} goto ${t.chain}`);
      rule(policyChain, `numgen random mod ${targets.length} vmap { ${targets.map((t, i) => `${i} : goto ${t.chain}`).join(', ')} }`);
    };
    balance(clusterChain, sp.clusterEndpoints);
    balance(localChain, sp.localEndpoints);

    for (const { chain: name, set, endpoint } of endpointChains.values()) {
      // A pod reaching itself through the Service (hairpin) must see the reply come from the Service.
      rule(name, `ip saddr ${endpoint.ip} jump mark-for-masquerade`);
      if (net.masqueradeBridged && endpoint.local) rule(name, `${fromBridge} jump mark-for-masquerade`);
      if (set) {
        declarations.push(`add set ${T} ${set} { type ipv4_addr; flags dynamic,timeout; timeout ${sp.affinitySeconds}s; }`);
        affinitySets.add(set);
        rule(name, `update @${set} { ip saddr }`);
      }
      rule(name, `meta l4proto ${sp.protocol} dnat to ${endpoint.ip}:${endpoint.port}`);
    }
  }

  return { table: T, declarations, chains, affinitySets, elements };
}

/** The whole table's content, to follow a `flush table` (which empties chains, not maps and sets). */
export function fullText(ruleset: Ruleset): string {
  const { table: T } = ruleset;
  const lines = [...ruleset.declarations];
  const declared = new Set(ruleset.declarations.flatMap((d) => /^add chain \S+ \S+ (\S+)/.exec(d)?.[1] ?? []));
  for (const name of ruleset.chains.keys()) if (!declared.has(name)) lines.push(`add chain ${T} ${name}`);
  for (const [name, { kind }] of ruleset.elements) lines.push(`flush ${kind} ${T} ${name}`);
  for (const [name, rules] of ruleset.chains) for (const rule of rules) lines.push(`add rule ${T} ${name} ${rule}`);
  for (const [name, { entries }] of ruleset.elements) if (entries.size > 0) lines.push(`add element ${T} ${name} { ${[...entries.values()].join(', ')} }`);
  return `${lines.join('\n')}\n`;
}

/**
 * What turns the table from one ruleset into the next: changed chains flushed and written
 * again, new ones added, gone ones flushed (deleting them is the caller's: see nftTable.ts),
 * map and set elements deleted and added.
 */
export function changesText(from: Ruleset, to: Ruleset): string {
  const { table: T } = to;
  const lines = [...to.declarations];
  const changed = [...to.chains].filter(([name, rules]) => {
    const before = from.chains.get(name);
    return !before || before.length !== rules.length || before.some((r, i) => r !== rules[i]);
  });
  // Every chain exists before any rule refers to it.
  for (const [name] of changed) lines.push(from.chains.has(name) ? `flush chain ${T} ${name}` : `add chain ${T} ${name}`);
  for (const [name, rules] of changed) for (const rule of rules) lines.push(`add rule ${T} ${name} ${rule}`);
  for (const name of from.chains.keys()) if (!to.chains.has(name)) lines.push(`flush chain ${T} ${name}`);
  for (const [name, { entries }] of to.elements) {
    const before = from.elements.get(name)?.entries ?? new Map<string, string>();
    const gone = [...before].filter(([key, value]) => entries.get(key) !== value).map(([key]) => key);
    const added = [...entries].filter(([key, value]) => before.get(key) !== value).map(([, value]) => value);
    if (gone.length > 0) lines.push(`delete element ${T} ${name} { ${gone.join(', ')} }`);
    if (added.length > 0) lines.push(`add element ${T} ${name} { ${added.join(', ')} }`);
  }
  return `${lines.join('\n')}\n`;
}
