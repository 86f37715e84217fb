// Taints and tolerations, matched as upstream's Toleration.ToleratesTaint.

import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerated(tolerations: Toleration[], taint: Taint): boolean {
  for (let i = 0; i < tolerations.length; i++) if (toleratesTaint(tolerations[i], taint)) return true;
  return false;
}

/** The first NoSchedule or NoExecute taint the tolerations do not tolerate. */
export function untoleratedBlockingTaint(taints: Taint[], tolerations: Toleration[]): Taint | undefined {
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i];
    if ((taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerated(tolerations, taint)) return taint;
  }
  return undefined;
}
