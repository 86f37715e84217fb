// Strategic merge patch (application/strategic-merge-patch+json), applied server-side the way
// k8s.io/apimachinery/pkg/util/strategicpatch does (StrategicMergeMapPatch, with parallel
// lists merged and unmatched nulls ignored). Patch metadata comes from the kind's schema:
// x-kubernetes-patch-strategy ("merge", "replace", "retainKeys", "merge,retainKeys") and
// x-kubernetes-patch-merge-key on each field.
//
// - maps merge key by key; `null` deletes; a value of another type replaces;
// - lists replace, unless the field's strategy is "merge": lists of maps then merge by the
//   merge key, lists of scalars merge as sets;
// - directives: `$patch: replace|delete` in a map, `{$patch: delete, <key>: v}` and
//   `{$patch: replace}` as list elements, `$retainKeys`, `$setElementOrder/<field>`,
//   `$deleteFromPrimitiveList/<field>`;
// - merged lists are ordered as upstream orders them: patch items in patch (or
//   $setElementOrder) order, interleaved with server-only items keeping their live order.
// Errors map as kube-apiserver maps them: malformed directives 400, lists of lists 422, and the
// rest (no merge key, unknown $patch value, ...) plain 500s. No schema for the kind means
// strategic merge is unsupported (415), as for custom resources upstream. Below a field whose
// schema is unknown (x-kubernetes-preserve-unknown-fields, untyped), maps merge and lists
// replace, like a JSON merge patch.
//
// Upstream decodes the patched map into the typed object afterwards, which drops null members
// and directive keys left in values taken whole from the patch; we drop them as we take them.

import type { Schema } from '../../api/schema/schema.ts';
import { ApiError } from '../errors.ts';
import { clone, goFormat, goTypeName, isObject, type JsonObject } from './json.ts';
import { failed, patchBadRequest, patched, patchInternal, patchNotApplicable, strategicMergeUnsupported, type PatchResult } from './result.ts';

const directiveMarker = '$patch';
const retainKeysDirective = '$retainKeys';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';
const setElementOrderPrefix = '$setElementOrder';

export function applyStrategicMergePatch(original: JsonObject, patch: unknown, schema: Schema | undefined): PatchResult {
  if (!schema) return failed(strategicMergeUnsupported());
  if (patch === null) return patched(clone(original));
  if (!isObject(patch)) {
    const what = Array.isArray(patch) ? 'array' : typeof patch;
    return failed(patchBadRequest(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`));
  }
  try {
    return patched(mergeMap(clone(original), clone(patch), schema));
  } catch (e) {
    if (e instanceof PatchFailure) return failed(e.error, e.message);
    throw e;
  }
}

/** Thrown from deep inside the merge; becomes the failed result at the top. */
class PatchFailure extends Error {
  readonly error: ApiError;
  constructor(error: ApiError, message: string) {
    super(message);
    this.error = error;
  }
}

// The errors upstream's handler answers with 400.
const badPatch = (message: string) => new PatchFailure(patchBadRequest(message), message);
const badRetainKeys = () => badPatch('invalid patch format of retainKeys');
const badPrimitiveList = () => badPatch('invalid patch format of primitive list');
const badElementOrder = () => badPatch('invalid patch format of setElementOrder list');
// ... with 422 (and upstream's generic message).
const listOfLists = () => new PatchFailure(patchNotApplicable(), 'lists of lists are not supported');
// ... and everything else, a plain 500.
const internal = (message: string) => new PatchFailure(patchInternal(message), message);
const noMergeKey = (m: unknown, key: string) => internal(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const badArgType = (expected: string, actual: unknown) => internal(`expected a ${expected}, but received a ${goTypeName(actual)}`);

// ---- the merge ----

function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
  if (Object.hasOwn(patch, directiveMarker)) return mapDirective(patch[directiveMarker], patch);
  applyRetainKeys(original, patch);
  mergeElementOrders(original, patch, schema);

  for (const [patchKey, patchValue] of Object.entries(patch)) {
    let key = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(deleteFromPrimitiveListPrefix)) {
      key = extractKey(patchKey, deleteFromPrimitiveListPrefix);
      isDeleteList = true;
    }
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const current = original[key];
    if (!Object.hasOwn(original, key) || kindOf(current) !== kindOf(patchValue)) {
      if (!isDeleteList) setFromPatch(original, key, patchValue);
      continue;
    }
    if (isObject(current)) {
      const field = lookupField(schema, key);
      const strategy = mainStrategy(field.strategies);
      original[key] = strategy === 'replace' ? decoded(patchValue) : mergeMap(current, patchValue as JsonObject, field.schema);
    } else if (Array.isArray(current)) {
      const field = lookupListField(schema, key);
      original[key] = mergeList(current, patchValue as unknown[], field.schema, mainStrategy(field.strategies), field.mergeKey, isDeleteList);
    } else {
      original[key] = patchValue;
    }
  }
  return original;
}

function mapDirective(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch[directiveMarker];
    return decoded(patch) as JsonObject;
  }
  if (directive === 'delete') return {};
  throw internal(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
}

/** `$retainKeys`: live keys not listed are cleared; the patch may only set listed keys. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) throw badRetainKeys();
  const keep = new Set(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix)) continue;
    if (!keep.has(k)) throw badRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `$setElementOrder/<field>`: merges that field's list now and orders it as the directive says. */
function mergeElementOrders(original: JsonObject, patch: JsonObject, schema: Schema | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(setElementOrderPrefix)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const key = extractKey(directiveKey, setElementOrderPrefix);
    const foundOriginal = Object.hasOwn(original, key);
    const foundPatch = Object.hasOwn(patch, key);
    const originalList = foundOriginal ? asList(original[key]) : [];
    const patchList = foundPatch ? asList(patch[key]) : [];
    const field = lookupListField(schema, key);
    const strategy = mainStrategy(field.strategies);
    validateElementOrder(patchList, order, field.mergeKey);

    let merged: unknown[];
    let serverOrder = originalList;
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = takenFromPatch(patchList) as unknown[];
    else if (foundOriginal && foundPatch) [merged, serverOrder] = mergeListAliased(originalList, patchList, field.schema, strategy, field.mergeKey, false);
    else continue;

    const [inOrder, serverOnly] = partition(merged, order, field.mergeKey);
    const kind = elementKind([originalList, patchList]);
    original[key] = normalizeOrder(inOrder, serverOnly, order, serverOrder, field.mergeKey, kind);
    delete patch[key];
  }
}

/** Every patch item must appear in the $setElementOrder list, in the same relative order. */
function validateElementOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeletes(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isObject(items[p]) && Object.hasOwn(items[p] as JsonObject, directiveMarker)) {
      p++;
      continue;
    }
    if (mergeKeyEqual(items[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw internal(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goFormat(order)}\n`);
  }
}

function mergeKeyEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw badArgType('map[string]interface {}', left);
  if (!isObject(right)) throw badArgType('map[string]interface {}', right);
  if (!Object.hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function mergeList(original: unknown[], patch: unknown[], schema: Schema | undefined, strategy: string, mergeKey: string, isDeleteList: boolean): unknown[] {
  return mergeListAliased(original, patch, schema, strategy, mergeKey, isDeleteList)[0];
}

/**
 * Merges two lists. Also returns what upstream's caller then sees as the original list: Go
 * deletes and appends in place in the original's backing array, and $setElementOrder orders
 * server-only items by that aliased view (upstream's own expected results depend on it).
 */
function mergeListAliased(original: unknown[], patch: unknown[], schema: Schema | undefined, strategy: string, mergeKey: string, isDeleteList: boolean): [unknown[], unknown[]] {
  if (strategy !== 'merge' && !isDeleteList) return [decoded(patch) as unknown[], original];
  if (original.length === 0 && patch.length === 0) return [original, original];
  const kind = elementKind([original, patch]);
  if (kind !== 'map') {
    if (isDeleteList) return [original.filter((v) => !patch.includes(v)), original];
    const merged = [...new Set([...original, ...patch])];
    const [inPatch, serverOnly] = partition(merged, patch, '');
    return [normalizeOrder(inPatch, serverOnly, patch, original, '', kind), original];
  }
  if (!mergeKey) throw internal(`cannot merge lists without merge key for ${goKind(schema)}`);
  const backing = original.slice();
  let length = backing.length;
  const items: JsonObject[] = [];
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, directiveMarker)) {
      items.push(item);
      continue;
    }
    switch (item[directiveMarker]) {
      case 'delete': {
        if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
        for (let i = indexByKey(backing, mergeKey, item[mergeKey], length); i >= 0; i = indexByKey(backing, mergeKey, item[mergeKey], length)) {
          backing.copyWithin(i, i + 1, length);
          length--;
        }
        break;
      }
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw internal('merging lists cannot yet be specified in the patch');
      default:
        throw internal(`unknown patch type: ${goFormat(item[directiveMarker])} in map: ${goFormat(item)}`);
    }
  }
  if (replace) {
    const server = items.map(decoded);
    const [inPatch, serverOnly] = partition(server, [], mergeKey);
    return [normalizeOrder(inPatch, serverOnly, [], server, mergeKey, kind), backing.slice(0, original.length)];
  }
  const server = backing.slice(0, length);
  for (const item of items) {
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const i = indexByKey(backing, mergeKey, item[mergeKey], length);
    if (i >= 0) backing[i] = mergeMap(backing[i] as JsonObject, item, schema);
    else backing[length++] = decoded(item);
  }
  const [inPatch, serverOnly] = partition(backing.slice(0, length), items, mergeKey);
  return [normalizeOrder(inPatch, serverOnly, items, server, mergeKey, kind), backing.slice(0, original.length)];
}

function matchesKey(v: unknown, i: number, mergeKey: string, value: unknown): boolean {
  if (!isObject(v)) throw internal(`value for key ${i} is not a map`);
  return Object.hasOwn(v, mergeKey) && v[mergeKey] === value;
}

/** The first of the first `length` items whose merge key has this value, or -1. */
function indexByKey(list: unknown[], mergeKey: string, value: unknown, length = list.length): number {
  for (let i = 0; i < length; i++) if (matchesKey(list[i], i, mergeKey, value)) return i;
  return -1;
}

// ---- ordering, as upstream's normalizeElementOrder ----

type ElementKind = 'map' | 'string' | 'number' | 'boolean' | 'null';

/** All elements of the lists share one kind (upstream compares Go types); lists of lists are refused. */
function elementKind(lists: unknown[][]): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      if (Array.isArray(v)) {
        if (kind === undefined) throw listOfLists();
        throw internal(`list element types are not identical: ${goFormat(lists)}`);
      }
      const k: ElementKind = v === null ? 'null' : isObject(v) ? 'map' : (typeof v as ElementKind);
      if (kind !== undefined && kind !== k) throw internal(`list element types are not identical: ${goFormat(lists)}`);
      kind = k;
    }
  }
  if (kind === undefined) throw internal('no elements in any of the given slices');
  return kind;
}

/** Splits `list` into the items present in `by` (by merge key, or by value) and the others. */
function partition(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const present: unknown[] = [];
  const others: unknown[] = [];
  if (!mergeKey) {
    const members = new Set(by);
    for (const v of list) (members.has(v) ? present : others).push(v);
    return [present, others];
  }
  for (const v of list) {
    if (!isObject(v)) throw badArgType('map[string]interface {}', v);
    if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    (indexByKey(by, mergeKey, v[mergeKey]) >= 0 ? present : others).push(v);
  }
  return [present, others];
}

/**
 * Sorts the patch items by `patchOrder` and the server-only items by `serverOrder`, then
 * interleaves them: a server-only item goes before the next patch item when the live list
 * had it first; otherwise patch items come first.
 */
function normalizeOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const serverIndex = indexer(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = serverIndex(left[i]);
      const ri = serverIndex(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function sortByOrder(items: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let toSort = items;
  let deletions: unknown[] = [];
  if (kind === 'map') {
    for (const list of [items, order]) {
      for (const v of list) {
        if (!isObject(v)) throw badArgType('map[string]interface {}', v);
        if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
      }
    }
    [toSort, deletions] = splitDeletes(items);
  }
  const position = indexer(order, mergeKey, kind);
  // Items missing from `order` go first, as upstream's comparison ends up placing them.
  const sorted = toSort.map((v, i) => ({ v, i, at: position(v) })).sort((a, b) => a.at - b.at || a.i - b.i).map((x) => x.v);
  return [...sorted, ...deletions];
}

/** Splits items into those without and those with `$patch: delete`. */
function splitDeletes(items: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const deletions: unknown[] = [];
  for (const v of items) {
    if (!isObject(v)) throw badArgType('map[string]interface {}', v);
    (v[directiveMarker] === 'delete' ? deletions : keep).push(v);
  }
  return [keep, deletions];
}

/** Position of an item in `order` (by merge key value for maps), -1 when absent. */
function indexer(order: unknown[], mergeKey: string, kind: ElementKind): (item: unknown) => number {
  const keyOf = (v: unknown) => (kind === 'map' ? (isObject(v) ? v[mergeKey] : undefined) : v);
  const first = new Map<unknown, number>();
  order.forEach((v, i) => {
    if (!first.has(keyOf(v))) first.set(keyOf(v), i);
  });
  return (item) => first.get(keyOf(item)) ?? -1;
}

// ---- values taken from the patch ----

function setFromPatch(original: JsonObject, key: string, value: unknown): void {
  const taken = takenFromPatch(value);
  if (taken === undefined) delete original[key];
  else original[key] = taken;
}

const isDirectiveKey = (k: string) => k === directiveMarker || k === retainKeysDirective || k.startsWith(setElementOrderPrefix) || k.startsWith(deleteFromPrimitiveListPrefix);

/** A patch value stored as it would decode: without null members and directive keys. */
function decoded(value: unknown): unknown {
  return cleaned(value, false);
}

/** A new value from the patch: maps carrying `$patch` are dropped (upstream removeDirectives). */
function takenFromPatch(value: unknown): unknown {
  return cleaned(value, true);
}

function cleaned(value: unknown, dropPatchMaps: boolean): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => cleaned(v, dropPatchMaps)).filter((v) => v !== undefined);
  }
  if (!isObject(value)) return value;
  if (dropPatchMaps && value[directiveMarker] != null) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || isDirectiveKey(k)) continue;
    const c = cleaned(v, dropPatchMaps);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

// ---- patch metadata from the schema ----

interface FieldMeta {
  /** The field's schema (for lists, the items'); undefined below unknown schema. */
  schema: Schema | undefined;
  strategies: string[];
  mergeKey: string;
}

const unknownField: FieldMeta = { schema: undefined, strategies: [], mergeKey: '' };

/** A field's patch metadata; upstream looks it up on the Go struct and fails where there is none. */
function lookupField(schema: Schema | undefined, key: string): FieldMeta {
  if (!schema || isUntyped(schema)) return unknownField;
  if (!schema.properties) throw internal(`merging an object in json but data type is not struct, instead is: ${goKind(schema)}`);
  const field = schema.properties[key];
  if (!field) {
    if (schema['x-kubernetes-preserve-unknown-fields']) return unknownField;
    throw internal(`unable to find api field in struct ${goStructName(schema)} for the json field "${key}"`);
  }
  return { schema: field, strategies: (field['x-kubernetes-patch-strategy'] ?? '').split(','), mergeKey: field['x-kubernetes-patch-merge-key'] ?? '' };
}

/** A list field's metadata, with its items' schema (a non-list field stands for its items, as upstream's OpenAPI lookup has it). */
function lookupListField(schema: Schema | undefined, key: string): FieldMeta {
  const field = lookupField(schema, key);
  if (!field.schema || isUntyped(field.schema)) return { ...field, schema: undefined };
  return { ...field, schema: field.schema.type === 'array' ? field.schema.items : field.schema };
}

/** The strategy besides retainKeys (which only matters to patch creation). */
function mainStrategy(strategies: string[]): string {
  if (strategies.length <= 1) return strategies[0] === 'retainKeys' ? '' : (strategies[0] ?? '');
  if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') return strategies[1];
    if (strategies[1] === 'retainKeys') return strategies[0];
  }
  throw internal(`unexpected patch strategy: ${goFormat(strategies)}`);
}

/** A schema without structure: anything goes below it. */
function isUntyped(schema: Schema): boolean {
  if (schema.properties || schema.additionalProperties || schema.items) return false;
  if (schema['x-kubernetes-preserve-unknown-fields']) return true;
  return schema.type === undefined || schema.type === 'object';
}

function goKind(schema: Schema | undefined): string {
  if (!schema) return 'interface';
  if (schema.properties || schema['x-kubernetes-int-or-string']) return 'struct';
  if (schema.additionalProperties) return 'map';
  switch (schema.type) {
    case 'array':
      return 'slice';
    case 'integer':
      return 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    default:
      return 'interface';
  }
}

function goStructName(schema: Schema): string {
  return schema.name?.split('.').pop() ?? '';
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return isObject(v) ? 'map' : typeof v;
}

function asList(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw badArgType('[]interface {}', v);
  return v;
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === deleteFromPrimitiveListPrefix ? badPrimitiveList() : badElementOrder();
  }
  return key.slice(slash + 1);
}
