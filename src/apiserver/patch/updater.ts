// Ownership bookkeeping of server-side apply (structured-merge-diff's merge.Updater), on plain
// objects read through a schema. Managers are keyed by identifier; their field sets change:
// - on an update, the writer comes to own what it changed; others lose it, and everyone
//   loses what was removed;
// - on an apply, the applier owns exactly what its configuration sets; changing what another
//   manager owns is a conflict unless forced (then they lose it); what the applier applied
//   before and no longer applies is pruned from the object unless someone else owns it.
// All managers are compared in one version (no conversion between API versions).

import type { Path } from './fieldPath.ts';
import { difference, emptySet, intersection, isEmpty, paths, recursiveDifference, union, type FieldSet } from './fieldSet.ts';
import { deepEqual } from './json.ts';
import { dropEmptyManagers, type ManagerFields } from './managedFields.ts';
import { mergeApplied } from './mergeApplied.ts';
import type { TypeRef } from './smdType.ts';
import { compare, fieldSetOf, removeItems, withNamedFields, type Comparison } from './typedValue.ts';

export interface Typing {
  root: TypeRef;
  /** Fields nobody owns on this endpoint (upstream's reset fields), with all below them. */
  ignored: FieldSet;
}

export type Managers = Map<string, ManagerFields>;
export type Conflict = { manager: string; path: Path };

/** Records an update by `manager`; returns the fields it changed. */
export function recordUpdate(t: Typing, live: unknown, updated: unknown, managers: Managers, manager: string, apiVersion: string): FieldSet {
  const change = changes(t, live, updated);
  disown(managers, manager, change, true);
  const gained = union(change.modified, change.added);
  const set = union(difference(managers.get(manager)?.set ?? emptySet, change.removed), gained);
  if (isEmpty(set)) managers.delete(manager);
  else managers.set(manager, { set, apiVersion, applied: false });
  return gained;
}

/**
 * Applies `config` for `manager`: the merged and pruned object (undefined when it equals
 * `live`), or the conflicts with other managers when not forced.
 */
export function recordApply(t: Typing, live: unknown, config: unknown, managers: Managers, manager: string, apiVersion: string, force: boolean): { object: unknown } | { conflicts: Conflict[] } {
  const merged = mergeApplied(live, config, t.root);
  const previous = managers.get(manager)?.set;
  managers.set(manager, { set: recursiveDifference(fieldSetOf(config, t.root), t.ignored), apiVersion, applied: true });
  const result = prune(t, merged, managers, previous);
  const conflicts = disown(managers, manager, changes(t, live, result), force);
  if (conflicts.length) return { conflicts };
  return { object: deepEqual(live, result) ? undefined : result };
}

function changes(t: Typing, before: unknown, after: unknown): Comparison {
  const c = compare(before, after, t.root);
  return { added: recursiveDifference(c.added, t.ignored), modified: recursiveDifference(c.modified, t.ignored), removed: recursiveDifference(c.removed, t.ignored) };
}

/**
 * Managers other than `except` lose the fields the change modified or added (conflicts,
 * unless forced) and the fields it removed. Returns the conflicts when not forced.
 */
function disown(managers: Managers, except: string, change: Comparison, force: boolean): Conflict[] {
  const touched = union(change.modified, change.added);
  if (!force) {
    const conflicts: Conflict[] = [];
    for (const [id, f] of managers) {
      if (id !== except) for (const path of paths(intersection(f.set, touched))) conflicts.push({ manager: id, path });
    }
    if (conflicts.length) return conflicts;
  }
  for (const [id, f] of managers) {
    if (id !== except) managers.set(id, { ...f, set: difference(difference(f.set, touched), change.removed) });
  }
  dropEmptyManagers(managers);
  return [];
}

/**
 * Removes from the merged object what the applier applied last time (`previous`), except
 * what anyone owns now (the applier's new configuration included), and except what lies
 * below a removed field without having been applied by the applier.
 */
function prune(t: Typing, merged: unknown, managers: Managers, previous: FieldSet | undefined): unknown {
  if (!previous || isEmpty(previous)) return merged;
  const named = (s: FieldSet) => withNamedFields(s, t.root);
  const fieldsOf = (v: unknown) => named(fieldSetOf(v, t.root));
  const last = named(previous);
  let owned = emptySet;
  for (const f of managers.values()) owned = union(owned, f.set);
  const all = fieldsOf(merged);
  const cut = removeItems(merged, last, t.root) ?? {};
  const ownedKept = removeItems(merged, difference(all, union(fieldsOf(cut), named(owned))), t.root) ?? {};
  return removeItems(merged, intersection(difference(all, fieldsOf(ownedKept)), last), t.root) ?? {};
}
