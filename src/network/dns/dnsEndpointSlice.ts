// Each node's DNS server is an endpoint of the kube-dns Service (selector-less): the node keeps
// an EndpointSlice `kube-dns-<node>` in kube-system naming its listener, so the service proxy
// sends the Service's ClusterIP to it. Put back when changed or deleted by someone else; owned
// by the Node (deleting the Node collects it); removed when the server stops.

import type { EndpointSlice, Node } from '../../api/objects.ts';
import { ApiError } from '../../apiserver/errors.ts';
import type { Client } from '../../client/client.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { isDeepStrictEqual } from 'node:util';
import { kubeDns } from './clusterView.ts';
import { managedByLabel, serviceNameLabel } from '../../api/groups/cluster/endpointSlice.ts';
import { createSyncRunner } from '../../client/syncRunner.ts';

export const managedBy = 'skiff-dns';

export interface DnsEndpointOptions {
  client: Client;
  informers: InformerFactory;
  nodeName: string;
  address: string;
  port: number;
}

const retryMs = 1_000;

export function dnsEndpointSliceName(nodeName: string): string {
  return `${kubeDns.name}-${nodeName}`;
}

/** Publishes the slice (in the background, retrying) until remove() deletes it. */
export function keepDnsEndpointSlice(options: DnsEndpointOptions): { remove(): Promise<void> } {
  const { client, informers, nodeName } = options;
  const name = dnsEndpointSliceName(nodeName);
  const slices = informers.informer<EndpointSlice>(types.endpointSlices);
  let owner: Node | undefined;

  const reconcile = async () => {
    owner ??= await client.get<Node>(types.nodes, undefined, nodeName).catch(() => undefined);
    const wanted = desiredSlice(options, owner);
    const current = slices.get(kubeDns.namespace, name);
    if (current && isDeepStrictEqual(pick(current), pick(wanted))) return;
    try {
      if (current) await client.update(types.endpointSlices, { ...wanted, metadata: { ...wanted.metadata, resourceVersion: current.metadata?.resourceVersion } });
      else await client.create(types.endpointSlices, wanted);
    } catch (err) {
      // A conflict or an existing slice: the informer brings the news, and with it another look.
      if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
    }
  };
  const runner = createSyncRunner(reconcile, {
    minIntervalMs: 0,
    retryMs,
    onError: (err) => console.error(`skiff: dns: endpoint slice ${name}: ${(err as Error).message}; retrying`),
  });
  const ensure = () => runner.request();
  const ours = (slice: EndpointSlice) => slice.metadata?.namespace === kubeDns.namespace && slice.metadata?.name === name;
  slices.addHandler({
    onAdd: (slice) => ours(slice) && ensure(),
    onUpdate: (_old, slice) => ours(slice) && ensure(),
    onDelete: (slice) => ours(slice) && ensure(),
  });
  informers.start();
  void informers.waitForSync().then(ensure);

  return {
    async remove() {
      runner.stop();
      await runner.idle();
      // Best effort: a server already gone leaves the slice to the Node's garbage collection.
      await client.delete(types.endpointSlices, kubeDns.namespace, name).catch((err: unknown) => {
        if (!(err instanceof ApiError && err.code === 404)) console.error(`skiff: dns: removing endpoint slice ${name}: ${(err as Error).message}`);
      });
    },
  };
}

function desiredSlice(options: DnsEndpointOptions, node: Node | undefined): EndpointSlice {
  const { nodeName, address, port } = options;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: dnsEndpointSliceName(nodeName),
      namespace: kubeDns.namespace,
      labels: { [serviceNameLabel]: kubeDns.name, [managedByLabel]: managedBy },
      ...(node?.metadata?.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid }] } : {}),
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true, serving: true, terminating: false }, nodeName }],
    ports: [
      { name: 'dns', port, protocol: 'UDP' },
      { name: 'dns-tcp', port, protocol: 'TCP' },
    ],
  };
}

/** The fields we own (defaults the server adds elsewhere do not count as a change). */
function pick(slice: EndpointSlice) {
  return {
    labels: slice.metadata?.labels,
    owners: (slice.metadata?.ownerReferences ?? []).map((o) => o.uid),
    endpoints: slice.endpoints?.map((e) => ({ addresses: e.addresses, ready: e.conditions?.ready, nodeName: e.nodeName })),
    ports: slice.ports?.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
  };
}
