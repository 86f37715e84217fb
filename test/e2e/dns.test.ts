// Issue 5: cluster DNS from inside real pods. Each pod's /etc/resolv.conf points at the
// kube-dns Service with the cluster's search path and its /etc/hosts names the pod. The
// node's DNS server answers on its bridge address (asked directly by a pod with dnsPolicy
// None) and, through the Service's ClusterIP and the service proxy, every ClusterFirst pod:
// `kubernetes.default.svc.cluster.local`, a headless Service and a `<hostname>.<subdomain>`
// name, as a pod's resolver (python3's gethostbyname) sees them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { SkiffServer, waitFor } from './harness.ts';
import { getJson } from './agents.ts';
import { waitForReadyPods } from './realPods.ts';

let server: SkiffServer;
let gateway: string;
let db: Pod;

/**
 * A ClusterFirst client, a client asking the node's DNS server directly, a pod with a hostname
 * and subdomain, and the headless Service of that subdomain.
 */
const manifests = (nameserver: string) => `apiVersion: v1
kind: Pod
metadata: { name: client, labels: { app: client } }
spec:
  containers: [{ name: sh, image: busybox, command: [sleep, "3600"] }]
---
apiVersion: v1
kind: Pod
metadata: { name: direct, labels: { app: direct } }
spec:
  dnsPolicy: None
  dnsConfig: { nameservers: ["${nameserver}"], searches: [default.svc.cluster.local], options: [{ name: ndots, value: "5" }] }
  containers: [{ name: sh, image: busybox, command: [sleep, "3600"] }]
---
apiVersion: v1
kind: Pod
metadata: { name: db-0, labels: { app: db } }
spec:
  hostname: db-0
  subdomain: db
  containers: [{ name: db, image: busybox, command: [sleep, "3600"] }]
---
apiVersion: v1
kind: Service
metadata: { name: db }
spec:
  clusterIP: None
  selector: { app: db }
  ports: [{ name: pg, port: 5432 }]
`;

before(async () => {
  server = await SkiffServer.startWithAgent();
  const podCIDR = await waitFor(async () => (await getJson<{ items: Node[] }>(server, ['nodes'])).items[0]?.spec?.podCIDR, 20_000, 'the node and its podCIDR');
  gateway = podCIDR.replace(/\.0\/\d+$/, '.1');
  await server.ok(['apply', '-f', '-'], { input: manifests(gateway) });
  await waitForReadyPods(server, 'app=client', 1);
  await waitForReadyPods(server, 'app=direct', 1);
  [db] = await waitForReadyPods(server, 'app=db', 1);
});

after(async () => {
  await server?.stop();
});

const resolveIn = (pod: string, name: string) => server.kubectl(['exec', pod, '--', 'python3', '-c', `import socket; print(socket.gethostbyname(${JSON.stringify(name)}))`]);
const resolvesTo = async (pod: string, name: string, ip: string) => (await resolveIn(pod, name)).stdout.trim() === ip;

test("a pod's resolv.conf names the cluster DNS with the namespace's search path; its /etc/hosts names the pod", async () => {
  const resolvConf = await server.ok(['exec', 'client', '--', 'cat', '/etc/resolv.conf']);
  assert.match(resolvConf, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b.*\nnameserver 10\.43\.\d+\.10\noptions ndots:5\n$/);
  const hosts = await server.ok(['exec', 'db-0', '--', 'cat', '/etc/hosts']);
  assert.match(hosts, /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/);
  assert.ok(hosts.includes(`\n${db.status!.podIP}\tdb-0.db.default.svc.cluster.local\tdb-0\n`), hosts);
});

test("the node's DNS server answers on its bridge address and is published as an endpoint of kube-dns", async () => {
  const ip = db.status!.podIP!;
  await waitFor(() => resolvesTo('direct', 'db', ip), 30_000, 'the headless service to resolve at the node DNS server');
  assert.equal((await resolveIn('direct', 'db-0.db')).stdout.trim(), ip);
  const missing = await resolveIn('direct', 'nope.default.svc.cluster.local');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /Name or service not known|No address associated/);
  // A name outside the cluster is forwarded to the host's resolvers (checked when the host can resolve one).
  const outside = await lookup('registry.npmjs.org', { family: 4 }).catch(() => undefined);
  if (outside) assert.equal((await resolveIn('direct', 'registry.npmjs.org')).stdout.trim(), outside.address);

  const slices = await server.ok(['get', 'endpointslices', '-n', 'kube-system', '-l', 'endpointslice.kubernetes.io/managed-by=skiff-dns', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}']);
  assert.equal(slices.trim(), gateway);
});

test('through the kube-dns ClusterIP, kubernetes.default resolves to the kubernetes Service', async () => {
  const kubernetes = await server.ok(['get', 'service', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}']);
  await waitFor(() => resolvesTo('client', 'kubernetes.default.svc.cluster.local', kubernetes), 30_000, 'kubernetes.default to resolve in the pod');
  assert.equal((await resolveIn('client', 'kubernetes.default')).stdout.trim(), kubernetes, 'through the search path');
});

test("through the kube-dns ClusterIP, a headless Service's name and a pod's hostname.subdomain resolve to the pod IP", async () => {
  const ip = db.status!.podIP!;
  await waitFor(() => resolvesTo('client', 'db', ip), 30_000, 'the headless service to resolve');
  assert.equal((await resolveIn('client', 'db.default.svc.cluster.local')).stdout.trim(), ip);
  assert.equal((await resolveIn('client', 'db-0.db')).stdout.trim(), ip);
});
