// Ages as `kubectl get` prints them: upstream's duration.HumanDuration, which keeps two
// units while the larger is small ("3m2s", "2d3h", "1y30d") and one unit after that.

import type { KubeObject } from './kind.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** A duration in upstream's human form: 5s, 119s, 3m2s, 45m, 5h3m, 30h, 2d3h, 300d, 3y10d, 9y. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / minute);
  if (minutes < 10) return withRemainder(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / hour);
  if (hours < 8) return withRemainder(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 8 * 24) return withRemainder(days, 'd', hours % 24, 'h');
  if (hours < 2 * 365 * 24) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 8 * 365 * 24) return withRemainder(years, 'y', days % 365, 'd');
  return `${years}y`;
}

/** "<unknown>" when the time is missing, as upstream prints a zero timestamp. */
export function since(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** The AGE column: time since metadata.creationTimestamp. */
export function ageOf(obj: KubeObject, now = Date.now()): string {
  return since(obj.metadata?.creationTimestamp, now);
}

function withRemainder(value: number, unit: string, remainder: number, remainderUnit: string): string {
  return remainder === 0 ? `${value}${unit}` : `${value}${unit}${remainder}${remainderUnit}`;
}
