// Server-side apply (application/apply-patch+yaml) and the managedFields bookkeeping of every
// other write, as kube-apiserver's field manager layers them over the ownership rules of
// updater.ts (k8s.io/apimachinery/pkg/util/managedfields):
//
// applyPatch: checks the configuration (its apiVersion/kind, no managedFields, fields the
// schema declares), records as "before-first-apply" what an object without managedFields
// already holds, then applies. Conflicts are a 409 worded as kube-apiserver words them. For
// the manager "kubectl", conflicts with fields recorded in kubectl's client-side apply
// annotation are forgiven (upgrading `kubectl apply` to `--server-side`), and that
// annotation then follows the applied configuration.
//
// updateManagedFields: a create/update/patch makes its manager (operation Update, per
// apiVersion and subresource) the owner of what it changed. An existing object without
// managedFields stays untracked; sending `managedFields: []` clears them; subresource writes
// ignore managedFields sent in the body; at most 10 Update managers are kept.
//
// Identity and bookkeeping fields (apiVersion, kind, metadata name/namespace/uid/...) are
// never owned. Not modelled: field set conversion between API versions, and reconciling
// field sets after a schema change.

import type { Schema } from '../../api/schema/schema.ts';
import { ApiError, badRequest } from '../errors.ts';
import { field, pathString } from './fieldPath.ts';
import { difference, has, isEmpty, setOf, type FieldSet } from './fieldSet.ts';
import { clone, goJson, isObject, type JsonObject } from './json.ts';
import { capUpdateManagers, copyManaged, decodeManagedFields, emptyManaged, encodeManagedFields, managerIdentifier, printManager, type Managed } from './managedFields.ts';
import { MergeError } from './mergeApplied.ts';
import { failed, patched, patchInternal, type PatchResult } from './result.ts';
import { entryType, resolveAtom, type TypeRef } from './smdType.ts';
import { compare, fieldSetOf, validate } from './typedValue.ts';
import { recordApply, recordUpdate, type Conflict, type Typing } from './updater.ts';

export interface ApplyOptions {
  /** The field manager (the handler requires one for apply). */
  manager: string;
  force: boolean;
  /** The request's group/version, e.g. "apps/v1". */
  apiVersion: string;
  /** When the write happens; managedFields times are whole seconds, UTC. */
  now: string | Date;
  subresource?: string;
  /** Fields the endpoint's strategy resets, which nobody owns there: [['status']] on the main resource. */
  resetFields?: readonly (readonly string[])[];
}

export interface UpdateOptions extends Omit<ApplyOptions, 'force'> {
  operation: 'Update';
}

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** Applies `applied` (the parsed apply patch) to `live` (undefined: the apply creates the object). */
export function applyPatch(live: JsonObject | undefined, applied: JsonObject, schema: Schema | undefined, opts: ApplyOptions): PatchResult {
  const kind = live?.kind ?? schema?.['x-kubernetes-group-version-kind']?.[0]?.kind;
  if (applied.apiVersion !== opts.apiVersion || (kind !== undefined && applied.kind !== kind)) {
    return failed(badRequest(`invalid object type: ${gvkString(applied)}`));
  }
  const meta = isObject(applied.metadata) ? applied.metadata : {};
  if (meta.managedFields !== undefined && meta.managedFields !== null) return failed(badRequest('metadata.managedFields must be nil'));
  const ctx = context(schema, opts);
  const problems = validate(applied, ctx.typing.root);
  if (problems.length) {
    const detail = problems.length === 1 ? problems[0] : `errors:\n${problems.map((p) => `  ${p}`).join('\n')}`;
    return failed(patchInternal(`failed to create typed patch object (${String(meta.namespace ?? '')}/${String(meta.name ?? '')}; ${gvkString(applied)}): ${detail}`));
  }
  let managed: Managed;
  try {
    managed = decodeManagedFields(live && isObject(live.metadata) ? live.metadata.managedFields : undefined);
  } catch (e) {
    return failed(patchInternal(`failed to decode managed fields: ${(e as Error).message}`));
  }
  const liveObj = live ? withoutManagedFields(live) : {};
  try {
    let outcome = applyOnce(ctx, liveObj, applied, copyManaged(managed), opts.manager, opts.force);
    if ('conflicts' in outcome && opts.manager === 'kubectl') {
      const forgiven = lastAppliedFields(ctx, liveObj);
      if (forgiven) {
        const rest = outcome.conflicts.filter((c) => !has(forgiven, c.path));
        outcome = rest.length ? { conflicts: rest } : applyOnce(ctx, liveObj, applied, copyManaged(managed), opts.manager, true);
      }
    }
    if ('conflicts' in outcome) return failed(conflictError(outcome.conflicts));
    const object = outcome.object ?? liveObj;
    if (opts.manager === 'kubectl') syncLastApplied(object, applied);
    setManagedFields(object, encodeManagedFields(outcome.managed));
    return patched(object);
  } catch (e) {
    if (e instanceof MergeError) return failed(patchInternal(`failed to merge config: ${e.message}`));
    throw e;
  }
}

/**
 * The object after a non-apply write (`old` undefined for a create), with metadata.managedFields
 * recording its manager. Never fails: on trouble the old managedFields are kept, as upstream.
 */
export function updateManagedFields(old: JsonObject | undefined, updated: JsonObject, schema: Schema | undefined, opts: UpdateOptions): JsonObject {
  const ctx = context(schema, opts);
  const managed = managedForUpdate(old, updated, ctx.subresource !== undefined);
  const object = withoutManagedFields(updated);
  const liveObj = old ? withoutManagedFields(old) : {};
  if (managed.fields.size === 0 && isObject(liveObj.metadata) && liveObj.metadata.uid) return object;
  try {
    update(ctx, liveObj, object, managed, opts.manager);
    setManagedFields(object, encodeManagedFields(managed));
  } catch {
    const previous = old && isObject(old.metadata) ? old.metadata.managedFields : undefined;
    setManagedFields(object, Array.isArray(previous) ? (previous as JsonObject[]) : undefined);
  }
  return object;
}

// ---- the field manager's layers ----

interface Context {
  typing: Typing;
  apiVersion: string;
  now: string;
  subresource: string | undefined;
}

function context(schema: Schema | undefined, opts: Omit<ApplyOptions, 'force'>): Context {
  return {
    typing: { root: schema ?? 'deduced', ignored: setOf((opts.resetFields ?? []).map((p) => p.map(field))) },
    apiVersion: opts.apiVersion,
    now: rfc3339Seconds(opts.now),
    subresource: opts.subresource || undefined,
  };
}

type Outcome = { object: JsonObject | undefined; managed: Managed } | { conflicts: Conflict[] };

function applyOnce(ctx: Context, live: JsonObject, config: JsonObject, managed: Managed, manager: string, force: boolean): Outcome {
  if (managed.fields.size === 0) update(ctx, {}, live, managed, 'before-first-apply');
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Apply', subresource: ctx.subresource });
  const result = recordApply(ctx.typing, live, config, managed.fields, id, ctx.apiVersion, force);
  if ('conflicts' in result) return result;
  stripMeta(managed, id);
  if (result.object === undefined) return { object: undefined, managed };
  managed.times.set(id, ctx.now);
  return { object: withoutTypedNulls(result.object, ctx.typing.root) as JsonObject, managed };
}

function update(ctx: Context, live: JsonObject, updated: JsonObject, managed: Managed, manager: string): void {
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion: ctx.apiVersion, subresource: ctx.subresource });
  const gained = recordUpdate(ctx.typing, live, updated, managed.fields, id, ctx.apiVersion);
  stripMeta(managed, id);
  if (!isEmpty(difference(gained, neverOwned))) managed.times.set(id, ctx.now);
  capUpdateManagers(managed);
}

/** Identity and bookkeeping fields nobody owns. */
const neverOwned = setOf(
  [['apiVersion'], ['kind'], ['metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['metadata', f])].map((p) =>
    p.map(field),
  ),
);

function stripMeta(managed: Managed, id: string): void {
  const f = managed.fields.get(id);
  if (!f) return;
  const set = difference(f.set, neverOwned);
  if (isEmpty(set)) managed.fields.delete(id);
  else managed.fields.set(id, { ...f, set });
}

/** The fields of kubectl's client-side apply annotation that still hold in the live object. */
function lastAppliedFields(ctx: Context, live: JsonObject): FieldSet | undefined {
  const annotations = isObject(live.metadata) && isObject(live.metadata.annotations) ? live.metadata.annotations : {};
  const text = annotations[lastAppliedAnnotation];
  if (typeof text !== 'string' || text === '') return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  const root = ctx.typing.root;
  if (!isObject(last) || last.apiVersion !== ctx.apiVersion || validate(last, root).length) return undefined;
  const c = compare(last, live, root);
  return difference(difference(difference(fieldSetOf(last, root), c.modified), c.added), c.removed);
}

/** Upstream drops the last-applied annotation rather than exceed the annotations' size limit. */
const maxAnnotationsBytes = 256 * 1024;

/** Where kubectl's last-applied annotation exists, it follows what kubectl server-side applied. */
function syncLastApplied(object: JsonObject, applied: JsonObject): void {
  const annotations = isObject(object.metadata) && isObject(object.metadata.annotations) ? object.metadata.annotations : undefined;
  if (!annotations || typeof annotations[lastAppliedAnnotation] !== 'string' || annotations[lastAppliedAnnotation] === '') return;
  const config = clone(applied);
  if (isObject(config.metadata) && isObject(config.metadata.annotations)) delete config.metadata.annotations[lastAppliedAnnotation];
  annotations[lastAppliedAnnotation] = `${goJson(config)}\n`;
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (size > maxAnnotationsBytes) delete annotations[lastAppliedAnnotation];
}

/** The managedFields a non-apply write starts from (upstream's decodeLiveOrNew). */
function managedForUpdate(old: JsonObject | undefined, updated: JsonObject, isSubresource: boolean): Managed {
  const fromLive = () => {
    try {
      return decodeManagedFields(old && isObject(old.metadata) ? old.metadata.managedFields : undefined);
    } catch {
      return emptyManaged();
    }
  };
  if (isSubresource) return fromLive();
  const sent = isObject(updated.metadata) ? updated.metadata.managedFields : undefined;
  const reset = Array.isArray(sent) && (sent.length === 0 || (sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0));
  if (reset) return emptyManaged();
  try {
    const managed = decodeManagedFields(sent);
    return managed.fields.size ? managed : fromLive();
  } catch {
    return fromLive();
  }
}

function conflictError(conflicts: Conflict[]): ApiError {
  const sorted = [...conflicts].sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
  let message: string;
  if (sorted.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(sorted[0].manager)}: ${pathString(sorted[0].path)}`;
  } else {
    const lines: string[] = [];
    let current: string | undefined;
    for (const c of sorted) {
      if (c.manager !== current) lines.push(`conflicts with ${printManager((current = c.manager))}:`);
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: sorted.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) })),
  });
}

// ---- helpers ----

function withoutManagedFields(obj: JsonObject): JsonObject {
  const copy = clone(obj);
  if (isObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

function setManagedFields(object: JsonObject, entries: JsonObject[] | undefined): void {
  if (!isObject(object.metadata)) {
    if (!entries) return;
    object.metadata = {};
  }
  const meta = object.metadata as JsonObject;
  if (entries) meta.managedFields = entries;
  else delete meta.managedFields;
}

/** Null members of typed maps go, as when upstream turns the merged value into a typed object. */
function withoutTypedNulls(value: unknown, tr: TypeRef): unknown {
  const atom = resolveAtom(tr, value);
  if (atom.kind === 'list' && !atom.atomic && Array.isArray(value)) return value.map((v) => withoutTypedNulls(v, atom.elem));
  if (atom.kind !== 'map' || atom.atomic || !isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const type = entryType(atom, k) ?? 'deduced';
    if (v === null && type !== 'deduced') continue;
    out[k] = withoutTypedNulls(v, type);
  }
  return out;
}

function gvkString(obj: JsonObject): string {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return `${group}/${version}, Kind=${typeof obj.kind === 'string' ? obj.kind : ''}`;
}

function rfc3339Seconds(t: string | Date): string {
  return (typeof t === 'string' ? new Date(t) : t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
