// The service proxy for real (as root): a node network built with the runtime's own code (a test
// bridge, 10.42.250.0/24, its policy rules) with three "pods" (network namespaces) running a
// small TCP and UDP server that answers with its name and the client's address, an "external
// client" in a namespace of its own on a TEST-NET-2 link, and the proxy fed Services and
// EndpointSlices directly. Traffic to ClusterIPs, NodePorts and this node's ServiceLB address
// is checked from the host, from a pod and from outside. Everything is removed afterwards.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { createSocket } from 'node:dgram';
import type { Node } from '../../api/objects.ts';
import { types } from '../../client/resourceTypes.ts';
import { killOnExit, waitFor } from '../../../test/e2e/harness.ts';
import { ensureNodeNetwork, gatewayOf, netnsName, removeNodeNetwork, setUpPodNetwork, tearDownPodNetwork, type NodeNetwork } from '../../runtime/process/podNetwork.ts';
import { proxyTableName } from './proxyCleanup.ts';
import { startServiceProxy, type ServiceProxy } from './serviceProxy.ts';
import { createMemoryInformers } from '../../client/testing/memoryInformers.ts';
import { service, slice } from './testing/serviceObjects.ts';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const tag = (process.pid % 10000).toString().padStart(4, '0');
const network: NodeNetwork = { bridge: `skp${tag}`, podCIDR: '10.42.250.0/24', rejectCIDRs: ['10.42.250.0/24', '10.43.250.0/24'] };
const serviceCIDR = '10.43.250.0/24';
const gateway = gatewayOf(network.podCIDR);
const pods = ['a', 'b', 'c'].map((name, i) => ({ name, uid: `px${tag}${i}0`, ip: `10.42.250.${10 + i}` }));
const outside = { ns: `skiff-pxo${tag}`, hostEnd: `skq${tag}`, hostIP: '198.51.100.1', clientIP: '198.51.100.2' };
const servers: ChildProcess[] = [];
const informers = createMemoryInformers();
let proxy: ServiceProxy | undefined;

const serverScript = `
import socketserver, sys, threading
name = sys.argv[1]
class Tcp(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(f"{name} {self.client_address[0]}\\n".encode())
class Udp(socketserver.BaseRequestHandler):
    def handle(self):
        self.request[1].sendto(f"{name} {self.client_address[0]}\\n".encode(), self.client_address)
socketserver.ThreadingTCPServer.allow_reuse_address = True
tcp = socketserver.ThreadingTCPServer(("", 8080), Tcp)
threading.Thread(target=socketserver.ThreadingUDPServer(("", 5353), Udp).serve_forever, daemon=True).start()
print("ready", flush=True)
tcp.serve_forever()
`;
/** Connects n times to host:port from inside a namespace; one line per connection: the answer, or ERR and the error. */
const clientScript = `
import socket, sys
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for _ in range(n):
    try:
        s = socket.create_connection((host, port), timeout=3)
        print(s.makefile().readline().strip(), flush=True)
        s.close()
    except OSError as e:
        print("ERR", type(e).__name__, flush=True)
`;

const sh = (...argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });

// Should the after hook not get to run, what this file made goes when the process exits.
process.on('exit', () => {
  if (!isRoot) return;
  for (const server of servers) server.kill('SIGKILL');
  const script = [
    ...pods.map((p) => `ip netns del ${netnsName(p.uid)}`),
    `ip netns del ${outside.ns}`,
    `ip link del ${network.bridge}`,
    `nft delete table ip ${proxyTableName(network.bridge)}`,
    'true',
  ].join('\n');
  execFileSync('sh', ['-c', script], { stdio: 'ignore' });
});

before(async () => {
  if (!isRoot) return;
  await ensureNodeNetwork(network);
  for (const pod of pods) {
    await setUpPodNetwork(network, pod.uid, pod.ip);
    // A pod reaching itself through a Service needs its bridge port to send frames back where
    // they came from (kubelet's hairpin-veth mode).
    sh('ip', 'link', 'set', `veth${netnsName(pod.uid).slice(6)}`, 'type', 'bridge_slave', 'hairpin', 'on');
    const server = spawn('ip', ['netns', 'exec', netnsName(pod.uid), 'python3', '-u', '-c', serverScript, pod.name], { stdio: ['ignore', 'pipe', 'inherit'] });
    killOnExit(server);
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve());
      server.once('exit', (code) => reject(new Error(`pod ${pod.name}'s server exited with ${code}`)));
    });
  }
  // The outside world: a client behind a link to this host, which forwards for it (as an uplink would).
  sh('ip', 'netns', 'add', outside.ns);
  sh('ip', 'link', 'add', outside.hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside.ns);
  sh('ip', 'addr', 'add', `${outside.hostIP}/30`, 'dev', outside.hostEnd);
  sh('ip', 'link', 'set', outside.hostEnd, 'up');
  sh('sysctl', '-qw', `net.ipv4.conf.${outside.hostEnd}.forwarding=1`);
  sh('ip', '-n', outside.ns, 'addr', 'add', `${outside.clientIP}/30`, 'dev', 'eth0');
  sh('ip', '-n', outside.ns, 'link', 'set', 'eth0', 'up');
  sh('ip', '-n', outside.ns, 'route', 'add', 'default', 'via', outside.hostIP);

  const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'self' }, status: { addresses: [{ type: 'InternalIP', address: outside.hostIP }] } };
  informers.put(types.nodes, node);
  proxy = startServiceProxy({ informers, nodeName: 'self', signal: new AbortController().signal, network, serviceCIDR });
});

after(async () => {
  if (!isRoot) return;
  await proxy?.stop();
  for (const server of servers) server.kill('SIGKILL');
  for (const pod of pods) await tearDownPodNetwork(pod.uid);
  execFileSync('ip', ['netns', 'del', outside.ns]);
  await removeNodeNetwork(network);
});

const endpoints = (names: string[]) => pods.filter((p) => names.includes(p.name)).map((p) => ({ ip: p.ip }));
/** The Service, its slice, and the rules applied. */
async function publish(s: ReturnType<typeof service>, onPods: string[], sliceOptions: Parameters<typeof slice>[2] = {}): Promise<void> {
  informers.put(types.services, s);
  informers.put(types.endpointSlices, slice(s.metadata!.name!, endpoints(onPods), sliceOptions));
  await proxy!.synced();
}

/** One TCP connection from the host: the answer, or the error's code. */
function ask(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('end', () => resolve(data.trim()));
    socket.on('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function askMany(host: string, port: number, n: number): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < n; i++) answers.push(await ask(host, port));
  return answers;
}

/** n connections made from inside a network namespace. */
function askFrom(ns: string, host: string, port: number, n: number): string[] {
  return sh('ip', 'netns', 'exec', ns, 'python3', '-c', clientScript, host, String(port), String(n)).trim().split('\n');
}

const names = (answers: string[]) => [...new Set(answers.map((a) => a.split(' ')[0]!))].sort();
const clients = (answers: string[]) => [...new Set(answers.map((a) => a.split(' ')[1]))].sort();

test('the host reaches every endpoint through the ClusterIP, and TCP and UDP both', { skip: !isRoot && 'needs root' }, async () => {
  await publish(service('web', '10.43.250.10', { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }), ['a', 'b', 'c']);
  assert.deepEqual(names(await askMany('10.43.250.10', 80, 60)), ['a', 'b', 'c']);

  const dns = service('dns', '10.43.250.53', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
  informers.put(types.services, dns);
  informers.put(types.endpointSlices, { ...slice('dns', endpoints(['b'])), ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }] });
  await proxy!.synced();
  const udp = createSocket('udp4');
  try {
    const answer = await new Promise<string>((resolve) => {
      udp.on('message', (m) => resolve(m.toString().trim()));
      udp.send('?', 53, '10.43.250.53');
    });
    assert.match(answer, /^b /);
  } finally {
    udp.close();
  }
});

test('a pod reaches the Service too, itself included (hairpin), and every pod sees the client as itself or the gateway', { skip: !isRoot && 'needs root' }, async () => {
  const answers = askFrom(netnsName(pods[0]!.uid), '10.43.250.10', 80, 60);
  assert.deepEqual(names(answers), ['a', 'b', 'c']);
  // Other pods see pod a's own address (no masquerade); pod a, reaching itself, sees the gateway.
  for (const answer of answers) assert.equal(answer.split(' ')[1], answer.startsWith('a ') ? gateway : pods[0]!.ip, answer);
});

test('NodePorts answer on the host\'s addresses, from the host, a pod and outside; not on 127.0.0.1', { skip: !isRoot && 'needs root' }, async () => {
  await publish(service('np', '10.43.250.11', { type: 'NodePort', externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', port: 80, nodePort: 30999, protocol: 'TCP' }] }), ['a', 'b']);
  assert.deepEqual(names(await askMany(gateway, 30999, 30)), ['a', 'b']);
  assert.deepEqual(names(await askMany(outside.hostIP, 30999, 30)), ['a', 'b']);
  assert.deepEqual(names(askFrom(netnsName(pods[2]!.uid), gateway, 30999, 30)), ['a', 'b']);
  // From outside, with the Cluster policy: the endpoint may be elsewhere, so the client is masqueraded.
  const fromOutside = askFrom(outside.ns, outside.hostIP, 30999, 30);
  assert.deepEqual(names(fromOutside), ['a', 'b']);
  assert.deepEqual(clients(fromOutside), [gateway]);
  assert.equal(await ask('127.0.0.1', 30999), 'ECONNREFUSED');
});

test('externalTrafficPolicy Local keeps the external client\'s address and drops where no endpoint is local; the load balancer\'s address serves', { skip: !isRoot && 'needs root' }, async () => {
  // ServiceLB names the node's address in the status.
  const lb = (name: string, clusterIP: string, nodePort: number, port: number) => ({
    ...service(name, clusterIP, { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port, nodePort, protocol: 'TCP' }] }),
    status: { loadBalancer: { ingress: [{ ip: outside.hostIP, ipMode: 'VIP' }] } },
  });
  await publish(lb('local', '10.43.250.12', 30998, 8001), ['c']);
  const fromOutside = askFrom(outside.ns, outside.hostIP, 30998, 5);
  assert.deepEqual(fromOutside, Array(5).fill(`c ${outside.clientIP}`));
  // The load balancer's address on the service port, like the NodePort.
  assert.deepEqual(askFrom(outside.ns, outside.hostIP, 8001, 3), Array(3).fill(`c ${outside.clientIP}`));

  informers.put(types.services, lb('remote', '10.43.250.13', 30997, 8002));
  informers.put(types.endpointSlices, slice('remote', [{ ip: pods[1]!.ip, node: 'other' }]));
  await proxy!.synced();
  assert.deepEqual(askFrom(outside.ns, outside.hostIP, 30997, 1), ['ERR TimeoutError'], 'dropped: no endpoint on this node');
  // The host and pods are not external: they still reach the endpoint elsewhere.
  assert.deepEqual(names(await askMany(outside.hostIP, 30997, 3)), ['b']);
});

test('loadBalancerSourceRanges keep other clients off the load balancer\'s address', { skip: !isRoot && 'needs root' }, async () => {
  const guarded = (ranges: string[]) => ({
    ...service('guarded', '10.43.250.16', { type: 'LoadBalancer', loadBalancerSourceRanges: ranges, ports: [{ name: 'http', port: 8003, nodePort: 30995, protocol: 'TCP' }] }),
    status: { loadBalancer: { ingress: [{ ip: outside.hostIP, ipMode: 'VIP' }] } },
  });
  await publish(guarded(['203.0.113.0/24']), ['c']);
  assert.deepEqual(askFrom(outside.ns, outside.hostIP, 8003, 1), ['ERR TimeoutError'], 'a client outside the ranges is dropped');
  informers.put(types.services, guarded([`${outside.clientIP}/32`]));
  await proxy!.synced();
  assert.deepEqual(names(askFrom(outside.ns, outside.hostIP, 8003, 2)), ['c'], 'a client inside them is served');
});

test('an endpoint removed from the slice receives nothing more', { skip: !isRoot && 'needs root' }, async () => {
  informers.put(types.endpointSlices, slice('web', endpoints(['a', 'b'])));
  await proxy!.synced();
  assert.deepEqual(names(await askMany('10.43.250.10', 80, 40)), ['a', 'b']);
  informers.put(types.endpointSlices, slice('web', [...endpoints(['a']), { ip: pods[1]!.ip, ready: false, serving: true, terminating: true }]));
  await proxy!.synced();
  assert.deepEqual(names(await askMany('10.43.250.10', 80, 20)), ['a'], 'a terminating endpoint is not used while one is ready');
});

test('ClientIP session affinity keeps a client on one endpoint', { skip: !isRoot && 'needs root' }, async () => {
  await publish(service('sticky', '10.43.250.14', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), ['a', 'b', 'c']);
  assert.equal(names(await askMany('10.43.250.14', 80, 30)).length, 1);
  assert.equal(names(askFrom(netnsName(pods[1]!.uid), '10.43.250.14', 80, 20)).length, 1);
});

test('no endpoints: the ClusterIP and the NodePort refuse; an unknown port of a ClusterIP too', { skip: !isRoot && 'needs root' }, async () => {
  await publish(service('none', '10.43.250.15', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30996, protocol: 'TCP' }] }), []);
  assert.equal(await ask('10.43.250.15', 80), 'ECONNREFUSED');
  assert.equal(await ask(gateway, 30996), 'ECONNREFUSED');
  assert.equal(await ask('10.43.250.10', 81), 'ECONNREFUSED');
  assert.deepEqual(askFrom(netnsName(pods[0]!.uid), '10.43.250.15', 80, 1), ['ERR ConnectionRefusedError']);
});

test('stopping removes the table and the routing it added; other tables are untouched', { skip: !isRoot && 'needs root' }, async () => {
  sh('nft', 'add', 'table', 'ip', `skiff-other${tag}`);
  try {
    await proxy!.stop();
    const tables = sh('nft', 'list', 'tables', 'ip');
    assert.doesNotMatch(tables, new RegExp(`${proxyTableName(network.bridge)}\\b`));
    assert.match(tables, new RegExp(`skiff-other${tag}`));
    assert.doesNotMatch(sh('ip', 'rule', 'show', 'pref', '9080'), /lookup 170588672\b/);
    await waitFor(async () => (await ask('10.43.250.10', 80)) !== 'a' && (await ask('10.43.250.10', 80)) !== 'b', 5000, 'the ClusterIP to stop answering');
  } finally {
    sh('nft', 'delete', 'table', 'ip', `skiff-other${tag}`);
  }
});

test('without a pod network the proxy serves NodePorts in user space', async () => {
  const own = createMemoryInformers();
  const backend = createServer((socket) => socket.end('user space\n'));
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const nodePort = 30000 + (process.pid % 2700);
  own.put(types.services, service('np', '10.43.250.20', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort, protocol: 'TCP' }] }));
  own.put(types.endpointSlices, slice('np', [{ ip: '127.0.0.1' }], { port: (backend.address() as AddressInfo).port }));
  const userspace = startServiceProxy({ informers: own, nodeName: 'self', signal: new AbortController().signal });
  try {
    assert.equal(userspace.mode, 'userspace');
    await userspace.synced();
    assert.equal(await ask('127.0.0.1', nodePort), 'user space');
  } finally {
    await userspace.stop();
    backend.close();
  }
});
