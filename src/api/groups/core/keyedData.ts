// What ConfigMaps and Secrets share: keys that are valid file names, a 1 MiB total, and data
// frozen once `immutable: true`.

import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../../../apiserver/errors.ts';
import { configMapKeyErrors, forbidden, invalidEach } from '../../validation.ts';

/** The most a ConfigMap's or Secret's data may hold, in bytes. */
export const maxDataSize = 1024 * 1024;

/** Each key of `data` must be a valid config key, reported at `field[key]`. */
export function validateDataKeys(data: Record<string, unknown> | undefined, field: string): FieldError[] {
  return Object.keys(data ?? {}).flatMap((key) => invalidEach(`${field}[${key}]`, key, configMapKeyErrors(key)));
}

/** Bytes of a base64 value as stored (binaryData, Secret data). */
export function decodedSize(value: unknown): number {
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : 0;
}

/** Once immutable, an object stays so and its data fields may not change. */
export function validateImmutableData(obj: any, old: any, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!isDeepStrictEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}
