// The DefaultTolerationSeconds admission, as upstream's: a new pod that does not already
// tolerate the not-ready and unreachable NoExecute taints gets tolerations for them that last
// `seconds` (upstream 300, --default-not-ready-toleration-seconds and
// --default-unreachable-toleration-seconds), so its pods leave a failed node after that long.

import type { Pod, Toleration } from '../../api/objects.ts';
import { taintKeys } from './taints.ts';

/** The pod with the default tolerations added (the same object if it needs none). */
export function defaultTolerationSeconds(pod: Pod, seconds = 300): Pod {
  const tolerations = pod.spec?.tolerations ?? [];
  const tolerates = (key: string) => tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
  const added: Toleration[] = [taintKeys.notReady, taintKeys.unreachable]
    .filter((key) => !tolerates(key))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }));
  if (added.length === 0 || !pod.spec) return pod;
  return { ...pod, spec: { ...pod.spec, tolerations: [...tolerations, ...added] } };
}
