// Int-or-percent fields (maxSurge, maxUnavailable, minAvailable): upstream's apps
// validation helpers, shared by the workload kinds and PodDisruptionBudgets.

import type { FieldError } from '../../apiserver/errors.ts';
import { invalidValue, isNegative, regexError } from '../validation.ts';
import { goIntOrString, invalidGo } from './goValues.ts';

const percentFmt = '[0-9]+%';
const percentError = regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%');

/** A non-negative integer or a well-formed percentage. */
export function validatePositiveIntOrPercent(value: number | string | undefined, field: string): FieldError[] {
  if (typeof value === 'string') return /^[0-9]+%$/.test(value) ? [] : [invalidGo(field, goIntOrString(value), percentError)];
  if (typeof value === 'number' && value < 0) return [invalidValue(field, value, isNegative)];
  return [];
}

export function isNotMoreThan100Percent(value: number | string | undefined, field: string): FieldError[] {
  const percent = percentOf(value);
  return percent !== undefined && percent > 100 ? [invalidGo(field, goIntOrString(value), 'must not be greater than 100%')] : [];
}

/** The number in an int-or-percent ("25%" is 25); other strings read as Go's Atoi, else 0. */
export function intOrPercentValue(value: number | string | undefined): number {
  if (typeof value === 'number') return value;
  const percent = percentOf(value);
  if (percent !== undefined) return percent;
  return typeof value === 'string' && /^[+-]?\d+$/.test(value) ? Number(value) : 0;
}

function percentOf(value: number | string | undefined): number | undefined {
  return typeof value === 'string' && /^[0-9]+%$/.test(value) ? Number(value.slice(0, -1)) : undefined;
}
