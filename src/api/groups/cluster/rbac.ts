// rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings: printer columns,
// the apiGroup defaults, and upstream's RBAC validation. Names only need to be URL path
// segments ("system:controller:foo" is a fine ClusterRole name).

import type { FieldError } from '../../../apiserver/errors.ts';
import { dns1123SubdomainErrors, goQuote, invalidEach, pathSegmentName, pathSegmentNameErrors, required, unsupported, validateLabelSelector } from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import { createdAtColumn } from '../createdAt.ts';
import { invalidGo } from '../goValues.ts';
import type { Column, KindDeclaration } from '../../kind.ts';

const rbacGroup = 'rbac.authorization.k8s.io';
const rbac = { group: rbacGroup, version: 'v1', nameValidator: pathSegmentName };

// Roles have no printer upstream: the default table (Name, Created At).
export const role: KindDeclaration = {
  ...rbac, kind: 'Role', plural: 'roles', singular: 'role', namespaced: true,
  columns: [createdAtColumn],
  validate: (r) => validateRules(r.rules ?? [], true),
};

export const clusterRole: KindDeclaration = {
  ...rbac, kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false,
  columns: [createdAtColumn],
  validate: validateClusterRole,
};

const bindingColumns: Column[] = [
  { name: 'Role', type: 'string', description: 'The role the subjects are bound to.', cell: (b) => `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}` },
  ageColumn,
  { name: 'Users', type: 'string', priority: 1, description: 'Users in the binding.', cell: (b) => subjectsOf(b, 'User') },
  { name: 'Groups', type: 'string', priority: 1, description: 'Groups in the binding.', cell: (b) => subjectsOf(b, 'Group') },
  { name: 'ServiceAccounts', type: 'string', priority: 1, description: 'Service accounts in the binding.', cell: (b) => subjectsOf(b, 'ServiceAccount') },
];

export const roleBinding: KindDeclaration = {
  ...rbac, kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true,
  columns: bindingColumns,
  defaults: defaultBinding,
  validate: (b, old) => validateBinding(b, old, ['Role', 'ClusterRole'], true),
};

export const clusterRoleBinding: KindDeclaration = {
  ...rbac, kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false,
  columns: bindingColumns,
  defaults: defaultBinding,
  validate: (b, old) => validateBinding(b, old, ['ClusterRole'], false),
};

/** Subject names of one kind, service accounts as namespace/name. */
function subjectsOf(binding: any, kind: string): string {
  return (binding.subjects ?? [])
    .filter((s: any) => s.kind === kind)
    .map((s: any) => (kind === 'ServiceAccount' && s.namespace ? `${s.namespace}/${s.name}` : s.name))
    .join(', ');
}

export function defaultBinding(b: any): void {
  const roleRef = (b.roleRef ??= {});
  roleRef.apiGroup ||= rbacGroup;
  for (const subject of b.subjects ?? []) {
    if (!subject.apiGroup && (subject.kind === 'User' || subject.kind === 'Group')) subject.apiGroup = rbacGroup;
  }
}

/** ValidatePolicyRule for each rule: verbs, then either non-resource URLs or groups and resources. */
function validateRules(rules: any[], namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!rule.verbs?.length) errs.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    const urls: string[] = rule.nonResourceURLs ?? [];
    if (urls.length > 0) {
      const shown = `[]string{${urls.map(goQuote).join(', ')}}`;
      if (namespaced) errs.push(invalidGo(`${at}.nonResourceURLs`, shown, 'namespaced rules cannot apply to non-resource URLs'));
      if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
        errs.push(invalidGo(`${at}.nonResourceURLs`, shown, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (!rule.apiGroups?.length) errs.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (!rule.resources?.length) errs.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

function validateClusterRole(r: any): FieldError[] {
  const errs = validateRules(r.rules ?? [], false);
  if (r.aggregationRule) {
    const selectors: any[] = r.aggregationRule.clusterRoleSelectors ?? [];
    const path = 'aggregationRule.clusterRoleSelectors';
    if (selectors.length === 0) errs.push(required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((selector, i) => errs.push(...validateLabelSelector(selector, `${path}[${i}]`)));
  }
  return errs;
}

function validateBinding(b: any, old: any, roleKinds: string[], namespaced: boolean): FieldError[] {
  const roleRef = b.roleRef ?? {};
  const errs: FieldError[] = [];
  if (roleRef.apiGroup !== rbacGroup) errs.push(unsupported('roleRef.apiGroup', roleRef.apiGroup ?? '', [rbacGroup]));
  if (!roleKinds.includes(roleRef.kind)) errs.push(unsupported('roleRef.kind', roleRef.kind ?? '', roleKinds));
  if (!roleRef.name) errs.push(required('roleRef.name', ''));
  else errs.push(...invalidEach('roleRef.name', roleRef.name, pathSegmentNameErrors(roleRef.name)));
  (b.subjects ?? []).forEach((subject: any, i: number) => errs.push(...validateSubject(subject, namespaced, `subjects[${i}]`)));
  if (old) {
    const was = old.roleRef ?? {};
    if (['apiGroup', 'kind', 'name'].some((k) => (roleRef[k] ?? '') !== (was[k] ?? ''))) {
      const shown = `rbac.RoleRef{APIGroup:${goQuote(roleRef.apiGroup ?? '')}, Kind:${goQuote(roleRef.kind ?? '')}, Name:${goQuote(roleRef.name ?? '')}}`;
      errs.push(invalidGo('roleRef', shown, 'cannot change roleRef'));
    }
  }
  return errs;
}

function validateSubject(subject: any, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!subject.name) errs.push(required(`${path}.name`, ''));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (subject.name) errs.push(...invalidEach(`${path}.name`, subject.name, dns1123SubdomainErrors(subject.name)));
      if (subject.apiGroup) errs.push(unsupported(`${path}.apiGroup`, subject.apiGroup, ['']));
      if (!namespaced && !subject.namespace) errs.push(required(`${path}.namespace`, ''));
      break;
    case 'User':
    case 'Group':
      if (subject.apiGroup !== rbacGroup) errs.push(unsupported(`${path}.apiGroup`, subject.apiGroup ?? '', [rbacGroup]));
      break;
    default:
      errs.push(unsupported(`${path}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

