// LimitRange: per-namespace bounds and defaults for container, pod and claim resources. It has
// no printer upstream, so its table is the default one: NAME and CREATED AT.

import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { duplicate, forbidden, invalidEach, invalidValue, qualifiedNameErrors, required } from '../../validation.ts';
import { parseQuantity } from './quantity.ts';
import { overcommitAllowed, validateContainerResourceName, validateResourceName } from './resources.ts';

export const limitRange: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the limit range.', cell: (lr) => lr.metadata?.name },
    { name: 'Created At', type: 'date', description: 'When the object was created (metadata.creationTimestamp).', cell: (lr) => createdAt(lr.metadata?.creationTimestamp) },
  ],
  defaults: (lr) => {
    for (const item of lr.spec?.limits ?? []) if (item.type === 'Container') defaultContainerLimits(item);
  },
  validate: (lr) => validateLimits(lr.spec?.limits ?? []),
};

/** The default table's CREATED AT cell: RFC 3339 in UTC, to the second. */
export function createdAt(timestamp: string | undefined): string {
  const t = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(t) ? '' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Container limits: default limit from max, default request from the limit, else from min.
function defaultContainerLimits(item: any): void {
  item.default ??= {};
  item.defaultRequest ??= {};
  for (const [name, q] of Object.entries(item.max ?? {})) item.default[name] ??= q;
  for (const [name, q] of Object.entries(item.default)) item.defaultRequest[name] ??= q;
  for (const [name, q] of Object.entries(item.min ?? {})) item.defaultRequest[name] ??= q;
}

const standardLimitTypes = ['Pod', 'Container', 'PersistentVolumeClaim'];
const bounds = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

function validateLimits(limits: any[]): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  limits.forEach((item, i) => {
    const at = `spec.limits[${i}]`;
    const type: string = item.type ?? '';
    const typeErrs = invalidEach(`${at}.type`, type, qualifiedNameErrors(type));
    if (!typeErrs.length && !type.includes('/') && !standardLimitTypes.includes(type)) typeErrs.push(invalidValue(`${at}.type`, type, 'must be a standard limit type or fully qualified'));
    errs.push(...typeErrs);
    if (types.has(type)) errs.push(duplicate(`${at}.type`, type));
    types.add(type);
    const nameCheck = type === 'Pod' || type === 'Container' ? validateContainerResourceName : validateResourceName;
    if (type === 'Pod') {
      for (const f of ['default', 'defaultRequest']) if (Object.keys(item[f] ?? {}).length) errs.push(forbidden(`${at}.${f}`, "may not be specified when `type` is 'Pod'"));
    }
    const values: Record<string, Record<string, { text: string; value: number }>> = {};
    for (const bound of bounds) {
      if (type === 'Pod' && (bound === 'default' || bound === 'defaultRequest')) continue;
      values[bound] = {};
      for (const [name, q] of Object.entries(item[bound] ?? {})) {
        errs.push(...nameCheck(name, `${at}.${bound}[${name}]`));
        values[bound][name] = { text: String(q), value: parseQuantity(q as string) ?? 0 };
      }
    }
    if (type === 'PersistentVolumeClaim' && !item.min?.storage && !item.max?.storage) {
      errs.push(required(`${at}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    errs.push(...validateBoundsOrder(values, at));
  });
  return errs;
}

// min <= defaultRequest <= default <= max for every resource, ratios >= 1 and within max/min.
function validateBoundsOrder(v: Record<string, Record<string, { text: string; value: number }>>, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(Object.values(v).flatMap((m) => Object.keys(m)));
  for (const name of names) {
    const min = v.min?.[name];
    const max = v.max?.[name];
    const def = v.default?.[name];
    const req = v.defaultRequest?.[name];
    const ratio = v.maxLimitRequestRatio?.[name];
    if (min && max && min.value > max.value) errs.push(invalidValue(`${at}.min[${name}]`, min.text, `min value ${min.text} is greater than max value ${max.text}`));
    if (req && min && min.value > req.value) errs.push(invalidValue(`${at}.defaultRequest[${name}]`, req.text, `min value ${min.text} is greater than default request value ${req.text}`));
    if (req && max && req.value > max.value) errs.push(invalidValue(`${at}.defaultRequest[${name}]`, req.text, `default request value ${req.text} is greater than max value ${max.text}`));
    if (req && def && req.value > def.value) errs.push(invalidValue(`${at}.defaultRequest[${name}]`, req.text, `default request value ${req.text} is greater than default limit value ${def.text}`));
    if (def && min && min.value > def.value) errs.push(invalidValue(`${at}.default[${name}]`, min.text, `min value ${min.text} is greater than default value ${def.text}`));
    if (def && max && def.value > max.value) errs.push(invalidValue(`${at}.default[${name}]`, max.text, `default value ${def.text} is greater than max value ${max.text}`));
    if (ratio && ratio.value < 1) errs.push(invalidValue(`${at}.maxLimitRequestRatio[${name}]`, ratio.text, `ratio ${ratio.text} is less than 1`));
    if (ratio && min && max && ratio.value > max.value / min.value) {
      errs.push(invalidValue(`${at}.maxLimitRequestRatio[${name}]`, ratio.text, `ratio ${ratio.text} is greater than max/min = ${(max.value / min.value).toFixed(6)}`));
    }
    if (!overcommitAllowed(name) && def && req && def.value !== req.value) {
      errs.push(invalidValue(`${at}.defaultRequest[${name}]`, req.text, `default value ${def.text} must equal to defaultRequest value ${req.text} in ${name}`));
    }
  }
  return errs;
}
