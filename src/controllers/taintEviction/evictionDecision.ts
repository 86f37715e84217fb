// What to do with a pod on a node with NoExecute taints, as upstream's taint eviction
// controller decides: evict at once unless every taint is tolerated; tolerated for ever
// unless a matching toleration sets tolerationSeconds; else evict once that long has passed
// since the taint came (its timeAdded), the soonest such deadline first. Counting from
// timeAdded rather than from when this controller noticed keeps deadlines across restarts.

import type { Taint, Toleration } from '../../api/objects.ts';
import { toleratesTaint } from './tolerations.ts';

export type EvictionDecision = { action: 'keep' } | { action: 'evict' } | { action: 'wait'; untilMs: number };

/** taints: the node's NoExecute taints; noticedMs: when to count from for a taint without timeAdded. */
export function evictionDecision(taints: Taint[], tolerations: Toleration[], noticedMs: number, now: number): EvictionDecision {
  let untilMs = Infinity;
  for (const taint of taints) {
    const toleration = tolerations.find((t) => toleratesTaint(t, taint));
    if (!toleration) return { action: 'evict' };
    const seconds = toleration.tolerationSeconds;
    if (seconds === undefined || seconds === null) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    const since = Number.isFinite(added) && added <= now ? added : noticedMs;
    untilMs = Math.min(untilMs, since + Math.max(0, seconds) * 1000);
  }
  if (untilMs === Infinity) return { action: 'keep' };
  return now >= untilMs ? { action: 'evict' } : { action: 'wait', untilMs };
}
