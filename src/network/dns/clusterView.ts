// What cluster DNS reads, from the shared informers: Namespaces (a name in a namespace that
// does not exist is NXDOMAIN), Services, and EndpointSlices indexed by their Service and by
// their ready addresses (for PTR); ClusterIPs indexed too. Pods are not watched: with
// "pods insecure" a pod name spells its own address.

import type { EndpointSlice, Namespace, Service } from '../../api/objects.ts';
import type { InformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { serviceNameLabel } from '../../api/groups/cluster/endpointSlice.ts';
import type { ClusterView } from './clusterRecords.ts';

/** The Service that fronts cluster DNS. */
export const kubeDns = { namespace: 'kube-system', name: 'kube-dns' };

const byService = 'dns:service';
const byAddress = 'dns:address';
const byClusterIP = 'dns:clusterIP';

/** A view over the informers (which the caller starts); `listenAddress` is the nameserver named while no kube-dns Service exists. */
export function createClusterView(informers: InformerFactory, listenAddress: string): ClusterView {
  const namespaces = informers.informer<Namespace>(types.namespaces);
  const services = informers.informer<Service>(types.services);
  const slices = informers.informer<EndpointSlice>(types.endpointSlices);
  services.addIndex(byClusterIP, (svc) => (svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : []));
  slices.addIndex(byService, (slice) => {
    const service = slice.metadata?.labels?.[serviceNameLabel];
    return service ? [`${slice.metadata?.namespace}/${service}`] : [];
  });
  slices.addIndex(byAddress, (slice) => (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses));

  let changedAt = Math.floor(Date.now() / 1000);
  const touch = () => (changedAt = Math.floor(Date.now() / 1000));
  const onChange = { onAdd: touch, onUpdate: touch, onDelete: touch };
  services.addHandler(onChange);
  slices.addHandler(onChange);

  return {
    namespaceExists: (name) => namespaces.get(undefined, name) !== undefined,
    service: (namespace, name) => services.get(namespace, name),
    endpointSlices: (namespace, service) => slices.byIndex(byService, `${namespace}/${service}`),
    servicesWithIP: (ip) => services.byIndex(byClusterIP, ip),
    endpointSlicesWithIP: (ip) => slices.byIndex(byAddress, ip),
    nameservers() {
      const ips = services.get(kubeDns.namespace, kubeDns.name)?.spec?.clusterIPs ?? [];
      const usable = ips.filter((ip) => ip && ip !== 'None');
      if (!usable.length) return [{ label: 'ns.dns', ip: listenAddress }];
      return usable.map((ip) => ({ label: `${kubeDns.name}.${kubeDns.namespace}.svc`, ip }));
    },
    serial: () => changedAt,
  };
}
