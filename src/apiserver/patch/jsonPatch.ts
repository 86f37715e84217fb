// RFC 6902 JSON patch (application/json-patch+json), with the semantics of the library
// kube-apiserver uses (evanphx/json-patch v4):
// - a body that is not a list of operation objects is 400 BadRequest;
// - more than 10000 operations is 413;
// - an operation that does not apply (failed `test`, missing path, bad index, unknown op)
//   is 422 Invalid with the generic message "the server rejected our request due to an
//   error in our request" (upstream drops the json-patch error text; we keep it in `detail`).
// Quirks kept from v4: negative array indices count from the end; `replace` of a missing
// object member adds it; `copy` from a missing member copies null; `test` treats a missing
// or null member as equal to an absent or null value; an operation without `value` uses null.

import { clone, deepEqual, isObject, type JsonObject } from './json.ts';
import { failed, patchBadRequest, patched, patchedNotAnObject, patchNotApplicable, patchTooLarge, type PatchResult } from './result.ts';

/** kube-apiserver's cap on operations in one JSON patch. */
export const maxJSONPatchOperations = 10000;

export function applyJsonPatch(doc: JsonObject, patch: unknown): PatchResult {
  if (!Array.isArray(patch)) return failed(patchBadRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type jsonpatch.Patch`));
  const bad = patch.find((op) => !isObject(op));
  if (bad !== undefined) return failed(patchBadRequest(`json: cannot unmarshal ${jsonKind(bad)} into Go value of type jsonpatch.Operation`));
  if (patch.length > maxJSONPatchOperations) {
    return failed(patchTooLarge(`The allowed maximum operations in a JSON patch is ${maxJSONPatchOperations}, got ${patch.length}`));
  }
  const root = { doc: clone(doc) as unknown };
  for (const op of patch as JsonObject[]) {
    const problem = applyOperation(root, op);
    if (problem) return failed(patchNotApplicable(), problem);
  }
  if (!isObject(root.doc)) return failed(patchedNotAnObject(root.doc));
  return patched(root.doc);
}

type Root = { doc: unknown };
type Container = JsonObject | unknown[];
/** Where a path points: the container holding the last token, and that token. */
type Location = { parent: Container; token: string };

function applyOperation(root: Root, op: JsonObject): string | undefined {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  const value = op.value === undefined ? null : op.value;
  switch (kind) {
    case 'add':
    case 'remove':
    case 'replace':
    case 'test': {
      if (typeof op.path !== 'string') return `${kind} operation failed to decode path: missing value`;
      return ops[kind](root, op.path, value, 'value' in op);
    }
    case 'move':
    case 'copy': {
      if (typeof op.from !== 'string') return `${kind} operation failed to decode from: missing value`;
      if (typeof op.path !== 'string') return `${kind} operation failed to decode path: missing value`;
      return kind === 'move' ? move(root, op.from, op.path) : copy(root, op.from, op.path);
    }
    default:
      return `Unexpected kind: ${kind}`;
  }
}

const ops = {
  add(root: Root, path: string, value: unknown): string | undefined {
    const at = locate(root, path);
    if (!at) return `add operation does not apply: doc is missing path: "${path}": missing value`;
    return insert(at, clone(value), path);
  },

  remove(root: Root, path: string): string | undefined {
    const at = locate(root, path);
    if (!at) return `remove operation does not apply: doc is missing path: "${path}": missing value`;
    return removeAt(at, path);
  },

  replace(root: Root, path: string, value: unknown): string | undefined {
    if (path === '') {
      if (!Array.isArray(value) && !isObject(value)) return 'replace operation value must be object or array';
      root.doc = clone(value);
      return undefined;
    }
    const at = locate(root, path);
    if (!at) return `replace operation does not apply: doc is missing path: ${path}: missing value`;
    if (Array.isArray(at.parent)) {
      const i = arrayIndex(at.parent, at.token, 0);
      if (i === undefined) return `replace operation does not apply: doc is missing key: ${path}: missing value`;
      at.parent[i] = clone(value);
    } else {
      at.parent[at.token] = clone(value);
    }
    return undefined;
  },

  test(root: Root, path: string, value: unknown, hasValue: boolean): string | undefined {
    if (path === '') return deepEqual(root.doc, value) ? undefined : `testing value ${path} failed: test failed`;
    const at = locate(root, path);
    if (!at) return `test operation does not apply: is missing path: ${path}: missing value`;
    const found = read(at);
    if (found.error) return `error in test for path: '${path}': ${found.error}`;
    if (found.value === undefined || found.value === null) {
      return value === null ? undefined : `testing value ${path} failed: test failed`;
    }
    if (!hasValue) return `testing value ${path} failed: test failed`;
    return deepEqual(found.value, value) ? undefined : `testing value ${path} failed: test failed`;
  },
};

function move(root: Root, from: string, path: string): string | undefined {
  const source = locate(root, from);
  if (!source) return `move operation does not apply: doc is missing from path: ${from}: missing value`;
  const found = read(source);
  if (found.error) return `error in move for path: '${source.token}': ${found.error}`;
  const removed = removeAt(source, from);
  if (removed) return removed;
  const target = locate(root, path);
  if (!target) return `move operation does not apply: doc is missing destination path: ${path}: missing value`;
  return insert(target, found.value === undefined ? null : found.value, path);
}

function copy(root: Root, from: string, path: string): string | undefined {
  const source = locate(root, from);
  if (!source) return `copy operation does not apply: doc is missing from path: ${from}: missing value`;
  const found = read(source);
  if (found.error) return `error in copy for from: '${from}': ${found.error}`;
  const target = locate(root, path);
  if (!target) return `copy operation does not apply: doc is missing destination path: ${path}: missing value`;
  return insert(target, found.value === undefined ? null : clone(found.value), path);
}

/** Walks to the container of the path's last token; undefined when any step is missing. */
function locate(root: Root, path: string): Location | undefined {
  if (!path.startsWith('/')) return undefined;
  const tokens = path.slice(1).split('/').map(unescapeToken);
  let node = root.doc;
  for (const token of tokens.slice(0, -1)) {
    if (!Array.isArray(node) && !isObject(node)) return undefined;
    const next = read({ parent: node, token });
    if (next.error || next.value === undefined) return undefined;
    node = next.value;
  }
  if (!Array.isArray(node) && !isObject(node)) return undefined;
  return { parent: node, token: tokens[tokens.length - 1] };
}

function read(at: Location): { value?: unknown; error?: string } {
  if (!Array.isArray(at.parent)) return { value: Object.hasOwn(at.parent, at.token) ? at.parent[at.token] : undefined };
  const i = arrayIndex(at.parent, at.token, 0);
  return i === undefined ? { error: `Unable to access invalid index: ${at.token}: invalid index referenced` } : { value: at.parent[i] };
}

function insert(at: Location, value: unknown, path: string): string | undefined {
  if (!Array.isArray(at.parent)) {
    at.parent[at.token] = value;
    return undefined;
  }
  if (at.token === '-') {
    at.parent.push(value);
    return undefined;
  }
  // Inserting may address one past the end (append), so the valid range is one longer.
  const i = arrayIndex(at.parent, at.token, 1);
  if (i === undefined) return `error in add for path: '${path}': Unable to access invalid index: ${at.token}: invalid index referenced`;
  at.parent.splice(i, 0, value);
  return undefined;
}

function removeAt(at: Location, path: string): string | undefined {
  if (!Array.isArray(at.parent)) {
    if (!Object.hasOwn(at.parent, at.token)) return `error in remove for path: '${path}': Unable to remove nonexistent key: ${at.token}: missing value`;
    delete at.parent[at.token];
    return undefined;
  }
  const i = arrayIndex(at.parent, at.token, 0);
  if (i === undefined) return `error in remove for path: '${path}': Unable to access invalid index: ${at.token}: invalid index referenced`;
  at.parent.splice(i, 1);
  return undefined;
}

/** An array index token (Go's strconv.Atoi form, negatives from the end); undefined if out of range. */
function arrayIndex(list: unknown[], token: string, extra: number): number | undefined {
  if (!/^[+-]?\d+$/.test(token)) return undefined;
  const size = list.length + extra;
  const n = Number(token);
  const i = n < 0 ? n + size : n;
  return i >= 0 && i < size ? i : undefined;
}

function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  return typeof v;
}
