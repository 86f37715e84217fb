// How `kubectl get` cells render common values, as upstream's printers do: label maps and
// selectors, container names and images on one line, the AGE column.

import type { Column, KubeObject } from '../../kind.ts';
import type { LabelSelector } from '../../validation.ts';
import { ageOf } from '../../age.ts';

/** The AGE column, for kinds whose wide columns come after it. */
export const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  description: 'Time since the object was created (metadata.creationTimestamp).',
  cell: (obj: KubeObject) => ageOf(obj),
};

/** labels.FormatLabels: `a=1,b=2` in key order, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

/** metav1.FormatLabelSelector: requirements in key order (`app=web,env in (a,b),!legacy`). */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return '<none>';
  const parts: [string, string][] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) parts.push([key, `${key}=${value}`]);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const list = [...values].sort().join(',');
    if (operator === 'In') parts.push([key, `${key} in (${list})`]);
    else if (operator === 'NotIn') parts.push([key, `${key} notin (${list})`]);
    else if (operator === 'Exists') parts.push([key, key]);
    else if (operator === 'DoesNotExist') parts.push([key, `!${key}`]);
    else return '<error>';
  }
  const text = parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((p) => p[1]).join(',');
  return text || '<none>';
}

/** Container names and images, each joined with commas (the wide CONTAINERS/IMAGES cells). */
export function containerCells(containers: { name?: string; image?: string }[] | undefined): { names: string; images: string } {
  const list = containers ?? [];
  return { names: list.map((c) => c.name ?? '').join(','), images: list.map((c) => c.image ?? '').join(',') };
}

/** Lists of at most `max` entries, then "+ N more...", as the endpoints printers shorten. */
export function listWithMore(items: string[], total: number, max: number): string {
  const shown = items.slice(0, max).join(',');
  return total > max ? `${shown} + ${total - max} more...` : shown;
}
