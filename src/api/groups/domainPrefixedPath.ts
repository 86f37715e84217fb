// Upstream's IsDomainPrefixedPath: "example.com/some-path", used for controller names
// (IngressClass spec.controller, Job spec.managedBy).

import type { FieldError } from '../../apiserver/errors.ts';
import { dns1123SubdomainErrors, invalidEach, invalidValue, regexError, required } from '../validation.ts';

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${httpPathFmt}$`);

export function validateDomainPrefixedPath(value: string | undefined, field: string): FieldError[] {
  if (!value) return [required(field, '')];
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) return [invalidValue(field, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const host = value.slice(0, slash);
  const path = value.slice(slash + 1);
  const errs = invalidEach(field, host, dns1123SubdomainErrors(host));
  if (!httpPathRe.test(path)) errs.push(invalidValue(field, path, regexError('Invalid path', httpPathFmt)));
  return errs;
}
