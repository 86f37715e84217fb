// The taints node lifecycle keeps on nodes: NoSchedule ones mirroring the node's conditions
// (so the scheduler leaves unhealthy nodes alone) and the NoExecute not-ready/unreachable
// ones that evict pods. Written as the whole taint list with the node's resourceVersion as a
// precondition, re-read and retried on conflict.

import type { Client } from '../../client/client.ts';
import { types } from '../../client/resourceTypes.ts';
import { ApiError } from '../../apiserver/errors.ts';
import type { Node, Taint } from '../../api/objects.ts';
import { rfc3339 } from './nodeHealth.ts';

export const taintKeys = {
  notReady: 'node.kubernetes.io/not-ready',
  unreachable: 'node.kubernetes.io/unreachable',
  unschedulable: 'node.kubernetes.io/unschedulable',
  memoryPressure: 'node.kubernetes.io/memory-pressure',
  diskPressure: 'node.kubernetes.io/disk-pressure',
  pidPressure: 'node.kubernetes.io/pid-pressure',
  networkUnavailable: 'node.kubernetes.io/network-unavailable',
};

export const notReadyNoExecute: Taint = { key: taintKeys.notReady, effect: 'NoExecute' };
export const unreachableNoExecute: Taint = { key: taintKeys.unreachable, effect: 'NoExecute' };

/** Which condition status means which taint. */
const conditionTaints: Record<string, Record<string, string>> = {
  Ready: { False: taintKeys.notReady, Unknown: taintKeys.unreachable },
  MemoryPressure: { True: taintKeys.memoryPressure },
  DiskPressure: { True: taintKeys.diskPressure },
  NetworkUnavailable: { True: taintKeys.networkUnavailable },
  PIDPressure: { True: taintKeys.pidPressure },
};
const conditionTaintKeys = new Set([...Object.values(conditionTaints).flatMap((m) => Object.values(m)), taintKeys.unschedulable]);

/** The NoSchedule taints the node's conditions and spec.unschedulable call for. */
export function wantedNoScheduleTaints(node: Node): Taint[] {
  const taints: Taint[] = [];
  for (const condition of node.status?.conditions ?? []) {
    const key = conditionTaints[condition.type]?.[condition.status];
    if (key) taints.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) taints.push({ key: taintKeys.unschedulable, effect: 'NoSchedule' });
  return taints;
}

/** The taint list with the condition NoSchedule taints made what the conditions say; undefined if it already is. */
export function withNoScheduleTaints(node: Node): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wanted = wantedNoScheduleTaints(node);
  const isConditionTaint = (t: Taint) => t.effect === 'NoSchedule' && conditionTaintKeys.has(t.key);
  const has = (list: Taint[], t: Taint) => list.some((o) => o.key === t.key && o.effect === t.effect);
  const toAdd = wanted.filter((t) => !has(current, t));
  const toRemove = current.filter((t) => isConditionTaint(t) && !has(wanted, t));
  if (toAdd.length === 0 && toRemove.length === 0) return undefined;
  return [...current.filter((t) => !toRemove.includes(t)), ...toAdd];
}

export function hasTaint(node: Node, taint: Taint): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === taint.key && t.effect === taint.effect);
}

/** Adds `add` (stamped with timeAdded now) and removes `remove`; undefined if nothing changes. */
export function swapTaints(taints: Taint[] | undefined, add: Taint[], remove: Taint[], now: number): Taint[] | undefined {
  const current = taints ?? [];
  const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
  const kept = current.filter((t) => !remove.some((r) => same(r, t)));
  const added = add.filter((a) => !kept.some((t) => same(a, t))).map((a) => ({ ...a, timeAdded: rfc3339(now) }));
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}

/**
 * Rewrites a node's taints with change(node) (undefined: nothing to do), starting from the
 * cached copy and re-reading it on conflict. Returns whether it wrote; a missing node is no-op.
 */
export async function updateTaints(client: Client, cached: Node, change: (node: Node) => Taint[] | undefined): Promise<boolean> {
  let node = cached;
  for (let attempt = 0; ; attempt++) {
    const taints = change(node);
    if (!taints) return false;
    try {
      await client.update<Node>(types.nodes, { ...node, spec: { ...node.spec, taints } });
      return true;
    } catch (err) {
      if (!(err instanceof ApiError) || (err.code !== 409 && err.code !== 404) || attempt >= 4) throw err;
      if (err.code === 404) return false;
      node = await client.get<Node>(types.nodes, undefined, node.metadata!.name!);
    }
  }
}
