// The RuntimeClass admission, as upstream's, for a new pod: its runtimeClassName must name an
// existing RuntimeClass; the class's overhead becomes the pod's spec.overhead (a different
// overhead already set, or one set with no class overhead, is refused); the class's
// scheduling nodeSelector is merged into the pod's (a conflicting value is refused) and its
// tolerations are merged with the pod's, dropping any another one already covers.

import type { Pod, Toleration } from 'kubernetes-types/core/v1.js';
import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import { parseQuantity } from '../core/quantity.ts';

/** The pod to store, or why it is refused (a 403 Forbidden message). */
export type RuntimeClassVerdict = { pod: Pod } | { rejected: string };

export function admitRuntimeClass(pod: Pod, lookup: (name: string) => RuntimeClass | undefined): RuntimeClassVerdict {
  const spec = pod.spec;
  const name = spec?.runtimeClassName;
  const rc = name ? lookup(name) : undefined;
  if (name && !rc) return { rejected: `pod rejected: RuntimeClass "${name}" not found` };
  if (!spec) return { pod };
  const podFixed = rc?.overhead?.podFixed;
  if (podFixed) {
    if (spec.overhead && !sameResources(spec.overhead, podFixed)) return { rejected: "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead" };
  } else if (spec.overhead) {
    return { rejected: 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead' };
  }
  const scheduling = rc?.scheduling;
  const nodeSelector = { ...spec.nodeSelector };
  for (const [key, value] of Object.entries(scheduling?.nodeSelector ?? {})) {
    const own = spec.nodeSelector?.[key];
    if (own !== undefined && own !== value) return { rejected: `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${own}` };
    nodeSelector[key] = value;
  }
  if (!podFixed && !scheduling) return { pod };
  return {
    pod: {
      ...pod,
      spec: {
        ...spec,
        ...(podFixed ? { overhead: { ...podFixed } } : {}),
        ...(scheduling?.nodeSelector ? { nodeSelector } : {}),
        ...(scheduling?.tolerations ? { tolerations: mergeTolerations(spec.tolerations ?? [], scheduling.tolerations) } : {}),
      },
    },
  };
}

/** Both lists, without any toleration that another one (earlier, or later and different) covers. */
export function mergeTolerations(first: Toleration[], second: Toleration[]): Toleration[] {
  const all = [...first, ...second];
  const merged: Toleration[] = [];
  all.forEach((t, i) => {
    if (merged.some((kept) => covers(kept, t))) return;
    if (all.slice(i + 1).some((later) => !sameToleration(later, t) && covers(later, t))) return;
    merged.push(t);
  });
  return merged;
}

/** Whether `wide` tolerates everything `t` does. */
function covers(wide: Toleration, t: Toleration): boolean {
  if (sameToleration(wide, t)) return true;
  const matchesAllKeys = !wide.key && wide.operator === 'Exists';
  if ((t.key ?? '') !== (wide.key ?? '') && !matchesAllKeys) return false;
  if ((t.effect ?? '') !== (wide.effect ?? '') && wide.effect) return false;
  if (wide.effect === 'NoExecute' && wide.tolerationSeconds !== undefined) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds > wide.tolerationSeconds) return false;
  }
  if (wide.operator === 'Exists') return true;
  if (!wide.operator || wide.operator === 'Equal') return (t.operator ?? 'Equal') === 'Equal' && (t.value ?? '') === (wide.value ?? '');
  return false;
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '') && a.tolerationSeconds === b.tolerationSeconds;
}

/** Semantic equality of resource lists: the same names with equal quantities ("1" and "1000m" are equal). */
function sameResources(a: Record<string, string | number>, b: Record<string, string | number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] !== undefined && b[k] !== undefined && parseQuantity(a[k]) === parseQuantity(b[k]));
}
