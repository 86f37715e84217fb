// metadata.managedFields: who owns which fields. In memory a manager is identified as upstream
// identifies it, by the JSON of its entry without fields and time (for Apply also without
// apiVersion: one Apply entry per manager and subresource, while Update entries are per
// apiVersion too).

import { fromFieldsV1, isEmpty, toFieldsV1, union, type FieldSet } from './fieldSet.ts';
import { isObject, type JsonObject } from './json.ts';

export interface ManagerFields {
  set: FieldSet;
  apiVersion: string;
  /** Owned through Apply (else Update). */
  applied: boolean;
}

export interface Managed {
  /** By manager identifier. */
  fields: Map<string, ManagerFields>;
  /** Last change, RFC 3339 seconds, by manager identifier. */
  times: Map<string, string>;
}

interface ManagerInfo {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

export function copyManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

export function managerIdentifier(info: ManagerInfo): string {
  const id: JsonObject = {};
  if (info.manager) id.manager = info.manager;
  id.operation = info.operation;
  if (info.operation === 'Update' && info.apiVersion) id.apiVersion = info.apiVersion;
  if (info.subresource) id.subresource = info.subresource;
  return JSON.stringify(id);
}

function parseIdentifier(id: string): ManagerInfo {
  try {
    const info = JSON.parse(id);
    if (isObject(info)) return { manager: String(info.manager ?? ''), operation: info.operation === 'Apply' ? 'Apply' : 'Update', apiVersion: info.apiVersion as string | undefined, subresource: info.subresource as string | undefined };
  } catch {
    // not an identifier we wrote: fall through
  }
  return { manager: id, operation: 'Update' };
}

/** Reads metadata.managedFields; throws an Error worded as upstream's on a malformed entry. */
export function decodeManagedFields(entries: unknown): Managed {
  const managed = emptyManaged();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((entry, i) => {
    if (!isObject(entry)) throw new Error(`managed fields entry ${i} must be an object`);
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (typeof entry.apiVersion !== 'string' || entry.apiVersion === '') throw new Error('apiVersion must not be empty');
    if (entry.fieldsType === undefined || entry.fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${String(entry.fieldsType)}" in managed fields entry ${i}`);
    const id = managerIdentifier({ manager: typeof entry.manager === 'string' ? entry.manager : '', operation: entry.operation, apiVersion: entry.apiVersion, subresource: typeof entry.subresource === 'string' ? entry.subresource : undefined });
    let set: FieldSet;
    try {
      set = fromFieldsV1(entry.fieldsV1 ?? {});
    } catch (e) {
      throw new Error(`error decoding versioned set: error decoding set: ${(e as Error).message}`);
    }
    managed.fields.set(id, { set, apiVersion: entry.apiVersion, applied: entry.operation === 'Apply' });
    if (typeof entry.time === 'string') managed.times.set(id, entry.time);
    else managed.times.delete(id);
  });
  return managed;
}

/** The managedFields list, sorted as upstream sorts it; undefined when nobody owns anything. */
export function encodeManagedFields(managed: Managed): JsonObject[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries = [...managed.fields].map(([id, fields]) => {
    const info = parseIdentifier(id);
    const entry: JsonObject = {};
    if (info.manager) entry.manager = info.manager;
    entry.operation = fields.applied ? 'Apply' : info.operation;
    entry.apiVersion = fields.apiVersion;
    const time = managed.times.get(id);
    if (time !== undefined) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = toFieldsV1(fields.set);
    if (info.subresource) entry.subresource = info.subresource;
    return entry;
  });
  const seconds = (e: JsonObject) => (typeof e.time === 'string' ? Math.floor(Date.parse(e.time) / 1000) : 0);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const byText = (a: unknown, b: unknown) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);
  return entries.sort(
    (p, q) => byText(p.operation, q.operation) || seconds(p) - seconds(q) || byText(p.manager, q.manager) || byText(p.apiVersion, q.apiVersion) || byText(p.subresource, q.subresource),
  );
}

/** A manager as conflict messages name it: `"kubectl-client-side-apply" using apps/v1`. */
export function printManager(id: string): string {
  const info = parseIdentifier(id);
  let out = JSON.stringify(info.manager);
  if (info.subresource) out += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === 'Update') out += ` using ${info.apiVersion ?? ''}`;
  return out;
}

/** Upstream keeps at most this many Update managers; older ones fold into "ancient-changes". */
const maxUpdateManagers = 10;

/** Folds the oldest Update managers into one "ancient-changes" manager per apiVersion. */
export function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.fields].filter(([, f]) => !f.applied).map(([id]) => id);
  if (updaters.length <= maxUpdateManagers) return;
  const seconds = (id: string) => {
    const t = managed.times.get(id);
    return t === undefined ? 0 : Math.floor(Date.parse(t) / 1000);
  };
  updaters.sort((a, b) => seconds(a) - seconds(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (const id of updaters) {
    if (length <= maxUpdateManagers) break;
    const fields = managed.fields.get(id)!;
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: fields.apiVersion });
    const first = firstByVersion.get(fields.apiVersion);
    if (first === undefined) {
      firstByVersion.set(fields.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      managed.fields.set(bucket, managed.fields.get(first)!);
      managed.fields.delete(first);
    }
    const into = managed.fields.get(bucket)!;
    managed.fields.set(bucket, { set: union(fields.set, into.set), apiVersion: fields.apiVersion, applied: false });
    managed.fields.delete(id);
    const time = managed.times.get(id);
    if (time === undefined) managed.times.delete(bucket);
    else managed.times.set(bucket, time);
    length--;
  }
}

/** Drops managers left owning nothing. */
export function dropEmptyManagers(fields: Map<string, ManagerFields>): void {
  for (const [id, f] of fields) if (isEmpty(f.set)) fields.delete(id);
}
