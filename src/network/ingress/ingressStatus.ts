// status.loadBalancer of the Ingresses: where the ingress serves them (this machine's address,
// with the HTTP and HTTPS ports, so that a port picked at random can be found). Written for
// each Ingress served; taken back from one no longer served that still shows it.

import { isDeepStrictEqual } from 'node:util';
import type { IngressLoadBalancerStatus } from 'kubernetes-types/networking/v1.js';
import { ApiError } from '../../apiserver/errors.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import type { IngressObject } from './routingTable.ts';

export function loadBalancerStatus(address: string, httpPort: number, httpsPort: number): IngressLoadBalancerStatus {
  return { ingress: [{ ip: address, ports: [{ port: httpPort, protocol: 'TCP' }, { port: httpsPort, protocol: 'TCP' }] }] };
}

/** Brings every Ingress's status in line; false if a write failed (worth trying again). */
export async function syncIngressStatuses(client: Client, ingresses: IngressObject[], served: (ing: IngressObject) => boolean, desired: IngressLoadBalancerStatus): Promise<boolean> {
  const writes = ingresses.flatMap((ing) => {
    const current = ing.status?.loadBalancer ?? {};
    if (served(ing)) return isDeepStrictEqual(current, desired) ? [] : [write(client, ing, desired)];
    return isDeepStrictEqual(current, desired) ? [write(client, ing, { ingress: null })] : [];
  });
  return (await Promise.all(writes)).every(Boolean);
}

async function write(client: Client, ing: IngressObject, loadBalancer: object): Promise<boolean> {
  try {
    await client.patch(types.ingresses, ing.metadata!.namespace, ing.metadata!.name!, 'merge', { status: { loadBalancer } }, { subresource: 'status' });
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return true; // deleted meanwhile
    console.error(`skiff: ingress: status of ${ing.metadata!.namespace}/${ing.metadata!.name}: ${(err as Error).message}`);
    return false;
  }
}
