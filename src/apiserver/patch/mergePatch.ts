// RFC 7386 JSON merge patch (application/merge-patch+json), as kube-apiserver applies it
// (evanphx/json-patch v4): objects merge member by member, `null` deletes a member, anything
// else replaces. Values taken whole from the patch lose their null members, except an array
// or scalar replacing an object member (v4 keeps it as sent).
// A `null` or scalar patch is 400 "Invalid JSON Patch"; an array patch replaces the whole
// document, which then is not an object (422). Existing keys keep their order; new ones follow.

import { clone, isObject, type JsonObject } from './json.ts';
import { failed, patchBadRequest, patched, patchedNotAnObject, type PatchResult } from './result.ts';

export function applyMergePatch(doc: JsonObject, patch: unknown): PatchResult {
  if (Array.isArray(patch)) return failed(patchedNotAnObject(withoutNulls(clone(patch))));
  if (!isObject(patch)) return failed(patchBadRequest('Invalid JSON Patch'));
  return patched(mergeInto(clone(doc), clone(patch)));
}

/** Merges `patch` into `target` in place and returns it. */
function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
      continue;
    }
    const current = target[key];
    if (current === undefined || current === null) target[key] = withoutNulls(value);
    else if (!isObject(current)) target[key] = withoutNulls(value);
    else if (!isObject(value)) target[key] = value;
    else target[key] = mergeInto(current, value);
  }
  return target;
}

/** Drops null object members at any depth (null array elements stay). */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(withoutNulls);
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete value[k];
      else withoutNulls(v);
    }
  }
  return value;
}
