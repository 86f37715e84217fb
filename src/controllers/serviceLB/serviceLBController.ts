// The ServiceLB controller (k3s's ServiceLB, without per-Service pods): a LoadBalancer Service
// with no loadBalancerClass gets the Ready nodes' InternalIPs as status.loadBalancer.ingress
// (ipMode VIP), and every node's service proxy serves the Service's ports on its own address.

import type { Node, Service } from '../../api/objects.ts';
import { keyOf, splitKey, type Lister } from '../../client/informer.ts';
import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { runWorkers, type Controller } from '../controller.ts';
import { isNotFound } from '../replicaSet/apiErrors.ts';
import { ingressFor, isServiceLBs, sameIngress } from './lbIngress.ts';

const workers = 2;

export const serviceLBController: Controller = {
  name: 'servicelb-controller',
  start(ctx) {
    const services = ctx.informers.informer<Service>(types.services);
    const nodes = ctx.informers.informer<Node>(types.nodes);
    const queue = createWorkQueue({ name: 'servicelb' });
    const enqueue = (s: Service) => queue.add(keyOf(s));
    services.addHandler({ onAdd: enqueue, onUpdate: (_old, s) => enqueue(s) });
    // Heartbeats update Nodes all the time: only a change of the ingress list matters.
    let lastIngress = '';
    const nodesChanged = () => {
      const ingress = JSON.stringify(ingressFor(nodes.list()));
      if (ingress === lastIngress) return;
      lastIngress = ingress;
      for (const s of services.list()) if (isServiceLBs(s)) enqueue(s);
    };
    nodes.addHandler({ onAdd: nodesChanged, onUpdate: nodesChanged, onDelete: nodesChanged });
    runWorkers(ctx, 'servicelb-controller', queue, workers, (key) => syncServiceLB(key, { client: ctx.client, services, nodes }));
  },
};

export interface ServiceLBSyncContext {
  client: Client;
  services: Lister<Service>;
  nodes: Lister<Node>;
}

export async function syncServiceLB(key: string, ctx: ServiceLBSyncContext): Promise<void> {
  const { namespace, name } = splitKey(key);
  const service = ctx.services.get(namespace, name);
  // (A Service changed to another type loses its ingress in the apiserver, as upstream.)
  if (!service || service.metadata?.deletionTimestamp || !isServiceLBs(service)) return;
  const ingress = ingressFor(ctx.nodes.list());
  if (sameIngress(service.status?.loadBalancer?.ingress, ingress)) return;
  try {
    await ctx.client.patch(types.services, namespace, name, 'merge', { status: { loadBalancer: { ingress } } }, { subresource: 'status' });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
