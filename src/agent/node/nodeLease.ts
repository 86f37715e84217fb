// The node's heartbeat: its Lease in kube-node-lease renewed in place, recreated (or taken
// over) when it went missing or changed under us. Shared by real and simulated nodes.

import { ApiError } from '../../apiserver/errors.ts';
import type { Lease } from '../../api/objects.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import { leaseObject, microTime, nodeLeaseNamespace } from '../simulate/nodeObject.ts';

export interface NodeLeaseRef {
  nodeName: string;
  nodeUid: string | undefined;
  leaseDurationSeconds: number;
}

/** Renews the lease last written (`current`, saving a read), else whatever is stored, else creates it; the lease as written. */
export async function renewNodeLease(client: Client, current: Lease | undefined, ref: NodeLeaseRef, now = new Date()): Promise<Lease> {
  if (current) {
    try {
      return await client.update<Lease>(types.leases, renewed(current, now));
    } catch (err) {
      if (!isApiError(err, 404, 409)) throw err;
    }
  }
  const existing = await client.get<Lease>(types.leases, nodeLeaseNamespace, ref.nodeName).catch((err) => {
    if (isApiError(err, 404)) return undefined;
    throw err;
  });
  return existing
    ? await client.update<Lease>(types.leases, renewed(existing, now))
    : await client.create<Lease>(types.leases, leaseObject(ref.nodeName, ref.nodeUid, ref.leaseDurationSeconds, now));
}

function renewed(lease: Lease, now: Date): Lease {
  return { ...lease, spec: { ...lease.spec, renewTime: microTime(now) } };
}

export function isApiError(err: unknown, ...codes: number[]): boolean {
  return err instanceof ApiError && codes.includes(err.code);
}
