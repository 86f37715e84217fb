// Service addresses with real kubectl: cluster IPs from 10.43.0.0/16 and node ports from
// 30000-32767 as Services are created, changed and deleted; the `kubernetes` and `kube-dns`
// Services every cluster has; and all of it still right after a restart.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffServer, waitFor } from './harness.ts';

let server: SkiffServer;
before(async () => {
  server = await SkiffServer.start();
});
after(() => server?.stop());

const getJson = async (args: string[]) => JSON.parse(await server.ok(['get', ...args, '-o', 'json']));
const inServiceRange = /^10\.43\.\d+\.\d+$/;

test('the kubernetes Service points at the apiserver, and kube-dns has the tenth address', async () => {
  const kubernetes = await getJson(['svc', 'kubernetes']);
  assert.equal(kubernetes.spec.clusterIP, '10.43.0.1');
  assert.deepEqual(kubernetes.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: server.port }]);
  assert.equal(kubernetes.spec.selector, undefined);
  const endpoints = await getJson(['endpoints', 'kubernetes']);
  assert.equal(endpoints.subsets.length, 1);
  assert.match(endpoints.subsets[0].addresses[0].ip, /^\d+\.\d+\.\d+\.\d+$/);
  assert.deepEqual(endpoints.subsets[0].ports, [{ name: 'https', port: server.port, protocol: 'TCP' }]);
  const slice = await getJson(['endpointslices', 'kubernetes']);
  assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
  assert.deepEqual(slice.endpoints.map((e: any) => e.addresses), [[endpoints.subsets[0].addresses[0].ip]]);
  assert.deepEqual(slice.ports, [{ name: 'https', port: server.port, protocol: 'TCP' }]);

  const dns = await getJson(['-n', 'kube-system', 'svc', 'kube-dns']);
  assert.equal(dns.spec.clusterIP, '10.43.0.10');
  assert.deepEqual(dns.spec.ports.map((p: any) => `${p.name} ${p.port}/${p.protocol}`), ['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
  assert.match(await server.ok(['-n', 'kube-system', 'get', 'svc', 'kube-dns']), /kube-dns\s+ClusterIP\s+10\.43\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP/);

  // Deleted, it comes back at the same address (the apiserver checks every 10 s).
  await server.ok(['delete', 'svc', 'kubernetes']);
  const back = await waitFor(() => server.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}']).then((r) => r.code === 0 && r.stdout), 30_000, 'the kubernetes Service to come back');
  assert.equal(back, '10.43.0.1');
});

test('kubectl expose gives the Service a cluster IP; kubectl get shows it and the port', async () => {
  await server.ok(['create', 'deployment', 'web', '--image=nginx:1.27']);
  assert.match(await server.ok(['expose', 'deployment', 'web', '--port', '80', '--target-port', '8080']), /service\/web exposed/);
  const web = await getJson(['svc', 'web']);
  assert.match(web.spec.clusterIP, inServiceRange);
  assert.deepEqual(web.spec.clusterIPs, [web.spec.clusterIP]);
  assert.deepEqual([web.spec.ipFamilyPolicy, web.spec.ipFamilies], ['SingleStack', ['IPv4']]);
  const row = new RegExp(`web\\s+ClusterIP\\s+${web.spec.clusterIP.replaceAll('.', '\\.')}\\s+<none>\\s+80/TCP\\s`);
  assert.match(await server.ok(['get', 'svc', 'web']), row);
});

test('NodePort Services get node ports; a requested one must be free and in range', async () => {
  await server.ok(['create', 'service', 'nodeport', 'np', '--tcp=80:8080']);
  const nodePort = (await getJson(['svc', 'np'])).spec.ports[0].nodePort;
  assert.ok(nodePort >= 30000 && nodePort <= 32767, String(nodePort));
  assert.match(await server.ok(['get', 'svc', 'np']), new RegExp(`np\\s+NodePort\\s+10\\.43\\.\\d+\\.\\d+\\s+<none>\\s+80:${nodePort}/TCP\\s`));
  assert.match(await server.fails(['create', 'service', 'nodeport', 'np2', '--tcp=80:8080', `--node-port=${nodePort}`]),
    new RegExp(`spec.ports\\[0\\].nodePort: Invalid value: ${nodePort}: provided port is already allocated`));
  assert.match(await server.fails(['create', 'service', 'nodeport', 'np3', '--tcp=80:8080', '--node-port=8080']),
    /provided port is not in the valid range. The range of valid ports is 30000-32767/);
  // Back to ClusterIP: the node port is dropped and free again.
  await server.ok(['patch', 'svc', 'np', '-p', '{"spec":{"type":"ClusterIP"}}']);
  assert.equal((await getJson(['svc', 'np'])).spec.ports[0].nodePort, undefined);
  await server.ok(['create', 'service', 'nodeport', 'np2', '--tcp=80:8080', `--node-port=${nodePort}`]);
});

test('a requested cluster IP must be free: 422 as upstream words it; deleting a Service frees it', async () => {
  await server.ok(['create', 'service', 'clusterip', 'first', '--tcp=80', '--clusterip=10.43.0.50']);
  const refused = await server.fails(['create', 'service', 'clusterip', 'second', '--tcp=80', '--clusterip=10.43.0.50']);
  assert.match(refused, /Service "second" is invalid: spec.clusterIPs: Invalid value: \[\]string\{"10.43.0.50"\}: failed to allocate IP 10.43.0.50: provided IP is already allocated/);
  assert.match(await server.fails(['create', 'service', 'clusterip', 'third', '--tcp=80', '--clusterip=10.96.0.1']), /is not in the valid range. The range of valid IPs is 10.43.0.0\/16/);
  assert.match(await server.fails(['patch', 'svc', 'first', '-p', '{"spec":{"clusterIP":"10.43.0.51"}}']), /may not change once set/);
  await server.ok(['delete', 'svc', 'first']);
  await server.ok(['create', 'service', 'clusterip', 'second', '--tcp=80', '--clusterip=10.43.0.50']);
  // A dry run takes nothing.
  const dry = JSON.parse(await server.ok(['create', 'service', 'clusterip', 'dry', '--tcp=80', '--clusterip=10.43.0.60', '--dry-run=server', '-o', 'json']));
  assert.equal(dry.spec.clusterIP, '10.43.0.60');
  await server.ok(['create', 'service', 'clusterip', 'wet', '--tcp=80', '--clusterip=10.43.0.60']);
});

test('headless Services keep None; ExternalName Services get no address; to ExternalName gives it back', async () => {
  await server.ok(['create', 'service', 'clusterip', 'headless', '--clusterip=None']);
  assert.match(await server.ok(['get', 'svc', 'headless']), /headless\s+ClusterIP\s+None\s/);
  await server.ok(['create', 'service', 'externalname', 'ext', '--external-name', 'example.com']);
  const ext = await getJson(['svc', 'ext']);
  assert.equal(ext.spec.clusterIP, undefined);
  assert.match(await server.ok(['get', 'svc', 'ext']), /ext\s+ExternalName\s+<none>\s+example\.com\s/);
  await server.ok(['create', 'service', 'clusterip', 'moving', '--tcp=80', '--clusterip=10.43.0.70']);
  await server.ok(['patch', 'svc', 'moving', '-p', '{"spec":{"type":"ExternalName","externalName":"example.org"}}']);
  assert.equal((await getJson(['svc', 'moving'])).spec.clusterIP, undefined);
  await server.ok(['create', 'service', 'clusterip', 'took-it', '--tcp=80', '--clusterip=10.43.0.70']);
});

test('after a restart every Service keeps its addresses, and the pools know them', async () => {
  const before = await getJson(['svc']);
  await server.kill('SIGTERM');
  await server.restart();
  const afterRestart = await getJson(['svc']);
  const addresses = (list: any) => Object.fromEntries(list.items.map((s: any) => [s.metadata.name, [s.spec.clusterIP, ...(s.spec.ports ?? []).map((p: any) => p.nodePort)]]));
  assert.deepEqual(addresses(afterRestart), addresses(before));
  assert.match(await server.fails(['create', 'service', 'clusterip', 'again', '--tcp=80', '--clusterip=10.43.0.50']), /provided IP is already allocated/);
  const np2 = (await getJson(['svc', 'np2'])).spec.ports[0].nodePort;
  assert.match(await server.fails(['create', 'service', 'nodeport', 'np4', '--tcp=80:8080', `--node-port=${np2}`]), /provided port is already allocated/);
  assert.match(await server.fails(['create', 'service', 'clusterip', 'dns-clash', '--tcp=80', '--clusterip=10.43.0.10']), /provided IP is already allocated/);
  // What was released before the restart is free after it.
  await server.ok(['delete', 'svc', 'second']);
  await server.ok(['create', 'service', 'clusterip', 'again', '--tcp=80', '--clusterip=10.43.0.50']);
});
