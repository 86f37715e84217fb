// The cluster's service network, from the server's flags: the service CIDR Services' cluster
// IPs come from, the node port range, and the two well-known addresses in it (the
// `kubernetes` Service's first address, the cluster DNS Service's tenth by convention).

import { IpAllocator } from './ipAllocator.ts';
import { defaultNodePortRange, parsePortRange, type PortRange } from './portAllocator.ts';

export const defaultServiceCIDR = '10.43.0.0/16';

export interface ServiceNetwork {
  serviceCIDR: string;
  nodePorts: PortRange;
  /** The `kubernetes` Service's cluster IP: the range's first address. */
  kubernetesIP: string;
  /** The cluster DNS Service's (kube-system/kube-dns) cluster IP. */
  clusterDNS: string;
}

/** Checks the flags' values; throws an Error saying what is wrong (a usage error). */
export function serviceNetwork(flags: { serviceCIDR?: string; nodePortRange?: string; clusterDNS?: string } = {}): ServiceNetwork {
  const ips = new IpAllocator(flags.serviceCIDR ?? defaultServiceCIDR);
  const nodePorts = parsePortRange(flags.nodePortRange ?? defaultNodePortRange);
  const kubernetesIP = ips.address(1);
  const clusterDNS = flags.clusterDNS ?? ips.address(10);
  if (!ips.contains(clusterDNS)) throw new Error(`cluster DNS ${clusterDNS}: not an allocatable address of the service CIDR ${ips.cidr}`);
  if (clusterDNS === kubernetesIP) throw new Error(`cluster DNS ${clusterDNS}: the kubernetes Service has that address`);
  return { serviceCIDR: ips.cidr, nodePorts, kubernetesIP, clusterDNS };
}
