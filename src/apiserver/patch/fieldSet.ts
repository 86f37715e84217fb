// A set of field paths (structured-merge-diff's fieldpath.Set): a trie whose nodes hold the
// member elements at that level and the child sets below elements. What a manager owns is
// such a set; managedFields store it as FieldsV1, a JSON object with one key per element
// ("." marks a node that is itself a member as well as a parent). Sets are immutable values.

import { compareElements, parseElement, serializeElement, type Path, type PathElement } from './fieldPath.ts';
import { isObject, type JsonObject } from './json.ts';

export interface FieldSet {
  /** Members at this level, by serialized element. */
  readonly members: ReadonlyMap<string, PathElement>;
  /** Non-empty child sets, by serialized element. */
  readonly children: ReadonlyMap<string, { pe: PathElement; set: FieldSet }>;
}

export const emptySet: FieldSet = { members: new Map(), children: new Map() };

export function isEmpty(s: FieldSet): boolean {
  return s.members.size === 0 && s.children.size === 0;
}

export function setOf(paths: Path[]): FieldSet {
  const b = builder();
  for (const p of paths) b.insert(p);
  return b.build();
}

/** Accumulates paths cheaply while walking a value; build() freezes them into a set. */
export function builder(): { insert(path: Path): void; build(): FieldSet } {
  type Node = { members: Map<string, PathElement>; children: Map<string, { pe: PathElement; node: Node }> };
  const root: Node = { members: new Map(), children: new Map() };
  const freeze = (n: Node): FieldSet => {
    const children = new Map<string, { pe: PathElement; set: FieldSet }>();
    for (const [k, c] of n.children) {
      const set = freeze(c.node);
      if (!isEmpty(set)) children.set(k, { pe: c.pe, set });
    }
    return { members: n.members, children };
  };
  return {
    insert(path) {
      if (path.length === 0) return;
      let node = root;
      for (const pe of path.slice(0, -1)) {
        const k = serializeElement(pe);
        let child = node.children.get(k);
        if (!child) node.children.set(k, (child = { pe, node: { members: new Map(), children: new Map() } }));
        node = child.node;
      }
      const last = path[path.length - 1];
      node.members.set(serializeElement(last), last);
    },
    build: () => freeze(root),
  };
}

export function has(s: FieldSet, path: Path): boolean {
  let node = s;
  for (const pe of path.slice(0, -1)) {
    const child = node.children.get(serializeElement(pe));
    if (!child) return false;
    node = child.set;
  }
  return path.length > 0 && node.members.has(serializeElement(path[path.length - 1]));
}

/** The set below one element (paths relative to it). */
export function childSet(s: FieldSet, pe: PathElement): FieldSet {
  return s.children.get(serializeElement(pe))?.set ?? emptySet;
}

export function union(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  const members = new Map([...a.members, ...b.members]);
  const children = new Map(a.children);
  for (const [k, c] of b.children) {
    const mine = children.get(k);
    children.set(k, mine ? { pe: c.pe, set: union(mine.set, c.set) } : c);
  }
  return { members, children };
}

/** Paths of `a` that are not paths of `b` (a child of a removed member stays). */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  const members = new Map([...a.members].filter(([k]) => !b.members.has(k)));
  const children = new Map<string, { pe: PathElement; set: FieldSet }>();
  for (const [k, c] of a.children) {
    const other = b.children.get(k);
    const set = other ? difference(c.set, other.set) : c.set;
    if (!isEmpty(set)) children.set(k, { pe: c.pe, set });
  }
  return { members, children };
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const members = new Map([...a.members].filter(([k]) => b.members.has(k)));
  const children = new Map<string, { pe: PathElement; set: FieldSet }>();
  for (const [k, c] of a.children) {
    const other = b.children.get(k);
    if (!other) continue;
    const set = intersection(c.set, other.set);
    if (!isEmpty(set)) children.set(k, { pe: c.pe, set });
  }
  return { members, children };
}

/** Like difference, but a member of `b` also removes everything below it. */
export function recursiveDifference(a: FieldSet, b: FieldSet): FieldSet {
  const members = new Map([...a.members].filter(([k]) => !b.members.has(k)));
  const children = new Map<string, { pe: PathElement; set: FieldSet }>();
  for (const [k, c] of a.children) {
    if (b.members.has(k)) continue;
    const other = b.children.get(k);
    const set = other ? recursiveDifference(c.set, other.set) : c.set;
    if (!isEmpty(set)) children.set(k, { pe: c.pe, set });
  }
  return { members, children };
}

/** Every member path, in upstream's iteration order (members, then children, each sorted). */
export function paths(s: FieldSet, prefix: Path = []): Path[] {
  const out: Path[] = [];
  for (const pe of sortedElements([...s.members.values()])) out.push([...prefix, pe]);
  for (const c of [...s.children.values()].sort((x, y) => compareElements(x.pe, y.pe))) out.push(...paths(c.set, [...prefix, c.pe]));
  return out;
}

/** The FieldsV1 form: `{"f:spec": {"f:replicas": {}}}`, keys sorted as upstream writes them. */
export function toFieldsV1(s: FieldSet): JsonObject {
  const out: JsonObject = {};
  const elements = new Map<string, PathElement>([...s.members]);
  for (const [k, c] of s.children) elements.set(k, c.pe);
  for (const pe of sortedElements([...elements.values()])) {
    const k = serializeElement(pe);
    const child = s.children.get(k);
    if (!child) out[k] = {};
    else out[k] = s.members.has(k) ? { '.': {}, ...toFieldsV1(child.set) } : toFieldsV1(child.set);
  }
  return out;
}

/** Reads FieldsV1; a key with nothing below it, or with ".", is a member. */
export function fromFieldsV1(fields: unknown): FieldSet {
  if (!isObject(fields)) throw new Error('FieldsV1 must be an object');
  const members = new Map<string, PathElement>();
  const children = new Map<string, { pe: PathElement; set: FieldSet }>();
  for (const [k, v] of Object.entries(fields)) {
    if (k === '.') continue;
    const pe = parseElement(k);
    if (!pe) continue;
    const key = serializeElement(pe);
    const set = fromFieldsV1(v);
    if (isEmpty(set) || (isObject(v) && Object.hasOwn(v, '.'))) members.set(key, pe);
    if (!isEmpty(set)) children.set(key, { pe, set });
  }
  return { members, children };
}

function sortedElements(pes: PathElement[]): PathElement[] {
  return pes.sort(compareElements);
}
