// Routes between machines: the plan from the Nodes, then (as root) two "machines" built from
// network namespaces this test creates, each with a node bridge and a pod made by the runtime's
// own network code, joined by a veth with TEST-NET-2 addresses: the routes appear, pods reach
// each other across the machines, and the routes follow the Nodes. Nothing outside the test's
// namespaces is touched.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { Node } from '../../api/objects.ts';
import { waitFor, killOnExit } from '../../../test/e2e/harness.ts';
import { planNodeRoutes, removeNodeRoutes, syncNodeRoutes } from './nodeRoutes.ts';

const run = promisify(execFile);

function node(name: string, podCIDR: string | undefined, internalIP: string | undefined): Node {
  return {
    metadata: { name },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: internalIP ? [{ type: 'InternalIP', address: internalIP }, { type: 'Hostname', address: name }] : [] },
  };
}

test('every other machine\'s pod range is routed via its node\'s InternalIP', () => {
  const plan = planNodeRoutes([
    node('self', '10.42.0.0/24', '192.0.2.10'),
    node('b', '10.42.2.0/24', '192.0.2.12'),
    node('a', '10.42.1.0/24', '192.0.2.11'),
  ], 'self', new Set(['192.0.2.10', '127.0.0.1']));
  assert.deepEqual(plan.routes, [{ podCIDR: '10.42.1.0/24', via: '192.0.2.11' }, { podCIDR: '10.42.2.0/24', via: '192.0.2.12' }]);
  assert.deepEqual(plan.localPodCIDRs, ['10.42.0.0/24']);
  assert.equal(plan.address, '192.0.2.10');
});

test('nodes on this machine, and nodes without a range or an address, get no route', () => {
  const plan = planNodeRoutes([
    node('self', '10.42.0.0/24', '192.0.2.10'),
    node('same-host', '10.42.1.0/24', '192.0.2.10'),
    node('other-local-address', '10.42.2.0/24', '198.51.100.7'),
    node('simulated', '10.200.0.0/16', '127.5.0.4'),
    node('no-range', undefined, '192.0.2.20'),
    node('no-address', '10.42.3.0/24', undefined),
    node('ipv6', 'fd00::/64', '192.0.2.21'),
  ], 'self', new Set(['192.0.2.10', '198.51.100.7']));
  assert.deepEqual(plan.routes, []);
  assert.deepEqual(plan.localPodCIDRs, ['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24'], 'a simulated node\'s range is no pod range of this machine');
});

test('a range that is one of this machine\'s, or that another node claims first, is never routed away', () => {
  const plan = planNodeRoutes([
    node('self', '10.42.0.0/24', '192.0.2.10'),
    node('stale', '10.42.0.0/24', '192.0.2.11'),
    node('x', '10.42.5.0/24', '192.0.2.12'),
    node('y', '10.42.5.0/24', '192.0.2.13'),
  ], 'self', new Set(['192.0.2.10']));
  assert.deepEqual(plan.routes, [{ podCIDR: '10.42.5.0/24', via: '192.0.2.12' }]);
});

test('a node whose own address is not on this host has no uplink', () => {
  const plan = planNodeRoutes([node('self', '10.42.0.0/24', '127.0.0.1'), node('a', '10.42.1.0/24', '192.0.2.11')], 'self', new Set(['127.0.0.1']));
  assert.equal(plan.address, undefined);
  assert.deepEqual(plan.routes, [{ podCIDR: '10.42.1.0/24', via: '192.0.2.11' }]);
});

// ---- as root, in network namespaces

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const tag = (process.pid % 10000).toString().padStart(4, '0');
const machines = { a: `skrt${tag}a`, b: `skrt${tag}b` };
// Pod namespaces are named by the runtime after the pod's uid (skiff-<uid8>).
const pods = { a: { uid: `a${tag}aaa-pod`, ip: '10.42.240.5' }, b: { uid: `b${tag}bbb-pod`, ip: '10.42.241.5' } };
const podNetns = (uid: string) => `skiff-${uid.replace(/-/g, '').slice(0, 8)}`;
const nodes = {
  a: node('node-a', '10.42.240.0/24', '198.51.100.1'),
  b: node('node-b', '10.42.241.0/24', '198.51.100.2'),
};
const podNetworkModule = new URL('../../runtime/process/podNetwork.ts', import.meta.url).pathname;

function removeNamespaces(): void {
  const all = [...Object.values(machines), ...Object.values(pods).map((p) => podNetns(p.uid))];
  execFileSync('sh', ['-c', all.map((ns) => `ip netns del ${ns} 2>/dev/null`).join('; ') + '; true']);
}

if (isRoot) process.on('exit', removeNamespaces);
after(() => {
  if (isRoot) removeNamespaces();
});

/** Runs the runtime's own node and pod network setup in a machine's network namespace. */
async function machineWithPod(netns: string, podCIDR: string, pod: { uid: string; ip: string }): Promise<void> {
  const script = `
    const { ensureNodeNetwork, setUpPodNetwork, bridgeNameFor } = await import(${JSON.stringify(podNetworkModule)});
    const net = { bridge: bridgeNameFor(${JSON.stringify(podCIDR)}), podCIDR: ${JSON.stringify(podCIDR)}, rejectCIDRs: ['10.42.0.0/16'] };
    await ensureNodeNetwork(net);
    await setUpPodNetwork(net, ${JSON.stringify(pod.uid)}, ${JSON.stringify(pod.ip)});`;
  // nsenter, not `ip netns exec`: the pod's namespace must be named in the host's mounts.
  await run('nsenter', [`--net=/run/netns/${netns}`, process.execPath, '--input-type=module', '-e', script]);
}

async function ipIn(netns: string, ...args: string[]): Promise<string> {
  return (await run('ip', ['-n', netns, ...args])).stdout;
}

/** Connects from one pod to a port in another and returns what it answered. */
async function fetchFrom(netns: string, ip: string, port: number): Promise<string> {
  const script = `const s = require('node:net').connect(${port}, '${ip}'); s.setTimeout(2000, () => process.exit(3)); s.on('data', (d) => process.stdout.write(d)); s.on('error', () => process.exit(2));`;
  try {
    return (await run('ip', ['netns', 'exec', netns, process.execPath, '-e', script], { timeout: 5000 })).stdout;
  } catch {
    return '';
  }
}

test('as root: routes to a peer machine are kept in the main table, and pods reach each other across it', { skip: !isRoot && 'needs root' }, async () => {
  removeNamespaces();
  for (const ns of Object.values(machines)) await run('ip', ['netns', 'add', ns]);
  await ipIn(machines.a, 'link', 'add', 'uplink', 'type', 'veth', 'peer', 'name', 'uplink', 'netns', machines.b);
  for (const [key, address] of [['a', '198.51.100.1/24'], ['b', '198.51.100.2/24']] as const) {
    await ipIn(machines[key], 'addr', 'add', address, 'dev', 'uplink');
    await ipIn(machines[key], 'link', 'set', 'uplink', 'up');
    await ipIn(machines[key], 'link', 'set', 'lo', 'up');
    await machineWithPod(machines[key], nodes[key].spec!.podCIDR!, pods[key]);
  }

  const both = [nodes.a, nodes.b];
  await syncNodeRoutes(both, 'node-a', { netns: machines.a });
  await syncNodeRoutes(both, 'node-b', { netns: machines.b });
  assert.match(await ipIn(machines.a, 'route', 'show', '10.42.241.0/24'), /^10\.42\.241\.0\/24 via 198\.51\.100\.2 dev uplink proto 76/);
  assert.match(await ipIn(machines.b, 'route', 'show', '10.42.240.0/24'), /^10\.42\.240\.0\/24 via 198\.51\.100\.1 dev uplink proto 76/);
  // What arrives on the uplink is forwarded to this machine's pods only.
  assert.match(await ipIn(machines.b, 'rule', 'show', 'pref', '9110'), /to 10\.42\.241\.0\/24 iif uplink lookup main/);
  assert.match(await ipIn(machines.b, 'rule', 'show', 'pref', '9111'), /iif uplink unreachable/);
  // A second pass changes nothing.
  await syncNodeRoutes(both, 'node-a', { netns: machines.a });
  assert.equal((await ipIn(machines.a, 'rule', 'show', 'pref', '9110')).trim().split('\n').length, 1);

  // A pod on machine b serves; a pod on machine a reaches it through both hosts.
  const server = spawn('ip', ['netns', 'exec', podNetns(pods.b.uid), process.execPath, '-e',
    `require('node:net').createServer((s) => s.end('hello from b\\n')).listen(8080, () => console.log('listening'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  killOnExit(server);
  try {
    let listening = false;
    server.stdout.once('data', () => (listening = true));
    await waitFor(() => listening, 5000, 'the server in pod b listening');
    assert.equal(await fetchFrom(podNetns(pods.a.uid), pods.b.ip, 8080), 'hello from b\n');
  } finally {
    server.kill();
  }

  // The peer's address changes, then the peer goes: the route follows, then is removed.
  const moved = node('node-b', '10.42.241.0/24', '198.51.100.3');
  await syncNodeRoutes([nodes.a, moved], 'node-a', { netns: machines.a });
  assert.match(await ipIn(machines.a, 'route', 'show', '10.42.241.0/24'), /via 198\.51\.100\.3 /);
  await syncNodeRoutes([nodes.a], 'node-a', { netns: machines.a });
  assert.equal(await ipIn(machines.a, 'route', 'show', '10.42.241.0/24'), '');
  // The runtime's fallback stays: nothing for the cluster's range leaves by another route.
  assert.match(await ipIn(machines.a, 'route', 'show', '10.42.0.0/16'), /^unreachable 10\.42\.0\.0\/16/);

  // killall takes back the routes, the uplink's forwarding and its rules.
  await removeNodeRoutes({ netns: machines.b });
  assert.equal(await ipIn(machines.b, 'route', 'show', 'proto', '76'), '');
  assert.equal(await ipIn(machines.b, 'rule', 'show', 'pref', '9110'), '');
  assert.equal(await ipIn(machines.b, 'rule', 'show', 'pref', '9111'), '');
  assert.equal((await run('ip', ['netns', 'exec', machines.b, 'cat', '/proc/sys/net/ipv4/conf/uplink/forwarding'])).stdout.trim(), '0');
});

test('as root: a route someone else made for a peer\'s range is left alone', { skip: !isRoot && 'needs root' }, async () => {
  const netns = `skrt${tag}c`;
  await run('ip', ['netns', 'add', netns]);
  try {
    await ipIn(netns, 'link', 'add', 'uplink', 'type', 'veth', 'peer', 'name', 'peer');
    await ipIn(netns, 'addr', 'add', '198.51.100.1/24', 'dev', 'uplink');
    await ipIn(netns, 'link', 'set', 'uplink', 'up');
    await ipIn(netns, 'route', 'add', '10.42.241.0/24', 'via', '198.51.100.9');
    const logged: string[] = [];
    await syncNodeRoutes([nodes.a, nodes.b], 'node-a', { netns, log: (m) => logged.push(m) });
    assert.match(await ipIn(netns, 'route', 'show', '10.42.241.0/24'), /via 198\.51\.100\.9 /);
    assert.deepEqual(logged, ['not routing 10.42.241.0/24 via 198.51.100.2: the main table has a route for it that skiff did not make']);
  } finally {
    await run('ip', ['netns', 'del', netns]);
  }
});
