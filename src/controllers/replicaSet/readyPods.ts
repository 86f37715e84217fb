// For integration tests: a stand-in kubelet that marks pods Running and Ready as soon as they
// appear (unless `ready` says this pod never becomes ready), so ReplicaSets and Deployments
// can be driven without nodes or a scheduler.

import type { Client } from '../../client/client.ts';
import { createInformerFactory } from '../../client/informer.ts';
import { types } from '../../client/resourceTypes.ts';
import type { Pod } from '../../api/objects.ts';
import { isPodReady } from './pods.ts';
import { rfc3339 } from './time.ts';

export function startReadyPods(client: Client, ready: (pod: Pod) => boolean = () => true): () => void {
  const informers = createInformerFactory(client);
  const pods = informers.informer<Pod>(types.pods);
  const mark = (pod: Pod) => {
    if (pod.metadata?.deletionTimestamp || isPodReady(pod) || !ready(pod)) return;
    const now = rfc3339(Date.now());
    const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
    client.patch(types.pods, pod.metadata?.namespace, pod.metadata!.name!, 'merge', { status }, { subresource: 'status' }).catch(() => {});
  };
  pods.addHandler({ onAdd: mark, onUpdate: (_old, pod) => mark(pod) });
  informers.start();
  return () => informers.stop();
}
