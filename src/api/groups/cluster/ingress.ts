// networking.k8s.io/v1 Ingress and IngressClass: printer columns, the IngressClass
// parameters default, ValidateIngressCreate/Update and ValidateIngressClass(Update).

import { isIP } from 'node:net';
import type { FieldError } from '../../../apiserver/errors.ts';
import {
  dns1035LabelErrors,
  dns1123Label,
  dns1123SubdomainErrors,
  forbidden,
  immutable,
  invalidEach,
  invalidValue,
  maxLenError,
  pathSegmentNameErrors,
  portNameErrors,
  regexError,
  required,
  tooLong,
  unsupported,
} from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import { validateDomainPrefixedPath } from '../domainPrefixedPath.ts';
import { invalidGo } from '../goValues.ts';
import type { KindDeclaration } from '../../kind.ts';

export const ingress: KindDeclaration = {
  group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true,
  shortNames: ['ing'], subresources: { status: true }, generation: true,
  columns: [
    { name: 'Class', type: 'string', description: 'The IngressClass that implements this ingress.', cell: (i) => i.spec?.ingressClassName ?? '<none>' },
    { name: 'Hosts', type: 'string', description: 'Hosts the rules match.', cell: (i) => formatHosts(i.spec?.rules ?? []) },
    { name: 'Address', type: 'string', description: 'Where the load balancer listens.', cell: (i) => loadBalancerAddresses(i.status?.loadBalancer) },
    { name: 'Ports', type: 'string', description: 'Ports the ingress serves.', cell: (i) => (i.spec?.tls?.length ? '80, 443' : '80') },
    ageColumn,
  ],
  validate: validateIngress,
};

export const ingressClass: KindDeclaration = {
  group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', plural: 'ingressclasses', singular: 'ingressclass', namespaced: false,
  columns: [
    { name: 'Controller', type: 'string', description: 'The controller that implements this class.', cell: (c) => c.spec?.controller ?? '' },
    { name: 'Parameters', type: 'string', description: 'The resource holding further configuration.', cell: (c) => formatParameters(c.spec?.parameters) },
    ageColumn,
  ],
  defaults: (c) => {
    if (c.spec?.parameters) c.spec.parameters.scope ??= 'Cluster';
  },
  validate: validateIngressClass,
};

/** Up to three hosts, then "+ N more..." (counting rules, as upstream), "*" when none is named. */
function formatHosts(rules: any[]): string {
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    if (!more && rule.host) hosts.push(rule.host);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - max} more...` : hosts.join(',');
}

// The apiserver prints tables wide, so the address list is never shortened.
function loadBalancerAddresses(status: any): string {
  const addresses = new Set<string>();
  for (const entry of status?.ingress ?? []) {
    if (entry.ip) addresses.add(entry.ip);
    else if (entry.hostname) addresses.add(entry.hostname);
  }
  return [...addresses].sort().join(',');
}

function formatParameters(parameters: any): string {
  if (!parameters) return '<none>';
  return `${parameters.kind}${parameters.apiGroup != null ? `.${parameters.apiGroup}` : ''}/${parameters.name}`;
}

/** The class an Ingress names the older way, before spec.ingressClassName. */
export const classAnnotation = 'kubernetes.io/ingress.class';
/** Marks the IngressClass used by Ingresses that name none. */
export const isDefaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';

export function validateIngress(ing: any, old?: any): FieldError[] {
  const spec = ing.spec ?? {};
  const allowInvalidSecretName = !!old && (old.spec?.tls ?? []).some((tls: any) => tls.secretName && dns1123SubdomainErrors(tls.secretName).length > 0);
  const allowInvalidWildcardHostRule = !!old && (old.spec?.rules ?? []).some((r: any) => r.host?.includes('*') && validateHttpRule(r.http, '').length > 0);
  const errs: FieldError[] = [];
  const rules: any[] = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    errs.push(invalidGo('spec', spec.rules ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)', 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    let wildcard = false;
    if (rule.host) {
      if (isIP(rule.host)) errs.push(invalidValue(`${at}.host`, rule.host, 'must be a DNS name, not an IP address'));
      wildcard = rule.host.includes('*');
      errs.push(...invalidEach(`${at}.host`, rule.host, wildcard ? wildcardSubdomainErrors(rule.host) : dns1123SubdomainErrors(rule.host)));
    }
    if (!wildcard || !allowInvalidWildcardHostRule) errs.push(...validateHttpRule(rule.http, `${at}.http`));
  });
  (spec.tls ?? []).forEach((tls: any, i: number) => {
    const at = `spec.tls[${i}]`;
    (tls.hosts ?? []).forEach((host: string, j: number) => {
      errs.push(...invalidEach(`${at}.hosts[${j}]`, host, host.includes('*') ? wildcardSubdomainErrors(host) : dns1123SubdomainErrors(host)));
    });
    if (!allowInvalidSecretName && tls.secretName) errs.push(...invalidEach(`${at}.secretName`, tls.secretName, dns1123SubdomainErrors(tls.secretName)));
  });
  if (spec.ingressClassName != null) errs.push(...invalidEach('spec.ingressClassName', spec.ingressClassName, dns1123SubdomainErrors(spec.ingressClassName)));
  const annotation = ing.metadata?.annotations?.[classAnnotation];
  if (!old && annotation !== undefined && spec.ingressClassName != null && annotation !== spec.ingressClassName) {
    errs.push(invalidValue(`annotations.${classAnnotation}`, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

const wildcardFmt = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const wildcardRe = new RegExp(`^${wildcardFmt}$`);

function wildcardSubdomainErrors(host: string): string[] {
  const errs: string[] = [];
  if (host.length > 253) errs.push(maxLenError(253));
  if (!wildcardRe.test(host)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", wildcardFmt, '*.example.com'));
  }
  return errs;
}

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

function validateHttpRule(http: any, path: string): FieldError[] {
  if (!http) return [];
  const paths: any[] = http.paths ?? [];
  const errs: FieldError[] = paths.length === 0 ? [required(`${path}.paths`, '')] : [];
  paths.forEach((p, i) => errs.push(...validateHttpPath(p, `${path}.paths[${i}]`)));
  return errs;
}

function validateHttpPath(p: any, path: string): FieldError[] {
  if (!p.pathType) return [required(`${path}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const value: string = p.path ?? '';
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalidValue(`${path}.path`, value, 'must be an absolute path'));
    for (const sequence of invalidPathSequences) if (value.includes(sequence)) errs.push(invalidValue(`${path}.path`, value, `must not contain '${sequence}'`));
    for (const suffix of invalidPathSuffixes) if (value.endsWith(suffix)) errs.push(invalidValue(`${path}.path`, value, `cannot end with '${suffix}'`));
  } else if (p.pathType === 'ImplementationSpecific') {
    if (value && !value.startsWith('/')) errs.push(invalidValue(`${path}.path`, value, 'must be an absolute path'));
  } else {
    errs.push(unsupported(`${path}.pathType`, p.pathType, pathTypes));
  }
  errs.push(...validateBackend(p.backend ?? {}, `${path}.backend`));
  return errs;
}

/** Exactly one of service (a name and a port name or number) and resource. */
function validateBackend(backend: any, path: string): FieldError[] {
  if (backend.resource && backend.service) return [invalidValue(path, '', 'cannot set both resource and service backends')];
  if (backend.resource) return validateTypedReference(backend.resource, `${path}.resource`);
  if (!backend.service) return [invalidValue(path, '', 'resource or service backend is required')];
  const service = backend.service;
  const errs: FieldError[] = [];
  if (!service.name) errs.push(required(`${path}.service.name`, ''));
  else errs.push(...invalidEach(`${path}.service.name`, service.name, dns1035LabelErrors(service.name)));
  const portName = service.port?.name;
  const portNumber = service.port?.number;
  if (portName && portNumber) errs.push(invalidValue(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...invalidEach(`${path}.service.port.name`, portName, portNameErrors(portName)));
  else if (portNumber) {
    if (portNumber < 1 || portNumber > 65535) errs.push(invalidValue(`${path}.service.port.number`, portNumber, 'must be between 1 and 65535, inclusive'));
  } else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validateTypedReference(ref: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup != null) errs.push(...invalidEach(`${path}.apiGroup`, ref.apiGroup, dns1123SubdomainErrors(ref.apiGroup)));
  for (const field of ['kind', 'name']) {
    if (!ref[field]) errs.push(required(`${path}.${field}`, `${field} is required`));
    else errs.push(...invalidEach(`${path}.${field}`, ref[field], pathSegmentNameErrors(ref[field])));
  }
  return errs;
}

const maxControllerLength = 250;

export function validateIngressClass(c: any, old?: any): FieldError[] {
  const spec = c.spec ?? {};
  const errs: FieldError[] = [];
  if (old && spec.controller !== old.spec?.controller) errs.push(immutable('spec.controller', spec.controller ?? ''));
  if ((spec.controller ?? '').length > maxControllerLength) errs.push(tooLong('spec.controller', maxControllerLength));
  errs.push(...validateDomainPrefixedPath(spec.controller, 'spec.controller'));
  const parameters = spec.parameters;
  if (parameters) {
    const path = 'spec.parameters';
    errs.push(...validateTypedReference(parameters, path));
    const scopes = ['Cluster', 'Namespace'];
    if (parameters.scope == null) errs.push(required(`${path}.scope`, ''));
    else if (!scopes.includes(parameters.scope)) errs.push(unsupported(`${path}.scope`, parameters.scope, scopes));
    else if (parameters.scope === 'Namespace') {
      if (parameters.namespace == null) errs.push(required(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
      else errs.push(...dns1123Label(parameters.namespace, `${path}.namespace`));
    } else if (parameters.namespace != null) {
      errs.push(forbidden(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
    }
  }
  return errs;
}
