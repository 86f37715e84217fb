// Server-side apply (application/apply-patch+yaml) and the managedFields bookkeeping of every
// other write, as kube-apiserver's field manager does them (k8s.io/apimachinery
// managedfields + sigs.k8s.io/structured-merge-diff):
//
// applyPatch: the configuration merges into the live object; the manager then owns exactly
// the fields its configuration sets; fields it applied before and no longer applies are
// removed unless someone else owns them; changing a field another manager owns is a conflict
// (409) unless forced, in which case ownership moves. The first apply to an object without
// managedFields first records everything already there as owned by "before-first-apply".
// For the manager "kubectl", conflicts with fields recorded in the client-side apply
// annotation are forgiven (the upgrade path from `kubectl apply` to `--server-side`), and that
// annotation is kept in sync with what was applied.
//
// updateManagedFields: a create/update/patch makes its manager (operation Update, per
// apiVersion) the owner of every field it changed, taken from whoever owned them; fields it
// removed are disowned. An existing object without managedFields stays untracked, and a
// request sending `managedFields: []` clears them. At most 10 Update managers are kept.
//
// Not modelled: conversion of field sets between API versions (all managers are compared in
// the request's version), and reconciling field sets after a schema change.

import type { Schema } from '../../api/schema/schema.ts';
import { ApiError, badRequest } from '../errors.ts';
import { field, pathString, type Path } from './fieldPath.ts';
import { difference, emptySet, has, intersection, isEmpty, paths, recursiveDifference, setOf, union, type FieldSet } from './fieldSet.ts';
import { clone, deepEqual, goJson, isObject, type JsonObject } from './json.ts';
import { capUpdateManagers, copyManaged, decodeManagedFields, dropEmptyManagers, emptyManaged, encodeManagedFields, managerIdentifier, printManager, type Managed } from './managedFields.ts';
import { mergeApplied } from './mergeApplied.ts';
import { failed, patched, patchInternal, type PatchResult } from './result.ts';
import { entryType, resolveAtom, type TypeRef } from './smdType.ts';
import { compare, fieldSetOf, removeItems, validate, withNamedFields, type Comparison } from './typedValue.ts';

export interface ApplyOptions {
  /** The field manager (required for apply; the handler checks that). */
  manager: string;
  force: boolean;
  /** The request's group/version, e.g. "apps/v1". */
  apiVersion: string;
  /** When the write happens (managedFields times are whole seconds, UTC). */
  now: string | Date;
  subresource?: string;
  /** Fields the strategy resets on this endpoint and nobody owns, e.g. [['status']] for the main resource. */
  resetFields?: readonly (readonly string[])[];
}

export interface UpdateOptions extends Omit<ApplyOptions, 'force'> {
  operation: 'Update';
}

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
const beforeFirstApply = 'before-first-apply';
/** Upstream's cap on the sum of annotation sizes, past which the last-applied annotation is dropped. */
const maxAnnotationsBytes = 256 * 1024;


/** Applies `applied` (the parsed apply patch) to `live` (undefined: the object is created). */
export function applyPatch(live: JsonObject | undefined, applied: JsonObject, schema: Schema | undefined, opts: ApplyOptions): PatchResult {
  const ctx = context(schema, opts);
  const kind = live?.kind ?? schema?.['x-kubernetes-group-version-kind']?.[0]?.kind;
  if (applied.apiVersion !== opts.apiVersion || (kind !== undefined && applied.kind !== kind)) {
    return failed(badRequest(`invalid object type: ${gvkString(applied)}`));
  }
  const meta = isObject(applied.metadata) ? applied.metadata : {};
  if (meta.managedFields !== undefined && meta.managedFields !== null) return failed(badRequest('metadata.managedFields must be nil'));
  const problems = validate(applied, ctx.root);
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
      // What kubectl's client-side apply recorded is the same user's: those conflicts are forgiven.
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
    if (e instanceof ApiError) return failed(e);
    throw e;
  }
}

/**
 * The object after a non-apply write (create: `old` undefined), with metadata.managedFields
 * recording the write's manager. Never fails: on trouble the old managedFields are kept.
 */
export function updateManagedFields(old: JsonObject | undefined, updated: JsonObject, schema: Schema | undefined, opts: UpdateOptions): JsonObject {
  const ctx = context(schema, opts);
  const isSubresource = ctx.subresource !== undefined;
  const managed = managedForUpdate(old, updated, isSubresource);
  const object = withoutManagedFields(updated);
  const liveObj = old ? withoutManagedFields(old) : {};
  // An existing object that nobody tracks stays untracked.
  if (managed.fields.size === 0 && isObject(liveObj.metadata) && liveObj.metadata.uid) return object;
  try {
    recordUpdate(ctx, liveObj, object, managed, opts.manager);
    setManagedFields(object, encodeManagedFields(managed));
  } catch {
    setManagedFields(object, old && isObject(old.metadata) ? (old.metadata.managedFields as JsonObject[] | undefined) : undefined);
  }
  return object;
}

// ---- the field manager's steps ----

interface Context {
  root: TypeRef;
  apiVersion: string;
  now: string;
  subresource: string | undefined;
  reset: FieldSet;
}

function context(schema: Schema | undefined, opts: Omit<ApplyOptions, 'force'>): Context {
  return {
    root: schema ?? 'deduced',
    apiVersion: opts.apiVersion,
    now: rfc3339Seconds(opts.now),
    subresource: opts.subresource || undefined,
    reset: setOf((opts.resetFields ?? []).map((p) => p.map(field))),
  };
}

type Conflict = { manager: string; path: Path };
type Outcome = { object: JsonObject | undefined; managed: Managed } | { conflicts: Conflict[] };

/** One apply: before-first-apply bookkeeping, merge, ownership, pruning, conflicts. */
function applyOnce(ctx: Context, live: JsonObject, config: JsonObject, managed: Managed, manager: string, force: boolean): Outcome {
  if (managed.fields.size === 0) recordUpdate(ctx, {}, live, managed, beforeFirstApply);
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Apply', subresource: ctx.subresource });
  let merged: unknown;
  try {
    merged = mergeApplied(live, config, ctx.root);
  } catch (e) {
    throw patchInternal(`failed to merge config: ${(e as Error).message}`);
  }
  const previous = managed.fields.get(id)?.set;
  managed.fields.set(id, { set: recursiveDifference(fieldSetOf(config, ctx.root), ctx.reset), apiVersion: ctx.apiVersion, applied: true });
  const result = prune(ctx, merged, managed, previous);
  const conflicts = disown(managed, id, changes(ctx, live, result), force);
  if (conflicts.length) return { conflicts };
  stripMeta(managed, id);
  if (deepEqual(live, result)) return { object: undefined, managed };
  managed.times.set(id, ctx.now);
  return { object: withoutTypedNulls(result, ctx.root) as JsonObject, managed };
}

/**
 * Records an Update by `manager`: it comes to own what changed from `live` to `updated`
 * (taken from whoever owned it), everyone loses what was removed; Update managers are capped.
 */
function recordUpdate(ctx: Context, live: JsonObject, updated: JsonObject, managed: Managed, manager: string): void {
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion: ctx.apiVersion, subresource: ctx.subresource });
  const change = changes(ctx, live, updated);
  disown(managed, undefined, change, true);
  const gained = difference(union(change.modified, change.added), strippedMeta);
  if (!isEmpty(gained)) {
    const previous = managed.fields.get(id);
    managed.fields.set(id, { set: previous ? union(gained, previous.set) : gained, apiVersion: ctx.apiVersion, applied: false });
    managed.times.set(id, ctx.now);
  }
  capUpdateManagers(managed);
}

/** The comparison, without the fields reset on this endpoint. */
function changes(ctx: Context, before: unknown, after: unknown): Comparison {
  const c = compare(before, after, ctx.root);
  return { added: recursiveDifference(c.added, ctx.reset), modified: recursiveDifference(c.modified, ctx.reset), removed: recursiveDifference(c.removed, ctx.reset) };
}

/**
 * Managers other than `except` lose the fields this change modified or added (those are
 * conflicts unless forced) and the fields it removed. Returns the conflicts when not forced.
 */
function disown(managed: Managed, except: string | undefined, change: Comparison, force: boolean): Conflict[] {
  const touched = union(change.modified, change.added);
  const conflicts: Conflict[] = [];
  for (const [id, f] of managed.fields) {
    if (id === except) continue;
    const lost = intersection(f.set, touched);
    if (!force) for (const path of paths(lost)) conflicts.push({ manager: id, path });
  }
  if (!force && conflicts.length) return conflicts;
  for (const [id, f] of managed.fields) {
    if (id !== except) managed.fields.set(id, { ...f, set: difference(difference(f.set, touched), change.removed) });
  }
  dropEmptyManagers(managed);
  return [];
}

/**
 * Removes what the manager applied last time but not this time (`previous` minus its new
 * set), unless another manager owns it; what lies below a removed field goes too unless owned.
 */
function prune(ctx: Context, merged: unknown, managed: Managed, previous: FieldSet | undefined): unknown {
  if (!previous || isEmpty(previous)) return merged;
  const named = (s: FieldSet) => withNamedFields(s, ctx.root);
  const fieldsOf = (v: unknown) => named(fieldSetOf(v, ctx.root));
  const last = named(previous);
  let owned = emptySet;
  for (const f of managed.fields.values()) owned = union(owned, f.set);
  const all = fieldsOf(merged);
  const cut = removeItems(merged, last, ctx.root) ?? {};
  const ownedBack = removeItems(merged, difference(all, union(fieldsOf(cut), named(owned))), ctx.root) ?? {};
  return removeItems(merged, intersection(difference(all, fieldsOf(ownedBack)), last), ctx.root) ?? {};
}

/** Upstream never records ownership of identity and bookkeeping fields. */
const strippedMeta = setOf([['apiVersion'], ['kind'], ['metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['metadata', f])].map((p) => p.map(field)));

function stripMeta(managed: Managed, id: string): void {
  const f = managed.fields.get(id);
  if (!f) return;
  const set = difference(f.set, strippedMeta);
  if (isEmpty(set)) managed.fields.delete(id);
  else managed.fields.set(id, { ...f, set });
}

/** The fields of the client-side apply annotation that still hold in the live object. */
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
  if (!isObject(last) || last.apiVersion !== ctx.apiVersion || validate(last, ctx.root).length) return undefined;
  const c = compare(last, live, ctx.root);
  return difference(difference(difference(fieldSetOf(last, ctx.root), c.modified), c.added), c.removed);
}

/** kubectl's last-applied annotation, where present, follows what was server-side applied. */
function syncLastApplied(object: JsonObject, applied: JsonObject): void {
  const meta = isObject(object.metadata) ? object.metadata : undefined;
  const annotations = meta && isObject(meta.annotations) ? meta.annotations : undefined;
  if (!annotations || typeof annotations[lastAppliedAnnotation] !== 'string' || annotations[lastAppliedAnnotation] === '') return;
  const config = clone(applied);
  if (isObject(config.metadata) && isObject(config.metadata.annotations)) delete config.metadata.annotations[lastAppliedAnnotation];
  annotations[lastAppliedAnnotation] = `${goJson(config)}\n`;
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (size > maxAnnotationsBytes) delete annotations[lastAppliedAnnotation];
}

/** The managedFields a non-apply write starts from (upstream decodeLiveOrNew). */
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
  // `managedFields: []` (or one empty entry) asks to clear them.
  if (Array.isArray(sent) && (sent.length === 0 || (sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0))) return emptyManaged();
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

// ---- small helpers ----

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

/** Null members in typed maps disappear, as they do when upstream decodes the typed object. */
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
  const d = typeof t === 'string' ? new Date(t) : t;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
