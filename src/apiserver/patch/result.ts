// What applying a patch returns: the patched object, or the error kube-apiserver would answer
// with, as a value. `detail` keeps the underlying reason where upstream hides it behind a
// generic message (JSON patch failures), for logs and tests.

import { ApiError, badRequest, invalid } from '../errors.ts';
import type { JsonObject } from './json.ts';

export type PatchResult = { ok: true; object: JsonObject } | { ok: false; error: ApiError; detail?: string };

export const patched = (object: JsonObject): PatchResult => ({ ok: true, object });
export const failed = (error: ApiError, detail?: string): PatchResult => (detail === undefined ? { ok: false, error } : { ok: false, error, detail });

/** 400: the patch document itself is malformed. */
export const patchBadRequest = (message: string): ApiError => badRequest(message);

/**
 * 422 for a JSON patch operation that does not apply (failed test, missing path...). Upstream
 * answers with a generic server response whose message drops the json-patch error text.
 */
export const patchNotApplicable = (): ApiError => new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

/** 422 when the patched document is no longer an object (it cannot decode into the kind). */
export function patchedNotAnObject(result: unknown): ApiError {
  const what = Array.isArray(result) ? 'array' : result === null ? 'null' : typeof result;
  return invalid('', '', '', [{ type: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${JSON.stringify(JSON.stringify(result))}: json: cannot unmarshal ${what} into Go value of type map[string]interface {}` }]);
}

/** 413: more JSON patch operations than upstream allows. */
export const patchTooLarge = (message: string): ApiError => new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);

/** 415: strategic merge patch on a kind without patch metadata (custom resources upstream). */
export const strategicMergeUnsupported = (): ApiError =>
  new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');

/**
 * 500 with no reason: upstream returns these errors as plain Go errors, which the apiserver
 * turns into a Status carrying just the message.
 */
export const patchInternal = (message: string): ApiError => new ApiError(500, '', message);
