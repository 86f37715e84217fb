// Issue 5: Services for real, on `skiff server` with its built-in agent (as root). The Level I
// replicas behind their Service: its ClusterIP answers from the host and from a pod (each
// replica in turn, the asking one included; by DNS name too), `kubectl expose` makes a NodePort answering on the
// node's address and a LoadBalancer whose address ServiceLB sets to the node's, scaling down
// takes a replica out of the rotation, and once the server is stopped its proxy table is gone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Node, Service } from 'kubernetes-types/core/v1.js';
import { run, SkiffServer, waitFor } from './harness.ts';
import { getJson } from './agents.ts';
import { httpGet, waitForReadyPods } from './realPods.ts';

const examples = join(import.meta.dirname, '../../examples/level-1');
const isRoot = process.getuid?.() === 0;
let server: SkiffServer;
let nodeIP: string;
let podCIDR: string;

before(async () => {
  if (!isRoot) return;
  server = await SkiffServer.startWithAgent();
  const node = await waitFor(async () => {
    const nodes = await getJson<{ items: Node[] }>(server, ['nodes']);
    return nodes.items.find((n) => n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }, 30_000, 'a Ready node');
  nodeIP = node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
  podCIDR = node.spec!.podCIDR!;
  await server.ok(['apply', '-f', examples]);
  await waitForReadyPods(server, 'app=hello', 3);
});

after(async () => {
  await server?.stop();
});

const service = (name: string) => getJson<Service>(server, ['service', name]);
/** Who answers n requests to host:port (pod names, each once), waiting until all `expected` have. */
async function answerers(host: string, port: number, expected: number, n = 60): Promise<string[]> {
  return waitFor(async () => {
    const names = new Set<string>();
    for (let i = 0; i < n; i++) {
      const body = await httpGet(host, port);
      if (body) names.add(body.trim().replace(/^hello from /, ''));
    }
    return names.size === expected ? [...names].sort() : undefined;
  }, 30_000, `${expected} replicas answering on ${host}:${port}`);
}
const podNames = async () => (await getJson<{ items: { metadata: { name: string } }[] }>(server, ['pods', '-l', 'app=hello'])).items.map((p) => p.metadata.name).sort();

test('the ClusterIP answers from the host, each replica in turn', { skip: !isRoot && 'needs root' }, async () => {
  const clusterIP = (await service('hello')).spec!.clusterIP!;
  assert.match(clusterIP, /^10\.43\.\d+\.\d+$/, 'the Service has a ClusterIP from the service range');
  assert.deepEqual(await answerers(clusterIP, 80, 3), await podNames());
});

test('a pod reaches every replica through the ClusterIP, itself included', { skip: !isRoot && 'needs root' }, async () => {
  const clusterIP = (await service('hello')).spec!.clusterIP!;
  const [pod] = await podNames();
  const script = `import urllib.request\nfor _ in range(40): print(urllib.request.urlopen("http://${clusterIP}/", timeout=3).read().decode().strip())`;
  const names = await waitFor(async () => {
    const out = await server.kubectl(['exec', pod!, '--', 'python3', '-c', script]);
    const seen = new Set(out.stdout.split('\n').filter(Boolean).map((l) => l.replace(/^hello from /, '')));
    return seen.size === 3 ? [...seen].sort() : undefined;
  }, 30_000, 'all three replicas answering a pod');
  assert.deepEqual(names, await podNames());
});

test('from a pod, the Service answers by its DNS name', { skip: !isRoot && 'needs root' }, async () => {
  const [pod] = await podNames();
  for (const name of ['hello.default.svc.cluster.local', 'hello']) {
    const script = `import urllib.request; print(urllib.request.urlopen("http://${name}/", timeout=3).read().decode().strip())`;
    const out = await waitFor(async () => (await server.kubectl(['exec', pod!, '--', 'python3', '-c', script])).stdout.trim() || undefined, 30_000, `http://${name}/ from a pod`);
    assert.match(out, /^hello from hello-/);
  }
});

test('kubectl expose --type NodePort: the port answers on the node\'s address', { skip: !isRoot && 'needs root' }, async () => {
  await server.ok(['expose', 'deployment', 'hello', '--name', 'hello-np', '--type', 'NodePort', '--port', '80', '--target-port', 'http']);
  const nodePort = (await service('hello-np')).spec!.ports![0]!.nodePort!;
  assert.ok(nodePort >= 30000 && nodePort <= 32767, `NodePort ${nodePort} in the default range`);
  assert.deepEqual(await answerers(nodeIP, nodePort, 3), await podNames());
});

test('kubectl expose --type LoadBalancer: ServiceLB gives it the node\'s address, which serves the port', { skip: !isRoot && 'needs root' }, async () => {
  await server.ok(['expose', 'deployment', 'hello', '--name', 'hello-lb', '--type', 'LoadBalancer', '--port', '8081', '--target-port', 'http']);
  const ingress = await waitFor(async () => (await service('hello-lb')).status?.loadBalancer?.ingress, 20_000, 'a load-balancer ingress');
  assert.deepEqual(ingress, [{ ip: nodeIP, ipMode: 'VIP' }]);
  assert.match(await server.ok(['get', 'service', 'hello-lb']), new RegExp(`hello-lb\\s+LoadBalancer\\s+\\S+\\s+${nodeIP.replaceAll('.', '\\.')}\\s+8081:\\d+/TCP`));
  assert.deepEqual(await answerers(nodeIP, 8081, 3), await podNames());
});

test('scaled to one replica, only that one answers', { skip: !isRoot && 'needs root' }, async () => {
  await server.ok(['scale', 'deployment/hello', '--replicas=1']);
  const [pod] = await waitForReadyPods(server, 'app=hello', 1);
  const clusterIP = (await service('hello')).spec!.clusterIP!;
  await waitFor(async () => {
    for (let i = 0; i < 20; i++) if ((await httpGet(clusterIP, 80)) !== `hello from ${pod!.metadata!.name}\n`) return false;
    return true;
  }, 30_000, 'only the remaining replica answering');
});

test('once the server is stopped, its proxy table is gone', { skip: !isRoot && 'needs root' }, async () => {
  await server.stop();
  const bridgeHex = podCIDR.split('/')[0]!.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join('');
  assert.doesNotMatch((await run('nft', ['list', 'tables', 'ip'])).stdout, new RegExp(`skiff-proxy-skf${bridgeHex}\\b`));
});
