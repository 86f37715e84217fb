// Which cached objects a controller has to look at: those it controls (the controllerUid
// index) and those its selector could pick (narrowed by the label index), not a scan of the
// whole namespace.

import type { KubeObject } from '../../api/kind.ts';
import { indexes, type Lister } from '../../client/informer.ts';
import type { LabelSelector } from '../../api/validation.ts';

export function controlledOrSelectable<T extends KubeObject>(lister: Lister<T>, owner: KubeObject, selector: LabelSelector): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  const add = (obj: T) => {
    const uid = obj.metadata?.uid ?? `${obj.metadata?.namespace}/${obj.metadata?.name}`;
    if (!seen.has(uid)) {
      seen.add(uid);
      out.push(obj);
    }
  };
  lister.byIndex(indexes.controllerUid, owner.metadata!.uid!).forEach(add);
  selectable(lister, owner.metadata!.namespace!, selector).forEach(add);
  return out;
}

/** Objects in the namespace that might match the selector (callers still match it). */
function selectable<T extends KubeObject>(lister: Lister<T>, namespace: string, selector: LabelSelector): T[] {
  const first = Object.entries(selector.matchLabels ?? {})[0];
  if (!first) return lister.list(namespace);
  return lister.byIndex(indexes.label, `${first[0]}=${first[1]}`).filter((obj) => obj.metadata?.namespace === namespace);
}

/** A selector with neither matchLabels nor matchExpressions selects everything. */
export function selectsEverything(selector: LabelSelector | undefined): boolean {
  return Boolean(selector) && Object.keys(selector!.matchLabels ?? {}).length + (selector!.matchExpressions ?? []).length === 0;
}
