// Upstream's DefaultSelector, what system-default topology spreading counts: the labels the
// pod's services select on, plus the selector of the ReplicaSet or StatefulSet that
// controls it. Pods belonging to nothing get no default spreading.

import type { Lister } from '../client/informer.ts';
import type { ReplicaSet, Service, StatefulSet } from './objects.ts';
import type { PodInfo } from './podInfo.ts';
import { andSelectors, labelSelector, setSelector, type Selector } from './selectors.ts';

export interface SpreadListers {
  services: Lister<Service>;
  replicaSets: Lister<ReplicaSet>;
  statefulSets: Lister<StatefulSet>;
}

export function defaultSpreadSelector(pod: PodInfo, listers: SpreadListers): Selector | undefined {
  const selected: Record<string, string> = {};
  for (const service of listers.services.list(pod.namespace)) {
    const selector = service.spec?.selector;
    if (selector && setSelector(selector).matches(pod.labels)) Object.assign(selected, selector);
  }
  let selector = setSelector(selected);
  const owner = pod.pod.metadata?.ownerReferences?.find((o) => o.controller);
  if (owner?.apiVersion === 'apps/v1') {
    const lister = owner.kind === 'ReplicaSet' ? listers.replicaSets : owner.kind === 'StatefulSet' ? listers.statefulSets : undefined;
    const ownerSelector = lister?.get(pod.namespace, owner.name)?.spec?.selector;
    if (ownerSelector) selector = andSelectors(selector, labelSelector(ownerSelector));
  }
  return selector.empty ? undefined : selector;
}
