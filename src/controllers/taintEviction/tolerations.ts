// Whether a pod's toleration tolerates a node's taint, as upstream's ToleratesTaint: a
// toleration with no effect matches every effect, one with no key (operator Exists) every
// key; Equal compares values, Exists does not.

import type { Taint, Toleration } from '../../api/objects.ts';

export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}
