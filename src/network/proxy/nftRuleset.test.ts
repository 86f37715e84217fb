import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { changesText, fullText, renderRuleset, type RulesetNetwork } from './nftRuleset.ts';
import { servicePortsOf } from './servicePorts.ts';
import { service, slice } from './testing/serviceObjects.ts';
import type { EndpointSlice, Service } from '../../api/objects.ts';

const net: RulesetNetwork = { table: 'skiff-proxy-test', bridge: 'skf0a2a0000', masqueradeAddress: '10.42.0.1', serviceCIDR: '10.43.0.0/16', masqueradeBridged: false };
const rulesetOf = (services: Service[], slices: EndpointSlice[], network = net) => renderRuleset(servicePortsOf(services, slices, { name: 'self' }), network);
const render = (services: Service[], slices: EndpointSlice[], network = net) => {
  const ruleset = rulesetOf(services, slices, network);
  return { ...ruleset, text: fullText(ruleset) };
};
/** The rules of one chain, in order. */
const rulesOf = (text: string, chain: string) => text.split('\n').filter((l) => l.startsWith(`add rule ip ${net.table} ${chain} `)).map((l) => l.slice(`add rule ip ${net.table} ${chain} `.length));
const elementsOf = (text: string, map: string) => /add element ip \S+ (\S+) \{ (.*) \}/.exec(text.split('\n').find((l) => l.startsWith(`add element ip ${net.table} ${map} `)) ?? '')?.[2]?.split(', ') ?? [];
const isRoot = process.getuid?.() === 0;

test('a ClusterIP leads to a random choice among its endpoints, each a DNAT of its own', () => {
  const { text, chains } = render([service('web', '10.43.0.10')], [slice('web', [{ ip: '10.42.0.2' }, { ip: '10.42.1.2', node: 'other' }])]);
  assert.deepEqual(elementsOf(text, 'cluster-ips'), ['10.43.0.10 . tcp . 80 : goto service-default/web/tcp/http']);
  assert.deepEqual(rulesOf(text, 'service-default/web/tcp/http'), [
    'ip daddr 10.43.0.10 meta l4proto tcp th dport 80 iifname != "skf0a2a0000" jump mark-for-masquerade',
    'numgen random mod 2 vmap { 0 : goto endpoint-default/web/tcp/http__10.42.0.2/8080, 1 : goto endpoint-default/web/tcp/http__10.42.1.2/8080 }',
  ]);
  assert.deepEqual(rulesOf(text, 'endpoint-default/web/tcp/http__10.42.1.2/8080'), [
    'ip saddr 10.42.1.2 jump mark-for-masquerade',
    'meta l4proto tcp dnat to 10.42.1.2:8080',
  ]);
  assert.ok(chains.has('endpoint-default/web/tcp/http__10.42.0.2/8080'));
  assert.match(text, /^flush map ip skiff-proxy-test cluster-ips$/m, 'a full sync rewrites the maps');
  assert.deepEqual(rulesOf(text, 'nat-postrouting').at(-1), 'snat to 10.42.0.1 fully-random');
  // ClusterIPs are taken from this node's pods (prerouting) and from the host (output).
  assert.deepEqual(rulesOf(text, 'nat-prerouting')[0], 'iifname "skf0a2a0000" ip daddr . meta l4proto . th dport vmap @cluster-ips');
  assert.deepEqual(rulesOf(text, 'nat-output')[0], 'ip daddr . meta l4proto . th dport vmap @cluster-ips');
});

test('no endpoint anywhere is a reject; none on this node for a Local policy, a drop', () => {
  const { text } = render(
    [service('empty', '10.43.0.11'), service('local', '10.43.0.12', { internalTrafficPolicy: 'Local' })],
    [slice('local', [{ ip: '10.42.1.2', node: 'other' }])],
  );
  assert.deepEqual(elementsOf(text, 'no-endpoint-cluster-ips'), ['10.43.0.11 . tcp . 80 : goto reject-chain', '10.43.0.12 . tcp . 80 : drop']);
  assert.deepEqual(elementsOf(text, 'cluster-ips'), []);
  assert.deepEqual(elementsOf(text, 'allocated-cluster-ips'), ['10.43.0.11', '10.43.0.12']);
  assert.deepEqual(rulesOf(text, 'cluster-ips-check'), [
    'ip daddr . meta l4proto . th dport vmap @no-endpoint-cluster-ips',
    'ip daddr @allocated-cluster-ips goto reject-chain',
    'ip daddr 10.43.0.0/16 drop',
  ]);
});

test('ClientIP affinity: a timed set per endpoint, consulted before the random choice and refreshed on each new connection', () => {
  const spec = { sessionAffinity: 'ClientIP' as const, sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } };
  const { text, affinitySets } = render([service('web', '10.43.0.10', spec)], [slice('web', [{ ip: '10.42.0.2' }, { ip: '10.42.0.3' }])]);
  const set = 'affinity-60-default/web/tcp/http__10.42.0.2/8080';
  assert.ok(affinitySets.has(set));
  assert.match(text, new RegExp(`add set ip skiff-proxy-test ${set} \\{ type ipv4_addr; flags dynamic,timeout; timeout 60s; \\}`));
  const service_ = rulesOf(text, 'service-default/web/tcp/http');
  assert.equal(service_[1], `ip saddr @${set} goto endpoint-default/web/tcp/http__10.42.0.2/8080`);
  assert.match(service_[3]!, /^numgen random mod 2 /);
  assert.deepEqual(rulesOf(text, 'endpoint-default/web/tcp/http__10.42.0.2/8080')[1], `update @${set} { ip saddr }`);
});

test('loadBalancerSourceRanges: the load balancer\'s addresses, before DNAT, admit only those clients (not externalIPs, not NodePorts)', () => {
  const guarded = {
    ...service('guarded', '10.43.0.20', { type: 'LoadBalancer', externalIPs: ['198.51.100.7'], loadBalancerSourceRanges: ['203.0.113.0/24', ' 192.0.2.0/28 '], ports: [{ name: 'http', port: 80, nodePort: 30020, protocol: 'TCP' }] }),
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.2', ipMode: 'VIP' }] } },
  };
  const { text } = render([guarded], [slice('guarded', [{ ip: '10.42.0.2' }])]);
  assert.deepEqual(elementsOf(text, 'firewall-ips'), ['192.0.2.2 . tcp . 80 : goto firewall-default/guarded/tcp/http']);
  assert.deepEqual(rulesOf(text, 'firewall-default/guarded/tcp/http'), ['ip saddr != { 203.0.113.0/24, 192.0.2.0/28 } drop']);
  assert.deepEqual(rulesOf(text, 'filter-prerouting-pre-dnat'), ['ct state new jump firewall-check']);
  const open = render([{ ...guarded, spec: { ...guarded.spec, loadBalancerSourceRanges: [] } }], [slice('guarded', [{ ip: '10.42.0.2' }])]);
  assert.deepEqual(elementsOf(open.text, 'firewall-ips'), []);
});

test('NodePorts and external addresses: Cluster policy masquerades; Local keeps the client, short-circuits pods and the host, drops without local endpoints', () => {
  const nodePort = (name: string, port: number, policy: 'Cluster' | 'Local') => ({
    ...service(name, `10.43.0.${port - 30000}`, { type: 'LoadBalancer', externalTrafficPolicy: policy, ports: [{ name: 'http', port: 80, nodePort: port, protocol: 'TCP' }] }),
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.2', ipMode: 'VIP' }] } },
  });
  const { text } = render(
    [nodePort('cluster', 30001, 'Cluster'), nodePort('local', 30002, 'Local'), nodePort('remote', 30003, 'Local')],
    [slice('cluster', [{ ip: '10.42.1.2', node: 'other' }]), slice('local', [{ ip: '10.42.0.2' }, { ip: '10.42.1.3', node: 'other' }]), slice('remote', [{ ip: '10.42.1.4', node: 'other' }])],
  );
  assert.deepEqual(elementsOf(text, 'nodeports'), ['tcp . 30001 : goto external-default/cluster/tcp/http', 'tcp . 30002 : goto external-default/local/tcp/http', 'tcp . 30003 : goto external-default/remote/tcp/http']);
  assert.deepEqual(rulesOf(text, 'external-default/cluster/tcp/http'), ['jump mark-for-masquerade', 'goto service-default/cluster/tcp/http']);
  assert.deepEqual(rulesOf(text, 'external-default/local/tcp/http'), [
    'iifname "skf0a2a0000" goto service-default/local/tcp/http',
    'fib saddr type local jump mark-for-masquerade',
    'fib saddr type local goto service-default/local/tcp/http',
    'goto local-default/local/tcp/http',
  ]);
  assert.deepEqual(rulesOf(text, 'local-default/local/tcp/http'), ['numgen random mod 1 vmap { 0 : goto endpoint-default/local/tcp/http__10.42.0.2/8080 }']);
  assert.deepEqual(elementsOf(text, 'no-endpoint-nodeports'), ['tcp . 30003 : drop']);
  // ServiceLB: this node's address on the service port, like a NodePort.
  assert.ok(elementsOf(text, 'external-ips').includes('192.0.2.2 . tcp . 80 : goto external-default/cluster/tcp/http'));
  assert.deepEqual(rulesOf(text, 'services-external'), [
    'ip daddr . meta l4proto . th dport vmap @external-ips',
    'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @nodeports',
  ]);
});

test('without br_netfilter, pod traffic to endpoints on this node is masqueraded', () => {
  const { text } = render([service('web', '10.43.0.10')], [slice('web', [{ ip: '10.42.0.2' }, { ip: '10.42.1.2', node: 'other' }])], { ...net, masqueradeBridged: true });
  assert.ok(rulesOf(text, 'endpoint-default/web/tcp/http__10.42.0.2/8080').includes('iifname "skf0a2a0000" jump mark-for-masquerade'));
  assert.ok(!rulesOf(text, 'endpoint-default/web/tcp/http__10.42.1.2/8080').includes('iifname "skf0a2a0000" jump mark-for-masquerade'));
});

test('nft accepts the ruleset', { skip: !isRoot && 'needs root' }, () => {
  const spec = { type: 'NodePort' as const, externalTrafficPolicy: 'Local' as const, sessionAffinity: 'ClientIP' as const, sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } }, ports: [{ name: 'http', port: 80, nodePort: 30001, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] };
  const first = rulesetOf([service('web', '10.43.0.10', spec), service('empty', '10.43.0.11')], [slice('web', [{ ip: '10.42.0.2' }, { ip: '10.42.1.2', node: 'other' }])]);
  const next = rulesetOf([service('web', '10.43.0.10', spec), service('empty', '10.43.0.11')], [slice('web', [{ ip: '10.42.0.2' }]), slice('empty', [{ ip: '10.42.0.5' }])]);
  // Check mode: parsed and validated by the kernel, nothing applied.
  execFileSync('nft', ['-c', '-f', '-'], { input: `add table ip ${net.table}\n${fullText(first)}` });
  execFileSync('nft', ['-c', '-f', '-'], { input: `add table ip ${net.table}\n${fullText(first)}${changesText(first, next)}` });
});

test('an address and port two Services claim goes to the first by namespace and name', () => {
  const lb = (name: string, clusterIP: string) => ({
    ...service(name, clusterIP, { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30000 + Number(clusterIP.split('.')[3]), protocol: 'TCP' }] }),
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.2', ipMode: 'VIP' }] } },
  });
  const { text } = render([lb('b', '10.43.0.2'), lb('a', '10.43.0.1')], [slice('a', [{ ip: '10.42.0.2' }]), slice('b', [{ ip: '10.42.0.3' }])]);
  assert.deepEqual(elementsOf(text, 'external-ips'), ['192.0.2.2 . tcp . 80 : goto external-default/a/tcp/http']);
});

test('a sync after a change writes only what changed', () => {
  const before = rulesetOf([service('web', '10.43.0.10'), service('api', '10.43.0.11')], [slice('web', [{ ip: '10.42.0.2' }, { ip: '10.42.0.3' }]), slice('api', [{ ip: '10.42.0.4' }])]);
  const after = rulesetOf([service('web', '10.43.0.10'), service('api', '10.43.0.11')], [slice('web', [{ ip: '10.42.0.2' }]), slice('api', [{ ip: '10.42.0.4' }])]);
  const lines = changesText(before, after).split('\n').filter((l) => l && !l.startsWith('add chain ip skiff-proxy-test ') && !/^add (map|set) /.test(l));
  assert.deepEqual(lines, [
    'flush chain ip skiff-proxy-test service-default/web/tcp/http',
    'add rule ip skiff-proxy-test service-default/web/tcp/http ip daddr 10.43.0.10 meta l4proto tcp th dport 80 iifname != "skf0a2a0000" jump mark-for-masquerade',
    'add rule ip skiff-proxy-test service-default/web/tcp/http numgen random mod 1 vmap { 0 : goto endpoint-default/web/tcp/http__10.42.0.2/8080 }',
    'flush chain ip skiff-proxy-test endpoint-default/web/tcp/http__10.42.0.3/8080',
  ]);
  const emptied = rulesetOf([service('web', '10.43.0.10'), service('api', '10.43.0.11')], [slice('api', [{ ip: '10.42.0.4' }])]);
  const mapLines = changesText(after, emptied).split('\n').filter((l) => l.includes('element'));
  assert.deepEqual(mapLines, [
    'delete element ip skiff-proxy-test cluster-ips { 10.43.0.10 . tcp . 80 }',
    'add element ip skiff-proxy-test no-endpoint-cluster-ips { 10.43.0.10 . tcp . 80 : goto reject-chain }',
  ]);
});
