// PodLogOptions (v1) as a query carries them: read by the apiserver from `pods/x/log?...` and by
// the kubelet from `/containerLogs/...?...`, checked as upstream's ValidatePodLogOptions, and
// written back as the query the apiserver sends the kubelet (upstream's LogLocation).

import type { FieldError } from '../../apiserver/errors.ts';

export interface PodLogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  /** RFC 3339, to the second. */
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

/** A query value that does not parse: the apiserver answers 400 with this message. */
export class QueryError extends Error {}

export function parsePodLogOptions(query: URLSearchParams): PodLogOptions {
  const options: PodLogOptions = {
    follow: bool(query, 'follow'),
    previous: bool(query, 'previous'),
    timestamps: bool(query, 'timestamps'),
  };
  const container = query.get('container');
  if (container) options.container = container;
  const sinceSeconds = int(query, 'sinceSeconds');
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds;
  const tailLines = int(query, 'tailLines');
  if (tailLines !== undefined) options.tailLines = tailLines;
  const limitBytes = int(query, 'limitBytes');
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  const sinceTime = query.get('sinceTime');
  if (sinceTime) {
    const ms = Date.parse(sinceTime);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(sinceTime) || Number.isNaN(ms)) {
      throw new QueryError(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)}`);
    }
    // metav1.Time carries whole seconds.
    options.sinceTime = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }
  return options;
}

/** As upstream's ValidatePodLogOptions (messages included). */
export function validatePodLogOptions(o: PodLogOptions): FieldError[] {
  const errors: FieldError[] = [];
  if (o.tailLines !== undefined && o.tailLines < 0) {
    errors.push({ type: 'FieldValueInvalid', field: 'tailLines', message: `Invalid value: ${o.tailLines}: must be greater than or equal to 0` });
  }
  if (o.limitBytes !== undefined && o.limitBytes < 1) {
    errors.push({ type: 'FieldValueInvalid', field: 'limitBytes', message: `Invalid value: ${o.limitBytes}: must be greater than 0` });
  }
  if (o.sinceSeconds !== undefined && o.sinceTime !== undefined) {
    errors.push({ type: 'FieldValueForbidden', field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
  } else if (o.sinceSeconds !== undefined && o.sinceSeconds < 1) {
    errors.push({ type: 'FieldValueInvalid', field: 'sinceSeconds', message: `Invalid value: ${o.sinceSeconds}: must be greater than 0` });
  }
  return errors;
}

/** The kubelet's query for these options (the container goes in the path). */
export function kubeletLogQuery(o: PodLogOptions): URLSearchParams {
  const q = new URLSearchParams();
  if (o.follow) q.set('follow', 'true');
  if (o.previous) q.set('previous', 'true');
  if (o.timestamps) q.set('timestamps', 'true');
  if (o.sinceSeconds !== undefined) q.set('sinceSeconds', String(o.sinceSeconds));
  if (o.sinceTime !== undefined) q.set('sinceTime', o.sinceTime);
  if (o.tailLines !== undefined) q.set('tailLines', String(o.tailLines));
  if (o.limitBytes !== undefined) q.set('limitBytes', String(o.limitBytes));
  return q;
}

/** The earliest log time these options let through (ms since the epoch), if any. */
export function sinceMillis(o: PodLogOptions, now = Date.now()): number | undefined {
  if (o.sinceTime !== undefined) return Date.parse(o.sinceTime);
  if (o.sinceSeconds !== undefined) return now - o.sinceSeconds * 1000;
  return undefined;
}

/** Go's strconv.ParseBool, as the parameter codec reads booleans. */
function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new QueryError(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new QueryError(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}
