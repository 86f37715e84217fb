// Which Services to look at again when Services or Pods change, for the controllers that keep
// a Service's endpoints (upstream's pod-to-service mapping): a pod event names every Service
// in its namespace whose selector matches it, before and after the change.

import { keyOf, type Informer } from '../../client/informer.ts';
import { podEndpointsChanged, selects, type PodObject, type ServiceObject } from './servicePods.ts';

export function enqueueServicesOnChange(services: Informer<ServiceObject>, pods: Informer<PodObject>, enqueue: (serviceKey: string) => void): void {
  const service = (svc: ServiceObject) => enqueue(keyOf(svc));
  services.addHandler({ onAdd: service, onUpdate: (_old, svc) => service(svc), onDelete: service });
  const selecting = (pod: PodObject) => {
    for (const svc of services.list(pod.metadata?.namespace, (s) => selects(s, pod.metadata?.labels))) service(svc);
  };
  pods.addHandler({
    onAdd: selecting,
    onUpdate: (old, pod) => {
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      const { endpoints, membership } = podEndpointsChanged(old, pod);
      if (membership) selecting(old);
      if (endpoints || membership) selecting(pod);
    },
    onDelete: selecting,
  });
}
