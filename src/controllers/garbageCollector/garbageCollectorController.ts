// The garbage collector: watches every kind that can own or be owned (the built-in kinds and,
// once their CRDs are established, custom resources), queues the objects that may have work
// (an owner possibly gone, or an owner's deletion waiting on its dependents) and syncs each
// (syncItem.ts). After a restart every object is seen again, so dependents of owners deleted
// while the server was down are collected too.

import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import type { ResourceType } from '../../client/client.ts';
import { createInformerFactory, type EventHandler } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue, type WorkQueue } from '../../client/workqueue.ts';
import { runWorkers, type Controller, type ControllerContext } from '../controller.ts';
import { isDeletingDependents, needsAttention } from './decisions.ts';
import { itemKey, OwnershipGraph, type Monitor } from './graph.ts';
import { customResourceType, deletableBuiltinTypes } from './resources.ts';
import { BoundedSet, syncItem } from './syncItem.ts';

/** Upstream's --concurrent-gc-syncs. */
const workers = 20;
const absentOwnerCacheSize = 1000;

export const garbageCollectorController: Controller = {
  name: 'garbage-collector-controller',
  start(ctx: ControllerContext) {
    const queue = createWorkQueue({ name: 'garbage_collector_attempt_to_delete' });
    const graph = new OwnershipGraph();
    const monitor = (m: Monitor) => {
      graph.add(m);
      m.informer.addHandler(handlerFor(m.type, graph, queue));
    };
    // Events own nothing and are owned by nothing worth collecting (upstream ignores them).
    for (const type of deletableBuiltinTypes) if (type.kind !== 'Event') monitor({ type, informer: ctx.informers.informer(type) });
    monitorCustomResources(ctx, graph, monitor);
    ctx.signal.addEventListener('abort', () => graph.stop(), { once: true });
    const sync = { client: ctx.client, graph, absentOwners: new BoundedSet(absentOwnerCacheSize), enqueue: (key: string) => queue.add(key) };
    runWorkers(ctx, 'garbage-collector-controller', queue, workers, (key) => syncItem(key, sync));
  },
};

/** Each established CRD's kind gets its own informer, stopped when the CRD is gone. */
function monitorCustomResources(ctx: ControllerContext, graph: OwnershipGraph, monitor: (m: Monitor) => void): void {
  const crds = ctx.informers.informer<CustomResourceDefinition & KubeObject>(types.customResourceDefinitions);
  const observe = (crd: CustomResourceDefinition) => {
    const type = customResourceType(crd);
    if (!type || graph.has(type)) return;
    const factory = createInformerFactory(ctx.client);
    const informer = factory.informer<KubeObject>(type);
    monitor({ type, informer, stop: () => factory.stop() });
    factory.start();
  };
  // Kept while the CRD is being deleted: the deletion events of its objects still matter.
  const forget = (crd: CustomResourceDefinition) => graph.remove(crdType(crd));
  crds.addHandler({ onAdd: observe, onUpdate: (_old, crd) => observe(crd), onDelete: forget });
}

const crdType = (crd: CustomResourceDefinition): ResourceType => ({
  group: crd.spec.group,
  version: '',
  plural: crd.spec.names.plural,
  kind: crd.spec.names.kind,
  namespaced: crd.spec.scope === 'Namespaced',
});

/** Event handlers only say which objects to look at; syncItem reads everything again. */
function handlerFor(type: ResourceType, graph: OwnershipGraph, queue: WorkQueue): EventHandler<KubeObject> {
  const consider = (obj: KubeObject) => {
    if (needsAttention(obj, (ref) => graph.cachedOwner(ref, obj.metadata?.namespace))) queue.add(itemKey(type, obj));
  };
  // Owners deleting in the foreground wait on their dependents: a change may release them.
  const wakeOwners = (obj: KubeObject) => {
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      const owner = graph.cachedOwner(ref, obj.metadata?.namespace);
      const ownerType = graph.typeOf(ref.apiVersion, ref.kind);
      if (owner && ownerType && isDeletingDependents(owner)) queue.add(itemKey(ownerType, owner));
    }
  };
  const deleted = (obj: KubeObject) => {
    for (const dependent of graph.dependents(obj.metadata!.uid!)) queue.add(dependent.key);
    wakeOwners(obj);
  };
  return {
    onAdd: consider,
    onUpdate: (old, obj) => {
      if (old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
      if (old.metadata?.uid !== obj.metadata?.uid) deleted(old);
      else if (JSON.stringify(old.metadata?.ownerReferences) !== JSON.stringify(obj.metadata?.ownerReferences)) wakeOwners(old);
      consider(obj);
    },
    onDelete: deleted,
  };
}
