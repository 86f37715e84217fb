// For tests of the apiserver's core: the ApiError a call rejects with.

import assert from 'node:assert/strict';
import { ApiError } from '../errors.ts';

/** The ApiError a promise rejects with (fails the test when it resolves or rejects otherwise). */
export async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    return err;
  }
  assert.fail('expected an ApiError');
}
