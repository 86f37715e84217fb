// structured-merge-diff's operations on an object read through its schema: validating an
// applied configuration, the set of fields an object sets, comparing two objects field by
// field, and removing a set of fields from an object.

import { field, pathString, type Path, type PathElement } from './fieldPath.ts';
import { builder, childSet, has, isEmpty, type FieldSet } from './fieldSet.ts';
import { deepEqual, isObject, type JsonObject } from './json.ts';
import { entryType, isNamedField, itemElement, resolveAtom, shapeMismatch, type Atom, type TypeRef } from './smdType.ts';

/** Problems that keep a configuration from being applied, as `<path>: <message>`. */
export function validate(value: unknown, tr: TypeRef): string[] {
  const errors: string[] = [];
  const walk = (path: Path, tr: TypeRef, v: unknown): void => {
    if (v === null || v === undefined) return;
    const atom = resolveAtom(tr, v);
    const at = (message: string) => errors.push(path.length ? `${pathString(path)}: ${message}` : message);
    if (atom.kind === 'scalar') {
      const problem = scalarProblem(tr, v);
      if (problem) at(problem);
    } else if (atom.kind === 'list') {
      if (!Array.isArray(v)) return void at(`expected list, got ${JSON.stringify(v)}`);
      const seen = new Set<string>();
      for (const [i, item] of v.entries()) {
        if (atom.atomic) {
          walk([...path, { kind: 'index', index: i }], atom.elem, item);
          continue;
        }
        const pe = itemElement(atom, item);
        if (typeof pe === 'string') return void at(`element ${i}: ${pe}`);
        const id = pathString([pe]);
        if (seen.has(id)) at(`duplicate entries for key ${id}`);
        seen.add(id);
        walk([...path, pe], atom.elem, item);
      }
    } else {
      if (!isObject(v)) return void at(`expected map, got ${JSON.stringify(v)}`);
      for (const [k, x] of Object.entries(v)) {
        const childType = entryType(atom, k);
        if (!childType) return void errors.push(`${pathString([...path, field(k)])}: field not declared in schema`);
        walk([...path, field(k)], childType, x);
      }
    }
  };
  walk([], tr, value);
  return errors;
}

function scalarProblem(tr: TypeRef, v: unknown): string | undefined {
  if (typeof tr === 'string' || tr['x-kubernetes-int-or-string'] || isObject(v) || Array.isArray(v)) return undefined;
  switch (tr.type) {
    case 'integer':
    case 'number':
      return typeof v === 'number' ? undefined : `expected numeric (int or float), got ${typeof v === 'boolean' ? 'bool' : 'string'}`;
    case 'string':
      return typeof v === 'string' ? undefined : `expected string, got ${JSON.stringify(v)}`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `expected boolean, got ${JSON.stringify(v)}`;
    default:
      return undefined;
  }
}

/**
 * The fields a value sets: its leaves, list items, atomic lists and maps, and map entries;
 * struct fields only where they are null or empty (their children stand for them otherwise).
 */
export function fieldSetOf(value: unknown, tr: TypeRef): FieldSet {
  const b = builder();
  const walk = (path: Path, tr: TypeRef, v: unknown): void => {
    const atom = resolveAtom(tr, v);
    if (atom.kind === 'scalar' || atom.atomic || shapeMismatch(atom, v)) return b.insert(path);
    if (atom.kind === 'list') {
      if (!Array.isArray(v)) return;
      const counts = new Map<string, number>();
      const items = v.map((item) => ({ item, pe: itemElement(atom, item) }));
      for (const { pe } of items) if (typeof pe !== 'string') counts.set(pathString([pe]), (counts.get(pathString([pe])) ?? 0) + 1);
      for (const { item, pe } of items) {
        if (typeof pe === 'string') continue;
        const itemPath = [...path, pe];
        // Duplicated items are owned as a whole.
        if ((counts.get(pathString([pe])) ?? 0) < 2) walk(itemPath, atom.elem, item);
        b.insert(itemPath);
      }
      return;
    }
    if (!isObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      const childPath = [...path, field(k)];
      walk(childPath, entryType(atom, k) ?? 'deduced', x);
      if (x === null || (isObject(x) && Object.keys(x).length === 0) || !isNamedField(atom, k)) b.insert(childPath);
    }
  };
  walk([], tr, value);
  return b.build();
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs`, field by field. A map, list or list item that appears or
 * disappears whole is itself added or removed, with everything below it. Struct fields are the
 * exception: upstream compares typed Go objects, in which a struct field always exists (zero
 * valued), so only its contents change; we follow that, which matches upstream's managedFields
 * for non-pointer structs (spec, template, metadata) and omits the "." it writes for pointer
 * structs (rollingUpdate, probes).
 */
export function compare(lhs: unknown, rhs: unknown, tr: TypeRef): Comparison {
  const added = builder();
  const modified = builder();
  const removed = builder();
  const leafChange = (path: Path, l: unknown, r: unknown) => {
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
    else if (!deepEqual(l, r)) modified.insert(path);
  };
  /** Compares one node; `implicit` for struct fields (present even when absent, see above). */
  const walk = (path: Path, tr: TypeRef, l: unknown, r: unknown, implicit: boolean): void => {
    const atom = resolveAtom(tr, r !== undefined ? r : l);
    const la = l === undefined ? undefined : resolveAtom(tr, l);
    if (atom.kind === 'scalar' || atom.atomic || (la && la.kind !== atom.kind) || shapeMismatch(atom, l) || shapeMismatch(atom, r)) {
      return leafChange(path, l, r);
    }
    if (atom.kind === 'list') {
      const ll = Array.isArray(l) ? l : [];
      const rl = Array.isArray(r) ? r : [];
      if (ll.length === 0 && rl.length === 0) return leafChange(path, l, r);
      compareItems(path, atom, ll, rl);
    } else {
      const lm = isObject(l) ? l : {};
      const rm = isObject(r) ? r : {};
      if (Object.keys(lm).length === 0 && Object.keys(rm).length === 0) return leafChange(path, l, r);
      for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
        const childType = entryType(atom, k) ?? 'deduced';
        walk([...path, field(k)], childType, lm[k], rm[k], isNamedField(atom, k) && isStruct(childType));
      }
    }
    if (implicit || path.length === 0) return;
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
  };
  const compareItems = (path: Path, atom: Atom & { kind: 'list' }, l: unknown[], r: unknown[]) => {
    const lItems = groupItems(atom, l);
    const rItems = groupItems(atom, r);
    for (const id of new Set([...lItems.keys(), ...rItems.keys()])) {
      const li = lItems.get(id);
      const ri = rItems.get(id);
      const pe = (li ?? ri)!.pe;
      const itemPath = [...path, pe];
      const ln = li?.values.length ?? 0;
      const rn = ri?.values.length ?? 0;
      if (ln <= 1 && rn <= 1) walk(itemPath, atom.elem, li?.values[0], ri?.values[0], false);
      else if (ln >= 2 && rn >= 2) {
        if (!deepEqual(li!.values, ri!.values)) modified.insert(itemPath);
      } else if (ln >= 2) {
        if (rn) walk(itemPath, atom.elem, undefined, ri!.values[0], false);
        removed.insert(itemPath);
      } else {
        if (ln) walk(itemPath, atom.elem, li!.values[0], undefined, false);
        added.insert(itemPath);
      }
    }
  };
  walk([], tr, lhs, rhs, false);
  return { added: added.build(), modified: modified.build(), removed: removed.build() };
}

/** List items by their path element, in first-seen order; items without one are skipped. */
function groupItems(atom: Atom & { kind: 'list' }, list: unknown[]): Map<string, { pe: PathElement; values: unknown[] }> {
  const out = new Map<string, { pe: PathElement; values: unknown[] }>();
  for (const item of list) {
    const pe = itemElement(atom, item);
    if (typeof pe === 'string') continue;
    const id = pathString([pe]);
    const entry = out.get(id);
    if (entry) entry.values.push(item);
    else out.set(id, { pe, values: [item] });
  }
  return out;
}

function isStruct(tr: TypeRef): boolean {
  const atom = resolveAtom(tr);
  return atom.kind === 'map' && !atom.atomic && atom.fields !== undefined;
}

/**
 * The value without the fields, list items and map entries in `set` (upstream RemoveItems).
 * As upstream, a map emptied by the removal becomes null (the typed object then drops it),
 * and a list item emptied by it goes away.
 */
export function removeItems(value: unknown, set: FieldSet, tr: TypeRef): unknown {
  if (isEmpty(set)) return value;
  const atom = resolveAtom(tr, value);
  if (atom.kind === 'scalar' || atom.atomic) return value;
  if (atom.kind === 'list') {
    if (!Array.isArray(value)) return value;
    const out: unknown[] = [];
    for (const item of value) {
      const pe = itemElement(atom, item);
      if (typeof pe === 'string') {
        out.push(item);
        continue;
      }
      if (has(set, [pe])) continue;
      const below = childSet(set, pe);
      const kept = isEmpty(below) ? item : removeItems(item, below, atom.elem);
      if (kept !== undefined) out.push(kept);
    }
    return out.length ? out : undefined;
  }
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const pe = field(k);
    if (has(set, [pe])) continue;
    const below = childSet(set, pe);
    const kept = isEmpty(below) ? v : removeItems(v, below, entryType(atom, k) ?? 'deduced');
    out[k] = kept === undefined ? null : kept;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The set plus, as members, the struct fields it has children under (upstream EnsureNamedFieldsAreMembers). */
export function withNamedFields(set: FieldSet, tr: TypeRef): FieldSet {
  const atom = resolveAtom(tr);
  const members = new Map(set.members);
  const children = new Map<string, { pe: PathElement; set: FieldSet }>();
  for (const [k, c] of set.children) {
    let childType: TypeRef = 'untyped';
    if (c.pe.kind === 'field' && atom.kind === 'map') {
      if (isNamedField(atom, c.pe.name)) members.set(k, c.pe);
      childType = entryType(atom, c.pe.name) ?? 'deduced';
    } else if (c.pe.kind !== 'field' && atom.kind === 'list') {
      childType = atom.elem;
    }
    children.set(k, { pe: c.pe, set: withNamedFields(c.set, childType) });
  }
  return { members, children };
}
