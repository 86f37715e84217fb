// The Endpoints controller: every Service with a selector has an Endpoints object of the same
// name listing its pods' addresses (subsets.ts), labelled as the Service; Endpoints whose
// Service is gone are deleted. Services without a selector keep hand-made Endpoints.

import { isDeepStrictEqual } from 'node:util';
import type { Endpoints, EndpointSubset } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/kind.ts';
import type { Client } from '../../client/client.ts';
import { keyOf, splitKey, type Lister } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { runWorkers, type Controller, type ControllerContext } from '../controller.ts';
import { isNamespaceTerminating, isNotFound } from '../replicaSet/apiErrors.ts';
import { rfc3339 } from '../replicaSet/time.ts';
import { enqueueServicesOnChange } from './serviceEvents.ts';
import { isServiceIPSet, managesEndpoints, selectedPods, type PodObject, type ServiceObject } from './servicePods.ts';
import { headlessLabel } from '../../api/groups/core/service.ts';
import { endpointSubsets, maxEndpointsCapacity, truncateSubsets } from './subsets.ts';
import { TriggerTimes, triggerTimeAnnotation } from './triggerTime.ts';

export type EndpointsObject = Endpoints & KubeObject;

/** Upstream's --concurrent-endpoint-syncs. */
const workers = 5;
const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';

export const endpointsController: Controller = {
  name: 'endpoint-controller',
  start(ctx: ControllerContext) {
    const services = ctx.informers.informer<ServiceObject>(types.services);
    const pods = ctx.informers.informer<PodObject>(types.pods);
    const endpoints = ctx.informers.informer<EndpointsObject>(types.endpoints);
    const queue = createWorkQueue({ name: 'endpoint' });
    enqueueServicesOnChange(services, pods, (key) => queue.add(key));
    // Endpoints seen at start or deleted: their Service (if any) decides whether they should be.
    endpoints.addHandler({ onAdd: (ep) => queue.add(keyOf(ep)), onDelete: (ep) => queue.add(keyOf(ep)) });
    const sync = { client: ctx.client, services, pods, endpoints, triggerTimes: new TriggerTimes() };
    runWorkers(ctx, 'endpoint-controller', queue, workers, (key) => syncEndpoints(key, sync));
  },
};

export interface EndpointsSyncContext {
  client: Client;
  services: Lister<ServiceObject>;
  pods: Lister<PodObject>;
  endpoints: Lister<EndpointsObject>;
  triggerTimes: TriggerTimes;
}

export async function syncEndpoints(key: string, ctx: EndpointsSyncContext): Promise<void> {
  const { namespace, name } = splitKey(key);
  const service = ctx.services.get(namespace, name);
  if (!service) {
    ctx.triggerTimes.forget(key);
    // Leader-election records once lived in Endpoints; they are nobody's to delete.
    const current = ctx.endpoints.get(namespace, name);
    if (current?.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader']) return;
    try {
      await ctx.client.delete(types.endpoints, namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return;
  }
  if (!managesEndpoints(service)) return;

  const pods = selectedPods(ctx.pods, service);
  const triggerTime = ctx.triggerTimes.compute(key, service, pods);
  const subsets = endpointSubsets(service, pods);
  const current = ctx.endpoints.get(namespace, name);
  const serviceLabels = service.metadata?.labels ?? {};
  if (current && upToDate(current, subsets, serviceLabels)) return;

  const truncated = truncateSubsets(subsets);
  const annotations: Record<string, string> = { ...current?.metadata?.annotations };
  if (triggerTime !== undefined) annotations[triggerTimeAnnotation] = rfc3339(triggerTime);
  else delete annotations[triggerTimeAnnotation];
  if (truncated) annotations[overCapacityAnnotation] = 'truncated';
  else delete annotations[overCapacityAnnotation];
  const labels: Record<string, string> = { ...serviceLabels };
  if (isServiceIPSet(service)) delete labels[headlessLabel];
  else labels[headlessLabel] = '';

  const metadata = { ...current?.metadata, name, namespace, labels, annotations };
  if (Object.keys(annotations).length === 0) delete (metadata as { annotations?: unknown }).annotations;
  const wanted: EndpointsObject = { apiVersion: 'v1', kind: 'Endpoints', metadata, ...((truncated ?? subsets).length ? { subsets: truncated ?? subsets } : {}) };
  try {
    if (current) await ctx.client.update(types.endpoints, wanted);
    else await ctx.client.create(types.endpoints, wanted);
  } catch (err) {
    if (!isNamespaceTerminating(err)) throw err; // a namespace going away takes no new Endpoints
  }
}

/** Same subsets (ignoring pods' resourceVersions), the Service's labels, and the capacity annotation right. */
function upToDate(current: EndpointsObject, subsets: EndpointSubset[], serviceLabels: Record<string, string>): boolean {
  const { [headlessLabel]: _headless, ...labels } = current.metadata?.labels ?? {};
  const overCapacity = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0) > maxEndpointsCapacity;
  return (
    isDeepStrictEqual(withoutResourceVersions(current.subsets ?? []), subsets) &&
    isDeepStrictEqual(labels, serviceLabels) &&
    !overCapacity &&
    current.metadata?.annotations?.[overCapacityAnnotation] === undefined
  );
}

function withoutResourceVersions(subsets: EndpointSubset[]): EndpointSubset[] {
  const strip = <T extends { targetRef?: { resourceVersion?: string } }>(a: T): T => {
    if (!a.targetRef?.resourceVersion) return a;
    const { resourceVersion: _rv, ...targetRef } = a.targetRef;
    return { ...a, targetRef };
  };
  return subsets.map((s) => ({
    ...s,
    ...(s.addresses ? { addresses: s.addresses.map(strip) } : {}),
    ...(s.notReadyAddresses ? { notReadyAddresses: s.notReadyAddresses.map(strip) } : {}),
  }));
}
