// Issue 4 acceptance 7: a second node joins with nothing but the server's address and its
// join token; pods on the two nodes reach each other by IP; and when the second node's
// "machine" stops (its agent and its containers), its pods are rescheduled onto the first.
// Issue 5 acceptance 4: once its agent is lost, the node's endpoints leave the Services while
// its containers still serve, so clients of the Service see no failure when they stop too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { killOnExit, run, skiffBin, SkiffServer, waitFor } from './harness.ts';
import { getJson } from './agents.ts';
import { waitForReadyPods } from './realPods.ts';
import { startTraffic } from './traffic.ts';
import { proxyTableName } from '../../src/network/proxy/proxyCleanup.ts';
import { bridgeNameFor } from '../../src/runtime/process/podNetwork.ts';

const second = `second-${randomBytes(3).toString('hex')}`;
let server: SkiffServer;
let agentDir: string;
let agent: ChildProcess | undefined;
let agentOutput = '';

before(async () => {
  // A lost node is noticed within seconds, and its pods evicted two seconds later.
  server = await SkiffServer.startWithAgent(['--node-monitor-grace-period=6s', '--default-toleration-seconds=2']);
  agentDir = await mkdtemp(join(tmpdir(), 'skiff-e2e-agent-'));
});

after(async () => {
  await stopSecondMachine();
  await server?.stop();
  if (agentDir) await rm(agentDir, { recursive: true, force: true });
});

/** The second machine's agent dies; its containers run on. */
async function loseSecondAgent(): Promise<void> {
  if (agent && agent.exitCode === null && agent.signalCode === null) {
    const exited = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGKILL');
    await exited;
  }
}

/**
 * The second machine leaves this one's network view: its service proxy table, which steers
 * this host's traffic as the dead agent last knew, goes. (Only two nodes sharing one host
 * have each other's tables in their path.)
 */
async function dropSecondProxyTable(): Promise<void> {
  const node = await getJson<Node>(server, ['node', second]);
  const removed = await run('nft', ['delete', 'table', 'ip', proxyTableName(bridgeNameFor(node.spec!.podCIDR!))]);
  assert.equal(removed.code, 0, removed.stderr);
}

/** The second machine goes away: its agent, and every container it ran. */
async function stopSecondMachine(): Promise<void> {
  await loseSecondAgent();
  if (agentDir) {
    const cleanup = await run(skiffBin, ['killall', '--data-dir', agentDir]);
    assert.equal(cleanup.code, 0, cleanup.stderr);
  }
}

const webServer = `
import http.server, os, socketserver
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = os.environ["POD_NAME"].encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        # Quiet: with its agent gone nothing reads a container's output, and (as under containerd,
        # whose shims keep the FIFOs open) a chatty server would block on a full pipe.
        pass
socketserver.ThreadingTCPServer.request_queue_size = 128
socketserver.ThreadingTCPServer(("", 8080), Hello).serve_forever()
`;

function webPod(name: string, nodeName: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name, role: 'web' } },
    spec: {
      nodeName, terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'web', image: 'python:3.12-slim', command: ['python3', '-u', '-c', webServer],
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
      }],
    },
  });
}

const fetchFrom = (pod: string, ip: string) =>
  server.ok(['exec', pod, '--', 'python3', '-c', `import urllib.request; print(urllib.request.urlopen("http://${ip}:8080", timeout=5).read().decode(), end="")`]);

test('a second agent joins with the server address and the join token alone', async () => {
  const token = (await readFile(join(server.dataDir, 'node-token'), 'utf8')).trim();
  assert.match(token, /^K10[0-9a-f]{64}::/, 'the token pins the CA');
  agent = spawn(skiffBin, ['agent', '--server', `https://127.0.0.1:${server.port}`, '--token', token, '--node-name', second, '--data-dir', agentDir, '--node-labels', 'machine=second'], { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(agent);
  const child = agent;
  child.stdout!.on('data', (d) => (agentOutput += d));
  child.stderr!.on('data', (d) => (agentOutput += d));
  const nodes = await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`skiff agent exited with ${child.exitCode}:\n${agentOutput}`);
    const list = await getJson<{ items: Node[] }>(server, ['nodes']);
    const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === 2 ? ready : undefined;
  }, 30_000, 'two Ready nodes');
  const cidrs = nodes.map((n) => n.spec?.podCIDR);
  assert.equal(new Set(cidrs).size, 2, `each node has its own podCIDR: ${cidrs.join(', ')}`);
});

test('pods on the two nodes reach each other by IP', async () => {
  const nodes = await getJson<{ items: Node[] }>(server, ['nodes']);
  const first = nodes.items.find((n) => n.metadata!.name !== second)!.metadata!.name!;
  await server.ok(['apply', '-f', '-'], { input: webPod('on-first', first) });
  await server.ok(['apply', '-f', '-'], { input: webPod('on-second', second) });
  const [a] = await waitForReadyPods(server, 'app=on-first', 1);
  const [b] = await waitForReadyPods(server, 'app=on-second', 1);
  assert.equal(await fetchFrom('on-first', b!.status!.podIP!), 'on-second');
  assert.equal(await fetchFrom('on-second', a!.status!.podIP!), 'on-first');
  // The second node took the cluster's Service range and DNS address from the server (not flags).
  const dns = (await getJson<Service>(server, ['service', 'kube-dns', '-n', 'kube-system'])).spec!.clusterIP!;
  assert.match(await server.ok(['exec', 'on-second', '--', 'cat', '/etc/resolv.conf']), new RegExp(`^nameserver ${dns.replaceAll('.', '\\.')}$`, 'm'));
});

const webService = JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
  spec: { selector: { role: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
});

/** The web Service's endpoint addresses that are ready. */
const podsOfRole = async (role: string) => (await getJson<{ items: Pod[] }>(server, ['pods', '-l', `role=${role}`])).items;

async function readyWebEndpoints(): Promise<string[]> {
  const slices = await getJson<{ items: EndpointSlice[] }>(server, ['endpointslices', '-l', 'kubernetes.io/service-name=web']);
  return slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses).sort();
}

test('when the second machine stops, its endpoints leave first, and its pods are rescheduled onto the first', async () => {
  await server.ok(['apply', '-f', '-'], { input: webService });
  const ips = (await podsOfRole('web')).map((p) => p.status!.podIP!);
  const onSecond = (await podsOfRole('web')).find((p) => p.spec!.nodeName === second)!.status!.podIP!;
  await waitFor(async () => (await readyWebEndpoints()).length === 2, 20_000, 'both web pods as endpoints');
  const clusterIP = (await getJson<Service>(server, ['service', 'web'])).spec!.clusterIP!;
  const traffic = startTraffic([{ name: 'ClusterIP', host: clusterIP, port: 80 }]);

  await server.ok(['create', 'deployment', 'moving', '--image=busybox', '--', 'sleep', '3600']);
  // Prefer the second node, so the replica starts there.
  await server.ok(['patch', 'deployment', 'moving', '-p', JSON.stringify({
    spec: { template: { spec: { terminationGracePeriodSeconds: 1, affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'machine', operator: 'In', values: ['second'] }] } }] } } } } },
  })]);
  const [placed] = await waitForReadyPods(server, 'app=moving', 1);
  assert.equal(placed!.spec!.nodeName, second);

  // The agent is lost; its pods still serve until the node is found unreachable and their
  // endpoints leave the Service. Only then does the rest of the machine stop.
  await loseSecondAgent();
  await dropSecondProxyTable();
  await waitFor(async () => {
    const ready = await readyWebEndpoints();
    return ready.length === 1 && !ready.includes(onSecond) ? ready : undefined;
  }, 30_000, `${onSecond} (on the lost node) to leave the ready endpoints of ${ips.join(', ')}`);
  await stopSecondMachine();
  await waitFor(() => traffic.answers.get('ClusterIP')!.slice(-20).every((b) => b === 'on-first') && traffic.answers.get('ClusterIP')!.length > 40, 20_000, 'requests after the machine stopped');
  await traffic.stop();
  assert.deepEqual(traffic.failures.slice(0, 20), [], `${traffic.failures.length} requests through the Service failed`);
  assert.deepEqual([...new Set(traffic.answers.get('ClusterIP'))].sort(), ['on-first', 'on-second'], 'both pods served until the lost one left');

  const moved = await waitFor(async () => {
    const pods = await getJson<{ items: Pod[] }>(server, ['pods', '-l', 'app=moving']);
    return pods.items.find((p) => p.spec?.nodeName !== second && !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }, 60_000, 'a replacement Ready on the first node');
  assert.notEqual(moved.metadata!.name, placed!.metadata!.name);
  const node = await getJson<Node>(server, ['node', second]);
  assert.ok(node.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), 'the lost node is tainted unreachable');
});
