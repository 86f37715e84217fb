// Merging an applied configuration into the live object (structured-merge-diff's Merge):
// the configuration's values win at every leaf (scalars, atomic lists and maps); granular
// maps merge key by key; granular lists merge item by item (by key, or by value for sets),
// ordered as upstream orders them: the configuration's items in its order, with live-only
// items staying where they were relative to the items around them.

import { pathString, type PathElement } from './fieldPath.ts';
import { isObject, type JsonObject } from './json.ts';
import { entryType, itemElement, resolveAtom, shapeMismatch, type Atom, type TypeRef } from './smdType.ts';

/** Lists that cannot be merged (items without keys, duplicated keys in the configuration). */
export class MergeError extends Error {}

/** The merged value; throws a MergeError on lists that cannot be merged. */
export function mergeApplied(live: unknown, config: unknown, tr: TypeRef): unknown {
  return merge(live, config, tr, '');
}

function merge(l: unknown, r: unknown, tr: TypeRef, path: string): unknown {
  const keepRight = r !== undefined ? r : l;
  const atom = resolveAtom(tr, keepRight);
  const la = l === undefined ? undefined : resolveAtom(tr, l);
  if (atom.kind === 'scalar' || atom.atomic || (la && la.kind !== atom.kind) || shapeMismatch(atom, l) || shapeMismatch(atom, r)) return keepRight;
  if (atom.kind === 'list') {
    const ll = Array.isArray(l) ? l : [];
    const rl = Array.isArray(r) ? r : [];
    if (ll.length === 0 && rl.length === 0) return keepRight;
    return mergeItems(ll, rl, atom, path);
  }
  const lm = isObject(l) ? l : {};
  const rm = isObject(r) ? r : {};
  if (Object.keys(lm).length === 0 && Object.keys(rm).length === 0) return keepRight;
  const out: JsonObject = {};
  for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
    const v = merge(lm[k], rm[k], entryType(atom, k) ?? 'deduced', `${path}.${k}`);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

type Indexed = { pes: PathElement[]; ids: string[]; values: Map<string, unknown> };

function mergeItems(live: unknown[], config: unknown[], atom: Atom & { kind: 'list' }, path: string): unknown[] {
  const rhs = index(config, atom, path, false);
  const lhs = index(live, atom, path, true);
  // Configuration items also in the live list, in configuration order: the next one decides
  // whether a live item seen early is emitted now or waits for its place in the configuration.
  const shared = rhs.ids.filter((id) => lhs.values.has(id));
  let nextShared = 0;
  const done = new Set<string>();
  const out: unknown[] = [];
  const emit = (pe: PathElement, lv: unknown, rv: unknown) => {
    const v = merge(lv, rv, atom.elem, `${path}${pathString([pe])}`);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < lhs.ids.length || ri < rhs.ids.length) {
    if (li < lhs.ids.length && ri < rhs.ids.length) {
      const id = lhs.ids[li];
      if (id === rhs.ids[ri]) {
        done.add(id);
        emit(lhs.pes[li], lhs.values.get(id), rhs.values.get(id));
        li++;
        ri++;
        nextShared++;
        continue;
      }
      if (rhs.values.has(id) && nextShared < shared.length && shared[nextShared] !== id) {
        li++;
        continue;
      }
    }
    if (li < lhs.ids.length) {
      const id = lhs.ids[li];
      if (!rhs.values.has(id)) {
        emit(lhs.pes[li], live[li], undefined);
        li++;
        continue;
      }
      if (done.has(id)) li++;
    }
    if (ri < rhs.ids.length) {
      const id = rhs.ids[ri];
      done.add(id);
      emit(rhs.pes[ri], lhs.values.get(id), rhs.values.get(id));
      ri++;
      if (nextShared < shared.length && shared[nextShared] === id) nextShared++;
    }
  }
  return out;
}

/** Items by path element; live duplicates merge as null, configuration duplicates are refused. */
function index(list: unknown[], atom: Atom & { kind: 'list' }, path: string, allowDuplicates: boolean): Indexed {
  const out: Indexed = { pes: [], ids: [], values: new Map() };
  for (const [i, item] of list.entries()) {
    const pe = itemElement(atom, item);
    if (typeof pe === 'string') throw new MergeError(`${path}: element ${i}: ${pe}`);
    const id = pathString([pe]);
    if (out.values.has(id)) {
      if (!allowDuplicates) throw new MergeError(`${path}: duplicate entries for key ${id}`);
      out.values.set(id, null);
    } else {
      out.values.set(id, item);
    }
    out.pes.push(pe);
    out.ids.push(id);
  }
  return out;
}
