// coordination.k8s.io/v1 Lease: the HOLDER column and ValidateLeaseSpec.

import type { FieldError } from '../../../apiserver/errors.ts';
import { invalidValue } from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import type { KindDeclaration } from '../../kind.ts';

export const lease: KindDeclaration = {
  group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true,
  columns: [{ name: 'Holder', type: 'string', description: 'Who holds the lease.', cell: (l) => l.spec?.holderIdentity ?? '' }, ageColumn],
  validate: validateLease,
};

export function validateLease(l: any): FieldError[] {
  const spec = l.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds != null && spec.leaseDurationSeconds <= 0) errs.push(invalidValue('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  if (spec.leaseTransitions != null && spec.leaseTransitions < 0) errs.push(invalidValue('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  return errs;
}
