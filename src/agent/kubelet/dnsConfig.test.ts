import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { formatResolvConf, type ResolvConf } from '../../network/dns/resolvConf.ts';
import { podDnsMounts, podHostsFile, podResolvConf } from './dnsConfig.ts';

const host: ResolvConf = { nameservers: ['192.0.2.53'], searches: ['corp.example'], options: ['timeout:2'] };
const cluster = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local' };
const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}, name = 'web'): Pod => ({
  metadata: { name, namespace: 'shop', uid: 'u-1' },
  spec: { containers: [{ name: 'app' }], ...spec },
});
const resolv = (p: Pod, ctx = cluster, warnings: string[] = []) => formatResolvConf(podResolvConf(p, host, ctx, (reason, message) => warnings.push(`${reason}: ${message}`)));

test('ClusterFirst: the cluster DNS, the namespace search path then the host searches, ndots:5', () => {
  const expected = 'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.43.0.10\noptions ndots:5\n';
  assert.equal(resolv(pod()), expected);
  assert.equal(resolv(pod({ dnsPolicy: 'ClusterFirst' })), expected);
  assert.equal(resolv(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' })), expected);
});

test('Default, and ClusterFirst on the host network, take the host resolv.conf', () => {
  const hostConf = 'search corp.example\nnameserver 192.0.2.53\noptions timeout:2\n';
  assert.equal(resolv(pod({ dnsPolicy: 'Default' })), hostConf);
  assert.equal(resolv(pod({ hostNetwork: true })), hostConf);
});

test('ClusterFirst without a cluster DNS falls back to Default, with a warning', () => {
  const warnings: string[] = [];
  assert.equal(resolv(pod(), { clusterDNS: [], clusterDomain: 'cluster.local' }, warnings), 'search corp.example\nnameserver 192.0.2.53\noptions timeout:2\n');
  assert.deepEqual(warnings, ['MissingClusterDNS: pod: "web_shop(u-1)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.']);
});

test('dnsConfig: nameservers and searches appended without duplicates, options override by name; None has only it', () => {
  const dnsConfig = { nameservers: ['1.1.1.1', '10.43.0.10'], searches: ['extra.example', 'svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
  assert.equal(resolv(pod({ dnsConfig })), 'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example extra.example\nnameserver 10.43.0.10\nnameserver 1.1.1.1\noptions ndots:2 edns0\n');
  assert.equal(resolv(pod({ dnsPolicy: 'None', dnsConfig })), 'search extra.example svc.cluster.local\nnameserver 1.1.1.1\nnameserver 10.43.0.10\noptions ndots:2 edns0\n');
});

test('more than 3 nameservers or 32 searches are cut, with a warning', () => {
  const warnings: string[] = [];
  const searches = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
  const conf = podResolvConf(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.0.0.1', '1.0.0.2', '1.0.0.3', '1.0.0.4'], searches } }), host, cluster, (reason, message) => warnings.push(`${reason}: ${message}`));
  assert.deepEqual(conf.nameservers, ['1.0.0.1', '1.0.0.2', '1.0.0.3']);
  assert.equal(conf.searches.length, 32);
  assert.deepEqual(warnings.map((w) => w.split(',')[0]), ['DNSConfigForming: Nameserver limits were exceeded', 'DNSConfigForming: Search Line limits were exceeded']);
});

test('/etc/hosts: localhost, the pod IP with its hostname (the FQDN first with a subdomain), then hostAliases', () => {
  const header = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  assert.equal(podHostsFile(pod(), ['10.42.0.7'], 'cluster.local', undefined), `${header}10.42.0.7\tweb\n`);
  const stateful = pod({ hostname: 'db-0', subdomain: 'db', setHostnameAsFQDN: true, hostAliases: [{ ip: '192.0.2.9', hostnames: ['foo.local', 'bar.local'] }] });
  assert.equal(
    podHostsFile(stateful, ['10.42.0.7'], 'cluster.local', undefined),
    `${header}10.42.0.7\tdb-0.db.shop.svc.cluster.local\tdb-0\n\n# Entries added by HostAliases.\n192.0.2.9\tfoo.local\n192.0.2.9\tbar.local\n`,
  );
  assert.equal(
    podHostsFile(pod({ hostNetwork: true, hostAliases: [{ ip: '192.0.2.9', hostnames: ['foo.local'] }] }), ['192.0.2.10'], 'cluster.local', '127.0.0.1 localhost\n'),
    '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n\n# Entries added by HostAliases.\n192.0.2.9\tfoo.local\n',
  );
});

test('the files are written under the pod dir and mounted, unless the container mounts those paths itself', async () => {
  const rootDir = await mkdtemp(join(tmpdir(), 'skiff-dnsconfig-'));
  try {
    const resolvConf = join(rootDir, 'host-resolv.conf');
    await writeFile(resolvConf, 'nameserver 192.0.2.53\nsearch corp.example.\n');
    const ctx = { rootDir, resolvConf, rootless: false, ...cluster };
    const p = pod();
    const warn = () => assert.fail('no warning expected');
    const mounts = await podDnsMounts(p, p.spec!.containers[0]!, ['10.42.0.7'], ctx, warn);
    const dir = join(rootDir, 'pods', 'u-1');
    assert.deepEqual(mounts, [
      { containerPath: '/etc/resolv.conf', hostPath: join(dir, 'resolv.conf'), readOnly: false },
      { containerPath: '/etc/hosts', hostPath: join(dir, 'etc-hosts'), readOnly: false },
    ]);
    assert.equal(await readFile(join(dir, 'resolv.conf'), 'utf8'), 'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.43.0.10\noptions ndots:5\n');
    assert.match(await readFile(join(dir, 'etc-hosts'), 'utf8'), /\n10\.42\.0\.7\tweb\n$/);

    const own = { name: 'own', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] };
    assert.deepEqual((await podDnsMounts(p, own, ['10.42.0.7'], ctx, warn)).map((m) => m.containerPath), ['/etc/resolv.conf']);
    assert.deepEqual((await podDnsMounts(p, p.spec!.containers[0]!, [], ctx, warn)).map((m) => m.containerPath), ['/etc/resolv.conf'], 'no hosts file before the pod has an IP');
    assert.deepEqual(await podDnsMounts(p, p.spec!.containers[0]!, ['10.42.0.7'], { ...ctx, rootless: true }, warn), []);
  } finally {
    await rm(rootDir, { recursive: true, force: true });
  }
});
