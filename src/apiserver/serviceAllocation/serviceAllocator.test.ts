// Service addresses through the apiserver's write path (ApiServerCore over a real SQLite
// store): what creates, updates and deletes take from and give back to the pools.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite/sqliteStore.ts';
import type { Store } from '../../store/store.ts';
import { Registry } from '../../api/registry.ts';
import type { KubeObject } from '../../api/kind.ts';
import { ApiServerCore } from '../core.ts';
import type { KindStorage } from '../storage.ts';
import { ServiceAllocator } from './serviceAllocator.ts';
import { parsePortRange } from './portAllocator.ts';
import { apiError } from '../testing/apiError.ts';

const dir = mkdtempSync(join(tmpdir(), 'skiff-svc-alloc-'));
const network = { serviceCIDR: '10.43.0.0/16', nodePorts: parsePortRange('30000-32767') };
let store: Store;
let core: ApiServerCore;
let pools: ServiceAllocator;
let services: KindStorage;
const ctx = { manager: 'test', user: 'test' };

async function startCore(warn?: (message: string) => void): Promise<void> {
  pools = new ServiceAllocator({ ...network, warn });
  core = new ApiServerCore(store, new Registry(), [], [pools]);
  await core.start();
  services = core.storageFor('', 'services');
}

before(async () => {
  store = await openSqliteStore(join(dir, 'state.db'));
  await startCore();
});
after(async () => {
  core?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function svc(name: string, spec: any): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } };
}

const create = (name: string, spec: any, dryRun = false) => core.createObject(services, 'default', svc(name, spec), { ...ctx, dryRun }) as Promise<any>;
const remove = (name: string) => core.deleteObject(services, 'default', name, {});
/** A merge-patch-like update: change(current spec) edits a copy. */
const update = (name: string, change: (spec: any) => void, dryRun = false) =>
  core.updateObject(services, 'default', name, (current) => {
    const next = JSON.parse(JSON.stringify(current));
    change(next.spec);
    return next;
  }, { ...ctx, dryRun }) as Promise<any>;

test('a ClusterIP Service gets a free address of the range, single-stack IPv4', async () => {
  const s = await create('plain', {});
  assert.ok(pools.ips.has(s.spec.clusterIP));
  assert.match(s.spec.clusterIP, /^10\.43\./);
  assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
  assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
  // Re-applying the manifest it came from (no clusterIP) keeps the address.
  const replaced = await core.updateObject(services, 'default', 'plain', () => svc('plain', {}), ctx) as any;
  assert.equal(replaced.spec.clusterIP, s.spec.clusterIP);
});

test('a requested address must be free and in range: 422 as upstream words it', async () => {
  const s = await create('fixed', { clusterIP: '10.43.0.5' });
  assert.deepEqual(s.spec.clusterIPs, ['10.43.0.5']);
  const taken = await apiError(create('fixed-again', { clusterIP: '10.43.0.5' }));
  assert.equal(taken.code, 422);
  assert.equal(taken.message, 'Service "fixed-again" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.5"}: failed to allocate IP 10.43.0.5: provided IP is already allocated');
  const outside = await apiError(create('outside', { clusterIP: '10.96.0.5' }));
  assert.equal(outside.message, 'Service "outside" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.5"}: failed to allocate IP 10.96.0.5: the provided IP (10.96.0.5) is not in the valid range. The range of valid IPs is 10.43.0.0/16');
  const moved = await apiError(update('fixed', (spec) => (spec.clusterIP = '10.43.0.6')));
  assert.equal(moved.message, 'Service "fixed" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.43.0.6"}: may not change once set');
  assert.equal(pools.ips.has('10.43.0.6'), false);
});

test('NodePort and LoadBalancer ports get node ports; requested ones must be free and in range', async () => {
  const np = await create('np', { type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'web', port: 80, nodePort: 30080 }] });
  const [udp, tcp, web] = np.spec.ports.map((p: any) => p.nodePort);
  assert.ok(udp >= 30000 && udp <= 32767);
  assert.equal(tcp, udp, 'one port number, one node port for both protocols');
  assert.equal(web, 30080);
  const taken = await apiError(create('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
  assert.equal(taken.message, 'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  const outside = await apiError(create('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }));
  assert.equal(outside.message, 'Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767');
  const lb = await create('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
  assert.ok(lb.spec.ports[0].nodePort >= 30000);
  assert.ok(pools.nodePorts.has(lb.spec.healthCheckNodePort), 'a health check node port for Local traffic');
  const noPorts = await create('lb-none', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false });
  assert.equal(noPorts.spec.ports[0].nodePort, undefined);
});

test('headless Services keep None and ExternalName ones get no address', async () => {
  const used = pools.ips.used;
  const headless = await create('headless', { clusterIP: 'None' });
  assert.deepEqual(headless.spec.clusterIPs, ['None']);
  const external = await create('external', { type: 'ExternalName', externalName: 'example.com', selector: undefined, ports: undefined });
  assert.equal(external.spec.clusterIP, undefined);
  assert.equal(pools.ips.used, used);
});

test('deleting a Service frees its address and node ports', async () => {
  const s = await create('gone', { type: 'NodePort', clusterIP: '10.43.0.20', ports: [{ port: 80, nodePort: 30020 }] });
  assert.equal(s.spec.clusterIP, '10.43.0.20');
  await remove('gone');
  assert.equal(pools.ips.has('10.43.0.20'), false);
  assert.equal(pools.nodePorts.has(30020), false);
  await create('gone', { type: 'NodePort', clusterIP: '10.43.0.20', ports: [{ port: 80, nodePort: 30020 }] });
  await remove('gone');
});

test('type changes release what the new type does not use, and allocate what it needs', async () => {
  const s = await create('morph', { type: 'NodePort' });
  const ip = s.spec.clusterIP;
  const nodePort = s.spec.ports[0].nodePort;
  const asClusterIP = await update('morph', (spec) => (spec.type = 'ClusterIP'));
  assert.equal(asClusterIP.spec.ports[0].nodePort, undefined);
  assert.equal(asClusterIP.spec.clusterIP, ip);
  assert.equal(pools.nodePorts.has(nodePort), false);
  const asExternal = await update('morph', (spec) => Object.assign(spec, { type: 'ExternalName', externalName: 'example.com' }));
  assert.equal(asExternal.spec.clusterIP, undefined);
  assert.equal(pools.ips.has(ip), false);
  const back = await update('morph', (spec) => {
    spec.type = 'LoadBalancer';
    delete spec.externalName;
  });
  assert.ok(pools.ips.has(back.spec.clusterIP));
  assert.ok(pools.nodePorts.has(back.spec.ports[0].nodePort));
});

test('a dry run allocates nothing', async () => {
  const ips = pools.ips.used;
  const ports = pools.nodePorts.used;
  const s = await create('dry', { type: 'NodePort' }, true);
  assert.equal(s.spec.clusterIP, '10.43.0.0', 'upstream answers with the network address');
  assert.ok(s.spec.ports[0].nodePort);
  const taken = await apiError(create('dry', { clusterIP: '10.43.0.5' }, true));
  assert.match(taken.message, /provided IP is already allocated/);
  await create('wet', {});
  await update('wet', (spec) => (spec.type = 'NodePort'), true);
  assert.deepEqual([pools.ips.used, pools.nodePorts.used], [ips + 1, ports]);
  await remove('wet');
});

test('a failed create gives back what it took', async () => {
  await create('twice', { clusterIP: '10.43.0.30' });
  const exists = await apiError(create('twice', { clusterIP: '10.43.0.31', type: 'NodePort', ports: [{ port: 80, nodePort: 30031 }] }));
  assert.equal(exists.code, 409);
  assert.equal(pools.ips.has('10.43.0.31'), false);
  assert.equal(pools.nodePorts.has(30031), false);
  // A failed update too: a node port taken by the update is given back when validation of the store write fails.
  const conflict = await apiError(core.updateObject(services, 'default', 'twice', (current) => {
    const next = JSON.parse(JSON.stringify(current));
    Object.assign(next.spec, { type: 'NodePort', ports: [{ port: 80, nodePort: 30032 }] });
    next.metadata.resourceVersion = '1';
    return next;
  }, ctx));
  assert.equal(conflict.code, 409);
  assert.equal(pools.nodePorts.has(30032), false);
});

test('a Service deleted when its last finalizer goes frees its address', async () => {
  const s = await core.createObject(services, 'default', { ...svc('held', { clusterIP: '10.43.0.40' }), metadata: { name: 'held', finalizers: ['example.com/hold'] } }, ctx) as any;
  assert.equal(s.spec.clusterIP, '10.43.0.40');
  const terminating = await remove('held');
  assert.equal(terminating.deleted, false);
  assert.ok(pools.ips.has('10.43.0.40'));
  await core.updateObject(services, 'default', 'held', (current) => ({ ...current!, metadata: { ...current!.metadata, finalizers: [] } }), ctx);
  assert.equal(pools.ips.has('10.43.0.40'), false);
});

test('IP families this single-stack IPv4 cluster lacks are refused', async () => {
  const dual = await apiError(create('dual', { ipFamilyPolicy: 'RequireDualStack' }));
  assert.equal(dual.message, 'Service "dual" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services');
  const v6 = await apiError(create('v6', { ipFamilies: ['IPv6'] }));
  assert.equal(v6.message, 'Service "v6" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster');
  const prefer = await create('prefer', { ipFamilyPolicy: 'PreferDualStack' });
  assert.deepEqual(prefer.spec.ipFamilies, ['IPv4']);
  const headless = await create('any-family', { clusterIP: 'None', selector: undefined });
  assert.deepEqual([headless.spec.ipFamilyPolicy, headless.spec.ipFamilies], ['RequireDualStack', ['IPv4', 'IPv6']]);
});

test('after a restart the pools are rebuilt from the stored Services, and what cannot be held is reported', async () => {
  const held = (await services.get('default', 'plain')) as any;
  // A second Service with the same address, written behind the allocator's back (as a bad restore would).
  const clash = svc('clash', { clusterIP: held.spec.clusterIP, clusterIPs: [held.spec.clusterIP] });
  await store.create(services.key('default', 'clash'), JSON.stringify({ ...clash, metadata: { name: 'clash', namespace: 'default', uid: 'x', creationTimestamp: '2999-01-01T00:00:00Z' } }));
  core.stop();
  const warnings: string[] = [];
  await startCore((message) => warnings.push(message));
  assert.ok(pools.ips.has(held.spec.clusterIP));
  assert.ok(pools.ips.has('10.43.0.5'));
  assert.ok(pools.nodePorts.has(30080));
  assert.deepEqual(warnings, [`service default/clash: cluster IP ${held.spec.clusterIP} was assigned to more than one service; please recreate the service`]);
  const taken = await apiError(create('after-restart', { clusterIP: '10.43.0.5' }));
  assert.match(taken.message, /provided IP is already allocated/);
  await remove('clash');
  assert.ok(pools.ips.has(held.spec.clusterIP), 'the duplicate held nothing, so its deletion frees nothing');
});
