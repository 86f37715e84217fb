// policy/v1 PodDisruptionBudget: printer columns and ValidatePodDisruptionBudgetSpec.

import type { FieldError } from '../../../apiserver/errors.ts';
import { unsupported, validateLabelSelector } from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import { invalidGo } from '../goValues.ts';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../intOrPercent.ts';
import type { KindDeclaration } from '../../kind.ts';

export const podDisruptionBudget: KindDeclaration = {
  group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true,
  shortNames: ['pdb'], subresources: { status: true }, generation: true,
  columns: [
    { name: 'Min Available', type: 'string', description: 'Pods that must stay available.', cell: (p) => intOrPercentCell(p.spec?.minAvailable) },
    { name: 'Max Unavailable', type: 'string', description: 'Pods that may be unavailable.', cell: (p) => intOrPercentCell(p.spec?.maxUnavailable) },
    { name: 'Allowed Disruptions', type: 'integer', description: 'Pods that may be disrupted now.', cell: (p) => p.status?.disruptionsAllowed ?? 0 },
    ageColumn,
  ],
  validate: validatePodDisruptionBudget,
};

const intOrPercentCell = (v: number | string | undefined) => (v === undefined || v === null ? 'N/A' : String(v));

const evictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

export function validatePodDisruptionBudget(pdb: any): FieldError[] {
  const spec = pdb.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable != null && spec.maxUnavailable != null) errs.push(invalidGo('spec', goSpec(spec), 'minAvailable and maxUnavailable cannot be both set'));
  for (const field of ['minAvailable', 'maxUnavailable']) {
    if (spec[field] == null) continue;
    errs.push(...validatePositiveIntOrPercent(spec[field], `spec.${field}`), ...isNotMoreThan100Percent(spec[field], `spec.${field}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (spec.unhealthyPodEvictionPolicy != null && !evictionPolicies.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(unsupported('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, evictionPolicies));
  }
  return errs;
}

// The spec struct as Go dumps it: its fields are pointers, shown as addresses or nil.
function goSpec(spec: any): string {
  const pointer = (v: unknown, type: string, address: string) => `(*${type})(${v == null ? 'nil' : address})`;
  return (
    `policy.PodDisruptionBudgetSpec{MinAvailable:${pointer(spec.minAvailable, 'intstr.IntOrString', '0xc000a1b300')}, ` +
    `Selector:${pointer(spec.selector, 'v1.LabelSelector', '0xc000a1b310')}, ` +
    `MaxUnavailable:${pointer(spec.maxUnavailable, 'intstr.IntOrString', '0xc000a1b320')}, ` +
    `UnhealthyPodEvictionPolicy:${pointer(spec.unhealthyPodEvictionPolicy, 'policy.UnhealthyPodEvictionPolicyType', '0xc000a1b330')}}`
  );
}
