// How server-side apply reads a kind's schema: each node becomes a structured-merge-diff
// "atom" (a scalar, a list, or a map/struct) with its merge granularity, following
// kube-openapi's schema conversion:
// - lists: x-kubernetes-list-type atomic|set|map (+ list-map-keys); without it, the legacy
//   patch strategy "merge" makes a set (or, with a merge key, a map keyed by it); else atomic;
// - maps and structs merge per key unless x-kubernetes-map-type is atomic;
// - RawExtension is an atomic leaf; int-or-string is a scalar;
// - untyped parts (no structure, x-kubernetes-preserve-unknown-fields) are "deduced" from the
//   value: maps merge per key, lists are atomic.

import type { Schema } from '../../api/schema/schema.ts';
import { keyElement, type PathElement } from './fieldPath.ts';
import { isObject } from './json.ts';

/** A schema node, or one of the two untyped kinds. */
export type TypeRef = Schema | 'deduced' | 'untyped';

export type Atom =
  | { kind: 'scalar' }
  /** `keys` undefined with associative: a set of scalars. */
  | { kind: 'list'; atomic: boolean; keys: string[] | undefined; elem: TypeRef }
  /** A struct has `fields`; `elem` types keys that are not fields (maps, unknown fields). */
  | { kind: 'map'; atomic: boolean; fields: Record<string, Schema> | undefined; elem: TypeRef | undefined };

const leaf: Atom = { kind: 'scalar' };
const deducedMap: Atom = { kind: 'map', atomic: false, fields: undefined, elem: 'deduced' };

/** The atom of a type for a value (untyped types take the value's shape). */
export function resolveAtom(tr: TypeRef, value?: unknown): Atom {
  if (tr === 'untyped') return leaf;
  if (tr === 'deduced') return Array.isArray(value) || (value !== undefined && !isObject(value) && value !== null) ? leaf : deducedMap;
  if (tr.name === 'io.k8s.apimachinery.pkg.runtime.RawExtension' || tr['x-kubernetes-int-or-string']) return leaf;
  if (tr.type === 'array' || tr.items) return listAtom(tr);
  const atomic = tr['x-kubernetes-map-type'] === 'atomic';
  if (tr.properties) {
    const elem = tr['x-kubernetes-preserve-unknown-fields'] ? 'deduced' : tr.additionalProperties;
    return { kind: 'map', atomic, fields: tr.properties, elem };
  }
  if (tr.additionalProperties) return { kind: 'map', atomic, fields: undefined, elem: tr.additionalProperties };
  if (tr.type === undefined || tr.type === 'object') return resolveAtom('deduced', value);
  return leaf;
}

function listAtom(s: Schema): Atom {
  const elem = s.items ?? 'untyped';
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') return { kind: 'list', atomic: false, keys: undefined, elem };
  if (listType === 'map') return { kind: 'list', atomic: false, keys: s['x-kubernetes-list-map-keys'] ?? [], elem };
  if (listType === undefined && ['merge', 'merge,retainKeys'].includes(s['x-kubernetes-patch-strategy'] ?? '')) {
    const key = s['x-kubernetes-patch-merge-key'];
    return { kind: 'list', atomic: false, keys: key ? [key] : undefined, elem };
  }
  return { kind: 'list', atomic: true, keys: undefined, elem };
}

/** The type of a map's entry: its field's schema, else the element type. */
export function entryType(atom: Atom & { kind: 'map' }, key: string): TypeRef | undefined {
  return atom.fields?.[key] ?? atom.elem;
}

/** Whether a key is a declared field of a struct (upstream's "named field"). */
export function isNamedField(atom: Atom, key: string): boolean {
  return atom.kind === 'map' && atom.fields !== undefined && Object.hasOwn(atom.fields, key);
}

/** The path element naming a list item: its key fields (defaults filled in) or its value. */
export function itemElement(atom: Atom & { kind: 'list' }, item: unknown): PathElement | string {
  if (atom.keys === undefined || atom.keys.length === 0) {
    if (isObject(item)) return "associative list without keys has an element that's a map type";
    if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
    if (item === null) return "associative list without keys has an element that's an explicit null";
    return { kind: 'value', value: item };
  }
  if (item === null) return 'associative list with keys may not have a null element';
  if (!isObject(item)) return 'associative list with keys may not have non-map elements';
  const fields: [string, unknown][] = [];
  for (const name of atom.keys) {
    if (Object.hasOwn(item, name)) fields.push([name, item[name]]);
    else {
      const fallback = atom.elem !== 'deduced' && atom.elem !== 'untyped' ? atom.elem.properties?.[name]?.default : undefined;
      if (fallback !== undefined) fields.push([name, fallback]);
    }
  }
  if (fields.length === 0) {
    return `associative list with keys has an element that omits all key fields [${atom.keys.map((k) => JSON.stringify(k)).join(' ')}] (and doesn't have default values for any key fields)`;
  }
  return keyElement(fields);
}

/** The value's shape does not match the atom (a typed struct given a list, say). */
export function shapeMismatch(atom: Atom, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (atom.kind === 'list') return !Array.isArray(value);
  if (atom.kind === 'map') return !isObject(value);
  return false;
}
