// The Services every cluster has, kept by the apiserver as upstream's kube-apiserver keeps
// its own (the "bootstrap controller", not the endpoint controllers): `default/kubernetes` at
// the service range's first address, port 443 (https) to the apiserver's port, with its
// Endpoints and EndpointSlice naming the apiserver's address; and `kube-system/kube-dns` at
// the cluster DNS address (selector-less: the DNS component publishes its endpoints). Made at
// start and checked again every 10 s, so a deleted or edited one comes back.

import os from 'node:os';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/kind.ts';
import type { Client, ResourceType } from '../client/client.ts';
import { types } from '../client/resourceTypes.ts';
import { internalIP } from '../agent/node/hostFacts.ts';
import { ApiError } from './errors.ts';
import { serviceNameLabel } from '../api/groups/cluster/endpointSlice.ts';
import type { ServiceNetwork } from './serviceAllocation/serviceNetwork.ts';

export interface BuiltinServicesOptions {
  network: ServiceNetwork;
  /** Where pods reach the apiserver: its advertised address and its port. */
  apiserver: { address: string; port: number };
  /** How often they are checked (upstream: 10 s). */
  intervalMs?: number;
}

const serviceName = 'kubernetes';
const namespace = 'default';
const portName = 'https';

/** Makes the Services now, then keeps them; resolves once the first round is done. Returns stop. */
export async function startBuiltinServices(client: Client, options: BuiltinServicesOptions): Promise<() => void> {
  let running: Promise<void> | undefined;
  let lastProblem = '';
  const round = () => {
    running ??= reconcileBuiltinServices(client, options)
      .then(() => {
        lastProblem = '';
      })
      .catch((err) => {
        // Said once, not every round, until it changes or is fixed.
        const problem = err instanceof Error ? err.message : String(err);
        if (problem !== lastProblem) console.error(`skiff: keeping the built-in Services: ${problem}`);
        lastProblem = problem;
      })
      .finally(() => (running = undefined));
    return running;
  };
  await round();
  const timer = setInterval(round, options.intervalMs ?? 10_000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The apiserver's address as pods should reach it: the address it serves on when that is a
 * specific one, else the host's primary address (as kube-apiserver's --advertise-address
 * defaults).
 */
export function advertiseAddress(host: string | undefined): string {
  const specific = host && host !== '0.0.0.0' && host !== '::' && !host.startsWith('127.') && host !== '::1' && host !== 'localhost';
  return specific ? host : internalIP(os.networkInterfaces());
}

export async function reconcileBuiltinServices(client: Client, options: BuiltinServicesOptions): Promise<void> {
  const { network, apiserver } = options;
  await ensureKubernetesService(client, network.kubernetesIP, apiserver.port);
  await ensureEndpoints(client, apiserver);
  await ensureEndpointSlice(client, apiserver);
  // An existing kube-dns is left as it is: the DNS component may refine it.
  const dns = kubeDnsService(network.clusterDNS);
  if (!(await getIfExists(client, types.services, dns.metadata!.name!, dns.metadata!.namespace))) await createIfMissing(client, types.services, dns);
}

async function ensureKubernetesService(client: Client, clusterIP: string, targetPort: number): Promise<void> {
  const wanted: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: serviceName, namespace, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP], sessionAffinity: 'None', ports: [{ name: portName, port: 443, protocol: 'TCP', targetPort }] },
  };
  const current = await getIfExists<Service>(client, types.services, serviceName);
  if (!current) return createIfMissing(client, types.services, wanted);
  const spec = current.spec ?? {};
  const port = spec.ports?.length === 1 ? spec.ports[0] : undefined;
  const portRight = port?.name === portName && port.port === 443 && port.protocol === 'TCP' && port.targetPort === targetPort;
  // The cluster IP cannot change once set; one stored before skiff allocated addresses gets it now.
  if (portRight && spec.type === 'ClusterIP' && spec.clusterIP) return;
  const fixed = { ...current, spec: { ...spec, type: 'ClusterIP', ports: wanted.spec!.ports } };
  if (!spec.clusterIP) Object.assign(fixed.spec, { clusterIP, clusterIPs: [clusterIP] });
  await updateUnlessRaced(client, types.services, fixed);
}

async function ensureEndpoints(client: Client, apiserver: { address: string; port: number }): Promise<void> {
  const subsets = [{ addresses: [{ ip: apiserver.address }], ports: [{ name: portName, port: apiserver.port, protocol: 'TCP' }] }];
  // The EndpointSlice mirroring controller leaves these alone: the apiserver writes its slice itself.
  const labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
  const current = await getIfExists<Endpoints>(client, types.endpoints, serviceName);
  if (!current) return createIfMissing(client, types.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: serviceName, namespace, labels }, subsets });
  const right = same(addressesOf(current.subsets), [apiserver.address]) && same(portsOf(current.subsets?.[0]?.ports), portsOf(subsets[0].ports)) && current.subsets?.length === 1;
  if (right && same(current.metadata?.labels, labels)) return;
  await updateUnlessRaced(client, types.endpoints, { ...current, metadata: { ...current.metadata, labels }, subsets });
}

async function ensureEndpointSlice(client: Client, apiserver: { address: string; port: number }): Promise<void> {
  const labels = { [serviceNameLabel]: serviceName };
  const wanted: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: serviceName, namespace, labels },
    addressType: 'IPv4',
    endpoints: [{ addresses: [apiserver.address], conditions: { ready: true } }],
    ports: [{ name: portName, port: apiserver.port, protocol: 'TCP' }],
  };
  const slices = (await client.list<EndpointSlice & KubeObject>(types.endpointSlices, { namespace, labelSelector: `${serviceNameLabel}=${serviceName}` })).items;
  // Any other slice claiming the Service would send its traffic elsewhere: upstream deletes them.
  for (const other of slices.filter((s) => s.metadata?.name !== serviceName)) {
    await client.delete(types.endpointSlices, namespace, other.metadata!.name!).catch(ignore(404));
  }
  const current = slices.find((s) => s.metadata?.name === serviceName) ?? (await getIfExists<EndpointSlice>(client, types.endpointSlices, serviceName));
  if (!current) return createIfMissing(client, types.endpointSlices, wanted);
  const right = current.addressType === 'IPv4'
    && same(current.endpoints.map((e) => [e.addresses, e.conditions?.ready]), [[[apiserver.address], true]])
    && same(portsOf(current.ports), portsOf(wanted.ports))
    && same(current.metadata?.labels, labels);
  if (right) return;
  await updateUnlessRaced(client, types.endpointSlices, { ...current, ...wanted, metadata: { ...current.metadata, labels } });
}

function kubeDnsService(clusterIP: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      clusterIPs: [clusterIP],
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
}

function addressesOf(subsets: Endpoints['subsets']): string[] {
  return (subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
}

function portsOf(ports: { name?: string; port?: number; protocol?: string }[] | undefined): string[] {
  return (ports ?? []).map((p) => `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}`);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

async function getIfExists<T>(client: Client, type: ResourceType, name: string, ns = namespace): Promise<(T & KubeObject) | undefined> {
  return client.get<T & KubeObject>(type, ns, name).catch(ignore(404));
}

/** Creates obj; one made in the meantime (409) is left for the next round to check. */
async function createIfMissing(client: Client, type: ResourceType, obj: object): Promise<void> {
  await client.create(type, obj as KubeObject).catch(ignore(409));
}

/** Updates obj at the resourceVersion it was read at; a conflict is left for the next round. */
async function updateUnlessRaced(client: Client, type: ResourceType, obj: object): Promise<void> {
  await client.update(type, obj as KubeObject).catch(ignore(409));
}

function ignore(code: number): (err: unknown) => undefined {
  return (err) => {
    if (err instanceof ApiError && err.code === code) return undefined;
    throw err;
  };
}
