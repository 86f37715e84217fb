// apiextensions.k8s.io/v1 CustomResourceDefinition: SetDefaults_CustomResourceDefinition,
// the storedVersions bookkeeping of its registry strategy, and the parts of upstream's
// ValidateCustomResourceDefinition that decide whether a CRD is accepted: names, group,
// scope, versions, schemas present (with an object root), columns, subresources,
// conversion, storedVersions and API approval for *.k8s.io groups. Deeper structural
// schema rules are not checked.
//
// Error paths follow upstream, which validates its internal form: a schema (columns,
// subresources) shared by every version is reported at spec.validation (spec.*), and
// conversion webhooks at spec.conversion.webhookClientConfig.

import type { FieldError } from '../../../apiserver/errors.ts';
import {
  dns1035LabelErrors,
  dns1123SubdomainErrors,
  forbidden,
  goQuote,
  goValue,
  immutable,
  invalidValue,
  required,
  unsupported,
} from '../../validation.ts';
import { invalidGo } from '../goValues.ts';
import { semanticEqual } from '../semanticEqual.ts';
import { createdAtColumn } from '../createdAt.ts';
import type { KindDeclaration } from '../../kind.ts';

export const customResourceDefinition: KindDeclaration = {
  group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', singular: 'customresourcedefinition',
  namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: { status: true }, generation: true,
  // No printer upstream: the default table.
  columns: [createdAtColumn],
  defaults: defaultCRD,
  validate: validateCRD,
};

export function defaultCRD(crd: any): void {
  const spec = (crd.spec ??= {});
  const names = (spec.names ??= {});
  if (!names.singular && names.kind) names.singular = names.kind.toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  spec.conversion ??= { strategy: 'None' };
  const service = spec.conversion.webhook?.clientConfig?.service;
  if (service) service.port ??= 443;
  // The registry records each storage version as stored, on create and on update.
  const storage = (spec.versions ?? []).find((v: any) => v.storage)?.name;
  const status = (crd.status ??= {});
  if (storage && !(status.storedVersions ?? []).includes(storage)) status.storedVersions = [...(status.storedVersions ?? []), storage];
}

const printerColumnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const printerColumnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const conversionReviewVersions = ['v1', 'v1beta1'];
const approvalAnnotation = 'api-approved.kubernetes.io';

export function validateCRD(crd: any, old?: any): FieldError[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const errs: FieldError[] = [];
  const name: string = crd.metadata?.name ?? '';
  if (name !== `${names.plural}.${spec.group}`) errs.push(invalidValue('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  errs.push(...validateSpec(spec, old?.spec));
  errs.push(...validateStoredVersions(crd.status?.storedVersions ?? [], spec.versions ?? []));
  errs.push(...validateApproval(crd, old));
  if (spec.preserveUnknownFields === true && old?.spec?.preserveUnknownFields !== true) {
    errs.push(invalidValue('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  if (old) errs.push(...validateSpecUpdate(spec, old));
  return errs;
}

function validateSpec(spec: any, oldSpec: any): FieldError[] {
  const errs: FieldError[] = [];
  const group: string = spec.group ?? '';
  if (!group) errs.push(required('spec.group', ''));
  else if (dns1123SubdomainErrors(group).length > 0) errs.push(invalidValue('spec.group', group, dns1123SubdomainErrors(group).join(',')));
  else if (group.split('.').length < 2) errs.push(invalidValue('spec.group', group, 'should be a domain with at least one dot'));
  const scopes = ['Cluster', 'Namespaced'];
  if (!spec.scope) errs.push(required('spec.scope', ''));
  else if (!scopes.includes(spec.scope)) errs.push(unsupported('spec.scope', spec.scope, scopes));

  const versions: any[] = spec.versions ?? [];
  // Updates keep accepting schema-less versions if the stored CRD already had them.
  const requireSchemas = !oldSpec || (oldSpec.versions ?? []).every((v: any) => v.schema?.openAPIV3Schema);
  versions.forEach((v, i) => {
    if (requireSchemas && !v.schema?.openAPIV3Schema) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, ''));
  });
  const shared = (field: string) => versions.length > 0 && versions.every((v) => semanticEqual(v[field], versions[0][field]));
  const seen = new Set<string>();
  let storageCount = 0;
  let unique = true;
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    if (v.storage) storageCount++;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const nameErrors = dns1035LabelErrors(v.name ?? '');
    if (nameErrors.length > 0) errs.push(invalidValue(`${at}.name`, v.name ?? '', nameErrors.join(',')));
    errs.push(...validateDeprecationWarning(v, `${at}.deprecationWarning`));
    if (v.schema?.openAPIV3Schema && !shared('schema')) errs.push(...validateSchemaRoot(v.schema.openAPIV3Schema, `${at}.schema.openAPIV3Schema`));
    if (!shared('subresources')) errs.push(...validateSubresources(v.subresources, `${at}.subresources`));
    if (!shared('additionalPrinterColumns')) (v.additionalPrinterColumns ?? []).forEach((c: any, j: number) => errs.push(...validateColumn(c, `${at}.additionalPrinterColumns[${j}]`)));
  });
  if (!unique) errs.push(invalidGo('spec.versions', goVersions(versions), 'must contain unique version names'));
  if (storageCount !== 1) errs.push(invalidGo('spec.versions', goVersions(versions), 'must have exactly one version marked as storage version'));

  const names = spec.names ?? {};
  for (const field of ['plural', 'singular', 'kind', 'listKind']) if (!names[field]) errs.push(required(`spec.names.${field}`, ''));
  errs.push(...validateNames(names, 'spec.names'));
  if (shared('schema') && versions[0].schema?.openAPIV3Schema) errs.push(...validateSchemaRoot(versions[0].schema.openAPIV3Schema, 'spec.validation.openAPIV3Schema'));
  if (shared('subresources')) errs.push(...validateSubresources(versions[0].subresources, 'spec.subresources'));
  if (shared('additionalPrinterColumns')) (versions[0].additionalPrinterColumns ?? []).forEach((c: any, j: number) => errs.push(...validateColumn(c, `spec.additionalPrinterColumns[${j}]`)));
  errs.push(...validateConversion(spec.conversion, spec.preserveUnknownFields));
  return errs;
}

function goVersions(versions: any[]): string {
  const one = (v: any) => `apiextensions.CustomResourceDefinitionVersion{Name:${goQuote(v.name ?? '')}, Served:${!!v.served}, Storage:${!!v.storage}, ...}`;
  return `[]apiextensions.CustomResourceDefinitionVersion{${versions.map(one).join(', ')}}`;
}

export function validateNames(names: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (field: string, value: string | undefined, prefix = '') => {
    if (!value) return;
    const messages = dns1035LabelErrors(prefix ? value.toLowerCase() : value);
    if (messages.length > 0) errs.push(invalidValue(`${path}.${field}`, value, `${prefix}${messages.join(',')}`));
  };
  label('plural', names.plural);
  label('singular', names.singular);
  label('kind', names.kind, 'may have mixed case, but should otherwise match: ');
  label('listKind', names.listKind, 'may have mixed case, but should otherwise match: ');
  (names.shortNames ?? []).forEach((s: string, i: number) => label(`shortNames[${i}]`, s));
  if (names.kind && names.kind === names.listKind) errs.push(invalidValue(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c: string, i: number) => label(`categories[${i}]`, c));
  return errs;
}

function validateDeprecationWarning(version: any, path: string): FieldError[] {
  const warning = version.deprecationWarning;
  if (warning == null) return [];
  if (!version.deprecated) return [invalidValue(path, warning, 'can only be set for deprecated versions')];
  const errs: FieldError[] = [];
  if (Buffer.byteLength(warning) > 256) errs.push(invalidValue(path, warning, 'must be <= 256 characters long'));
  if (warning.length === 0) errs.push(invalidValue(path, warning, 'must not be an empty string'));
  const control = [...warning].findIndex((ch) => /\p{Cc}/u.test(ch));
  if (control >= 0) errs.push(invalidValue(path, warning, `must only contain printable UTF-8 characters; control character found at index ${control}`));
  return errs;
}

// Structural schemas describe an object at the root.
function validateSchemaRoot(schema: any, path: string): FieldError[] {
  if (!schema.type) return [required(`${path}.type`, 'must not be empty at the root')];
  if (schema.type !== 'object') return [invalidValue(`${path}.type`, schema.type, 'must be object at the root')];
  return [];
}

function validateSubresources(subresources: any, path: string): FieldError[] {
  const scale = subresources?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const check = (field: string, value: string | undefined, prefixes: string[], message: string, optional = false) => {
    if (!value) {
      if (!optional) errs.push(required(`${path}.scale.${field}`, ''));
      return;
    }
    if (!value.startsWith('.')) errs.push(invalidValue(`${path}.scale.${field}`, value, 'must be a simple json path starting with .'));
    else if (!prefixes.some((p) => value.startsWith(p))) errs.push(invalidValue(`${path}.scale.${field}`, value, message));
  };
  check('specReplicasPath', scale.specReplicasPath, ['.spec.'], 'should be a json path under .spec');
  check('statusReplicasPath', scale.statusReplicasPath, ['.status.'], 'should be a json path under .status');
  check('labelSelectorPath', scale.labelSelectorPath, ['.spec.', '.status.'], 'should be a json path under either .spec or .status', true);
  return errs;
}

function validateColumn(column: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!column.name) errs.push(required(`${path}.name`, ''));
  if (!column.type) errs.push(required(`${path}.type`, `must be one of ${printerColumnTypes.join(',')}`));
  else if (!printerColumnTypes.includes(column.type)) errs.push(unsupported(`${path}.type`, column.type, printerColumnTypes));
  if (column.format && !printerColumnFormats.includes(column.format)) errs.push(unsupported(`${path}.format`, column.format, printerColumnFormats));
  if (!column.jsonPath) errs.push(required(`${path}.jsonPath`, ''));
  return errs;
}

function validateConversion(conversion: any, preserveUnknownFields: boolean | undefined): FieldError[] {
  if (!conversion) return [];
  const path = 'spec.conversion';
  const errs: FieldError[] = [];
  const strategies = ['None', 'Webhook'];
  // In v1 an absent preserveUnknownFields is false.
  if (conversion.strategy !== 'None' && preserveUnknownFields === true) {
    errs.push(invalidValue(`${path}.strategy`, conversion.strategy ?? '', 'must be None if spec.preserveUnknownFields is true'));
  }
  if (!conversion.strategy) errs.push(required(`${path}.strategy`, ''));
  else if (!strategies.includes(conversion.strategy)) errs.push(unsupported(`${path}.strategy`, conversion.strategy, strategies));
  const clientConfig = conversion.webhook?.clientConfig;
  const reviewVersions: string[] = conversion.webhook?.conversionReviewVersions ?? [];
  if (conversion.strategy === 'Webhook') {
    if (!clientConfig) errs.push(required(`${path}.webhookClientConfig`, 'required when strategy is set to Webhook'));
    else if ((clientConfig.url == null) === (clientConfig.service == null)) errs.push(required(`${path}.webhookClientConfig`, 'exactly one of url or service is required'));
    errs.push(...validateReviewVersions(reviewVersions, `${path}.conversionReviewVersions`));
  } else {
    if (clientConfig) errs.push(forbidden(`${path}.webhookClientConfig`, 'should not be set when strategy is not set to Webhook'));
    if (reviewVersions.length > 0) errs.push(forbidden(`${path}.conversionReviewVersions`, 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

function validateReviewVersions(versions: string[], path: string): FieldError[] {
  if (versions.length === 0) return [required(path, '')];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalidValue(`${path}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const message of dns1035LabelErrors(v)) errs.push(invalidValue(`${path}[${i}]`, v, message));
  });
  if (!versions.some((v) => conversionReviewVersions.includes(v))) errs.push(invalidGo(path, goValue(versions), `must include at least one of ${conversionReviewVersions.join(', ')}`));
  return errs;
}

function validateStoredVersions(stored: string[], versions: any[]): FieldError[] {
  const path = 'status.storedVersions';
  if (stored.length === 0) return [invalidGo(path, '[]string(nil)', 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of versions) {
    if (v.storage && !remaining.has(v.name)) errs.push(invalidGo(path, goValue(stored), `must have the storage version ${v.name}`));
    remaining.delete(v.name);
  }
  for (const [v, i] of remaining) {
    errs.push(invalidValue(`${path}[${i}]`, v, `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`));
  }
  return errs;
}

// Groups of the Kubernetes project need an approval annotation: a URL, or a reason starting
// with "unapproved". An unchanged approval state is never re-checked on update.
function validateApproval(crd: any, old: any): FieldError[] {
  const group: string = crd.spec?.group ?? '';
  const isProtected = ['k8s.io', 'kubernetes.io'].some((g) => group === g || group.endsWith(`.${g}`));
  if (!isProtected) return [];
  const state = approvalState(crd.metadata?.annotations?.[approvalAnnotation]);
  if (old && approvalState(old.metadata?.annotations?.[approvalAnnotation]) === state) return [];
  const path = `metadata.annotations[${approvalAnnotation}]`;
  const pr = 'see https://github.com/kubernetes/enhancements/pull/1111';
  if (state === 'missing') return [required(path, `protected groups must have approval annotation "${approvalAnnotation}", ${pr}`)];
  if (state === 'invalid') {
    const value = crd.metadata.annotations[approvalAnnotation];
    return [invalidValue(path, value, `protected groups must have approval annotation "${approvalAnnotation}" with either a URL or a reason starting with "unapproved", ${pr}`)];
  }
  return [];
}

function approvalState(value: string | undefined): 'missing' | 'bypassed' | 'approved' | 'invalid' {
  if (value === undefined) return 'missing';
  if (value.startsWith('unapproved')) return 'bypassed';
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? 'approved' : 'invalid';
  } catch {
    return 'invalid';
  }
}

function validateSpecUpdate(spec: any, old: any): FieldError[] {
  const oldSpec = old.spec ?? {};
  const errs: FieldError[] = [];
  const established = (old.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
  if (established) {
    if (spec.scope !== oldSpec.scope) errs.push(immutable('spec.scope', spec.scope ?? ''));
    if (spec.names?.kind !== oldSpec.names?.kind) errs.push(immutable('spec.names.kind', spec.names?.kind ?? ''));
  }
  if (spec.group !== oldSpec.group) errs.push(immutable('spec.group', spec.group ?? ''));
  if (spec.names?.plural !== oldSpec.names?.plural) errs.push(immutable('spec.names.plural', spec.names?.plural ?? ''));
  return errs;
}
