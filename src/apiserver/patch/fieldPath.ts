// Field paths as server-side apply names them (structured-merge-diff's fieldpath): a path is a
// list of elements, each a field name, a list-map key ({name: "nginx"}), a set value, or an
// index. Elements serialize as managedFields keys (`f:name`, `k:{"name":"nginx"}`, `v:"a"`,
// `i:0`) and print in conflict messages as `.name`, `[name="nginx"]`, `[="a"]`, `[0]`.

import { escapeHtml, goJson, isObject } from './json.ts';

export type PathElement =
  | { kind: 'field'; name: string }
  /** Key fields sorted by name. */
  | { kind: 'key'; fields: [string, unknown][] }
  | { kind: 'value'; value: unknown }
  | { kind: 'index'; index: number };

export type Path = PathElement[];

export const field = (name: string): PathElement => ({ kind: 'field', name });

export function keyElement(fields: [string, unknown][]): PathElement {
  return { kind: 'key', fields: [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/** The managedFields (FieldsV1) form of an element; also its identity within a set. */
export function serializeElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([name, value]) => `${escapeHtml(JSON.stringify(name))}:${goJson(value)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/** Parses a FieldsV1 key; undefined for an unknown element type (upstream skips those). */
export function parseElement(s: string): PathElement | undefined {
  if (s.length < 2 || s[1] !== ':') throw new Error(s.length < 2 ? 'key must be 2 characters long:' : `missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return field(rest);
    case 'v':
      return { kind: 'value', value: JSON.parse(rest) };
    case 'k': {
      const key = JSON.parse(rest);
      if (!isObject(key)) throw new Error(`invalid key element: ${s}`);
      return keyElement(Object.entries(key));
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(rest)) throw new Error(`invalid index element: ${s}`);
      return { kind: 'index', index: Number(rest) };
    }
    default:
      return undefined;
  }
}

/** Path elements as they print in conflicts: `.spec.containers[name="nginx"].image`. */
export function pathString(path: Path): string {
  return path.map(elementString).join('');
}

function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([name, value]) => `${name}=${valueString(value)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isObject(v)) return Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join('');
  return String(v);
}

/** The order managedFields are written in: fields, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  const rank = { field: 0, key: 1, value: 2, index: 3 };
  if (a.kind !== b.kind) return rank[a.kind] - rank[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareFieldLists(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
  }
}

function compareFieldLists(a: [string, unknown][], b: [string, unknown][]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareStrings(a[i][0], b[i][0]) || compareValues(a[i][1], b[i][1]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** structured-merge-diff's total order on values: numbers, strings, booleans, lists, maps, null. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : isObject(v) ? 4 : 5);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number') return Math.sign(a - (b as number));
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a)) {
    const bl = b as unknown[];
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValues(a[i], bl[i]);
      if (c !== 0) return c;
    }
    return a.length - bl.length;
  }
  if (isObject(a)) {
    const sorted = (o: object) => Object.entries(o).sort(([x], [y]) => compareStrings(x, y));
    return compareFieldLists(sorted(a), sorted(b as object));
  }
  return 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
