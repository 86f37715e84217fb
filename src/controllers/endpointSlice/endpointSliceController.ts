// The EndpointSlice controller: every Service with a selector has EndpointSlices (labelled
// with its name and this controller, owned by it) listing its pods as endpoints with their
// ready/serving/terminating conditions (slicePlan.ts). When the Service goes, the garbage
// collector deletes its slices through their owner reference.

import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import type { Client } from '../../client/client.ts';
import { splitKey, type Lister } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { runWorkers, type Controller, type ControllerContext } from '../controller.ts';
import { enqueueServicesOnChange } from '../endpoints/serviceEvents.ts';
import { managesEndpoints, selectedPods, type PodObject, type ServiceObject } from '../endpoints/servicePods.ts';
import { TriggerTimes, triggerTimeAnnotation } from '../endpoints/triggerTime.ts';
import { isNamespaceTerminating, isNotFound } from '../replicaSet/apiErrors.ts';
import { rfc3339 } from '../replicaSet/time.ts';
import { controllerName, planSlices, type EndpointSliceObject } from './slicePlan.ts';
import { managedByLabel, serviceNameLabel } from '../../api/groups/cluster/endpointSlice.ts';
import { SliceTracker } from './sliceTracker.ts';

type NodeObject = Node & KubeObject;

/** Upstream's --concurrent-service-endpoint-syncs. */
const workers = 5;
/** How soon a service whose slices the cache has not caught up with is looked at again (events usually come first). */
const staleRetryMs = 1000;

export const endpointSliceController: Controller = {
  name: 'endpointslice-controller',
  start(ctx: ControllerContext) {
    const services = ctx.informers.informer<ServiceObject>(types.services);
    const pods = ctx.informers.informer<PodObject>(types.pods);
    const nodes = ctx.informers.informer<NodeObject>(types.nodes);
    const slices = ctx.informers.informer<EndpointSliceObject>(types.endpointSlices);
    const queue = createWorkQueue({ name: 'endpoint_slice' });
    const tracker = new SliceTracker();
    enqueueServicesOnChange(services, pods, (key) => queue.add(key));
    const sliceChanged = (slice: EndpointSliceObject, gone: boolean) => {
      tracker.observed(slice, gone);
      const service = slice.metadata?.labels?.[serviceNameLabel];
      if (service && slice.metadata?.labels?.[managedByLabel] === controllerName) queue.add(`${slice.metadata!.namespace}/${service}`);
    };
    slices.addHandler({
      onAdd: (slice) => sliceChanged(slice, false),
      onUpdate: (_old, slice) => sliceChanged(slice, false),
      onDelete: (slice) => sliceChanged(slice, true),
    });
    const sync = { client: ctx.client, services, pods, nodes, slices, tracker, triggerTimes: new TriggerTimes() };
    runWorkers(ctx, 'endpointslice-controller', queue, workers, (key) => syncEndpointSlices(key, sync));
  },
};

export interface EndpointSliceSyncContext {
  client: Client;
  services: Lister<ServiceObject>;
  pods: Lister<PodObject>;
  nodes: Lister<NodeObject>;
  slices: Lister<EndpointSliceObject>;
  tracker: SliceTracker;
  triggerTimes: TriggerTimes;
}

export async function syncEndpointSlices(key: string, ctx: EndpointSliceSyncContext): Promise<void | { requeueAfterMs: number }> {
  const { namespace, name } = splitKey(key);
  const service = ctx.services.get(namespace, name);
  if (!service) {
    ctx.tracker.forget(key);
    ctx.triggerTimes.forget(key);
    return;
  }
  if (!managesEndpoints(service)) return;
  if (ctx.tracker.stale(key)) return { requeueAfterMs: staleRetryMs };

  const pods = selectedPods(ctx.pods, service);
  const triggerTime = ctx.triggerTimes.compute(key, service, pods);
  const existing = ctx.slices.list(namespace, (s) => s.metadata?.labels?.[serviceNameLabel] === name && s.metadata?.labels?.[managedByLabel] === controllerName && !s.metadata?.deletionTimestamp);
  const plan = planSlices({ service, pods, node: (n) => ctx.nodes.get(undefined, n), existing });
  const annotate = (slice: EndpointSliceObject): EndpointSliceObject => {
    const annotations = { ...slice.metadata?.annotations };
    if (triggerTime !== undefined) annotations[triggerTimeAnnotation] = rfc3339(triggerTime);
    else delete annotations[triggerTimeAnnotation];
    return { ...slice, metadata: { ...slice.metadata, annotations } };
  };

  try {
    for (const slice of plan.create) {
      const created = await ctx.client.create<EndpointSliceObject>(types.endpointSlices, annotate(slice));
      ctx.tracker.wrote(key, created, ctx.slices.get(namespace, created.metadata!.name!));
    }
    for (const slice of plan.update) {
      const updated = await ctx.client.update<EndpointSliceObject>(types.endpointSlices, annotate(slice));
      ctx.tracker.wrote(key, updated, ctx.slices.get(namespace, updated.metadata!.name!));
    }
  } catch (err) {
    if (isNamespaceTerminating(err)) return; // a namespace going away takes no new slices
    throw err;
  }
  for (const slice of plan.delete) {
    try {
      await ctx.client.delete(types.endpointSlices, namespace, slice.metadata!.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    ctx.tracker.removed(key, slice.metadata!.name!, ctx.slices.get(namespace, slice.metadata!.name!));
  }
  if (plan.errors.length > 0) throw new Error(plan.errors.join('; '));
}
