// The namespace controller: a namespace being deleted is emptied of every namespaced object,
// its status conditions say how that goes, and once nothing is left the `kubernetes` finalizer
// is removed (PUT .../finalize), after which the apiserver deletes the namespace.

import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import type { Client } from '../../client/client.ts';
import type { Lister } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { runWorkers, type Controller, type ControllerContext } from '../controller.ts';
import { isNotFound } from '../replicaSet/apiErrors.ts';
import { rfc3339 } from '../replicaSet/time.ts';
import { updatedConditions } from './conditions.ts';
import { deleteContent } from './deleteContent.ts';

type NamespaceObject = Namespace & KubeObject;

/** Upstream's --concurrent-namespace-syncs. */
const workers = 10;
/**
 * How soon a namespace whose content is still going (pods in their grace period, objects
 * held by finalizers) is looked at again. Upstream waits half its estimate (at least 8 s for
 * finalizers); our passes are cheap, so we poll.
 */
const contentPollMs = 1000;
const finalizerName = 'kubernetes';

export const namespaceController: Controller = {
  name: 'namespace-controller',
  start(ctx: ControllerContext) {
    const namespaces = ctx.informers.informer<NamespaceObject>(types.namespaces);
    // Failures back off to a minute at most, as upstream: a namespace is never forgotten for long.
    const queue = createWorkQueue({ name: 'namespace', maxDelayMs: 60_000 });
    const enqueue = (ns: NamespaceObject) => {
      if (ns.metadata?.deletionTimestamp) queue.add(ns.metadata.name!);
    };
    namespaces.addHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
    const sync = { client: ctx.client, namespaces, now: Date.now };
    runWorkers(ctx, 'namespace-controller', queue, workers, (name) => syncNamespace(name, sync));
  },
};

export interface NamespaceSyncContext {
  client: Client;
  namespaces: Lister<NamespaceObject>;
  now: () => number;
}

export async function syncNamespace(name: string, ctx: NamespaceSyncContext): Promise<void | { requeueAfterMs: number }> {
  const ns = ctx.namespaces.get(undefined, name);
  if (!ns?.metadata?.deletionTimestamp || !ns.spec?.finalizers?.includes(finalizerName)) return;

  const now = ctx.now();
  const { report, found } = await deleteContent(ctx.client, name, now);
  let latest = ns;
  const conditions = updatedConditions(ns.status?.conditions, report, rfc3339(now));
  if (conditions) {
    try {
      const patch = { metadata: { resourceVersion: ns.metadata.resourceVersion }, status: { conditions } };
      latest = await ctx.client.patch<NamespaceObject>(types.namespaces, undefined, name, 'merge', patch, { subresource: 'status' });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }
  if (report.discoveryError || report.deleteErrors.length > 0) throw new Error([report.discoveryError, ...report.deleteErrors].filter(Boolean).join('; '));
  if (report.remaining.size > 0) return { requeueAfterMs: contentPollMs };
  // Something was deleted: look once more, so nothing created meanwhile is left behind.
  if (found > 0) return { requeueAfterMs: 0 };

  const finalizers = (latest.spec?.finalizers ?? []).filter((f) => f !== finalizerName);
  try {
    await ctx.client.update(types.namespaces, { ...latest, spec: { ...latest.spec, finalizers } }, { subresource: 'finalize' });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
