// The service account controller: every active namespace has a `default` ServiceAccount,
// created with the namespace and again whenever it is deleted.

import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import type { Client } from '../../client/client.ts';
import type { Lister } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { runWorkers, type Controller, type ControllerContext } from '../controller.ts';
import { isAlreadyExists, isNamespaceTerminating, isNotFound } from '../replicaSet/apiErrors.ts';

type NamespaceObject = Namespace & KubeObject;
type ServiceAccountObject = ServiceAccount & KubeObject;

/** Upstream's --concurrent-serviceaccount-syncs. */
const workers = 1;
const defaultName = 'default';

export const serviceAccountController: Controller = {
  name: 'serviceaccount-controller',
  start(ctx: ControllerContext) {
    const namespaces = ctx.informers.informer<NamespaceObject>(types.namespaces);
    const serviceAccounts = ctx.informers.informer<ServiceAccountObject>(types.serviceAccounts);
    const queue = createWorkQueue({ name: 'serviceaccount' });
    const enqueue = (ns: NamespaceObject) => queue.add(ns.metadata!.name!);
    namespaces.addHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
    serviceAccounts.addHandler({
      onDelete: (sa) => {
        if (sa.metadata?.name === defaultName) queue.add(sa.metadata.namespace!);
      },
    });
    const sync = { client: ctx.client, namespaces, serviceAccounts };
    runWorkers(ctx, 'serviceaccount-controller', queue, workers, (namespace) => syncServiceAccounts(namespace, sync));
  },
};

export interface ServiceAccountSyncContext {
  client: Client;
  namespaces: Lister<NamespaceObject>;
  serviceAccounts: Lister<ServiceAccountObject>;
}

export async function syncServiceAccounts(namespace: string, ctx: ServiceAccountSyncContext): Promise<void> {
  const ns = ctx.namespaces.get(undefined, namespace);
  // Nothing is created in a namespace that is going away.
  if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase !== 'Active') return;
  if (ctx.serviceAccounts.get(namespace, defaultName)) return;
  try {
    await ctx.client.create(types.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: defaultName, namespace } });
  } catch (err) {
    if (isAlreadyExists(err) || isNamespaceTerminating(err) || isNotFound(err)) return;
    throw err;
  }
}
