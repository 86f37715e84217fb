// networking.k8s.io/v1 NetworkPolicy: the POD-SELECTOR column, SetDefaults_NetworkPolicy(Port)
// and ValidateNetworkPolicy.

import type { FieldError } from '../../../apiserver/errors.ts';
import { forbidden, goQuote, invalidEach, invalidValue, portNameErrors, required, unsupported, validateLabelSelector } from '../../validation.ts';
import { ageColumn, formatLabelSelector } from '../core/format.ts';
import { invalidGo } from '../goValues.ts';
import type { KindDeclaration } from '../../kind.ts';
import { isStrictSubset, parseCidr } from './cidr.ts';

export const networkPolicy: KindDeclaration = {
  group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', singular: 'networkpolicy', namespaced: true,
  shortNames: ['netpol'], generation: true,
  columns: [{ name: 'Pod-Selector', type: 'string', description: 'The pods the policy applies to.', cell: (np) => formatLabelSelector(np.spec?.podSelector ?? {}) }, ageColumn],
  defaults: defaultNetworkPolicy,
  validate: (np) => validateNetworkPolicySpec(np.spec ?? {}),
};

export function defaultNetworkPolicy(np: any): void {
  const spec = (np.spec ??= {});
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const port of rule.ports ?? []) port.protocol ??= 'TCP';
  // A policy without policyTypes is about ingress, and about egress if it has egress rules.
  if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
}

const policyTypes = ['Ingress', 'Egress'];
const protocols = ['TCP', 'UDP', 'SCTP'];

export function validateNetworkPolicySpec(spec: any): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector');
  for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    (spec[direction] ?? []).forEach((rule: any, i: number) => {
      const at = `spec.${direction}[${i}]`;
      (rule.ports ?? []).forEach((port: any, j: number) => errs.push(...validatePort(port, `${at}.ports[${j}]`)));
      (rule[peers] ?? []).forEach((peer: any, j: number) => errs.push(...validatePeer(peer, `${at}.${peers}[${j}]`)));
    });
  }
  const types: string[] = spec.policyTypes ?? [];
  if (types.length > policyTypes.length) {
    errs.push(invalidGo('spec.policyTypes', `[]networking.PolicyType{${types.map(goQuote).join(', ')}}`, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((type, i) => {
    if (!policyTypes.includes(type)) errs.push(unsupported(`spec.policyTypes[${i}]`, type, policyTypes));
  });
  return errs;
}

function validatePort(port: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol != null && !protocols.includes(port.protocol)) errs.push(unsupported(`${path}.protocol`, port.protocol, protocols));
  if (port.port == null) {
    if (port.endPort != null) errs.push(invalidValue(`${path}.endPort`, port.endPort, 'may not be specified when `port` is not specified'));
  } else if (typeof port.port === 'number') {
    errs.push(...portNumberErrors(port.port, `${path}.port`));
    if (port.endPort != null) {
      if (port.endPort < port.port) errs.push(invalidValue(`${path}.endPort`, port.port, 'must be greater than or equal to `port`'));
      errs.push(...portNumberErrors(port.endPort, `${path}.endPort`));
    }
  } else {
    if (port.endPort != null) errs.push(invalidValue(`${path}.endPort`, port.endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...invalidEach(`${path}.port`, port.port, portNameErrors(port.port)));
  }
  return errs;
}

function portNumberErrors(port: number, path: string): FieldError[] {
  return port >= 1 && port <= 65535 ? [] : [invalidValue(path, port, 'must be between 1 and 65535, inclusive')];
}

function validatePeer(peer: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  if (peer.podSelector) {
    count++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    count++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    count++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (count === 0) errs.push(required(path, 'must specify a peer'));
  else if (count > 1 && peer.ipBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateIPBlock(block: any, path: string): FieldError[] {
  if (!block.cidr) return [required(`${path}.cidr`, '')];
  const cidr = parseCidr(block.cidr);
  if (!cidr) return [invalidValue(`${path}.cidr`, block.cidr, 'not a valid CIDR')];
  const errs: FieldError[] = [];
  for (const [i, except] of (block.except ?? []).entries()) {
    const exceptCidr = parseCidr(except);
    if (!exceptCidr) return [...errs, invalidValue(`${path}.except[${i}]`, except, 'not a valid CIDR')];
    if (!isStrictSubset(exceptCidr, cidr)) errs.push(invalidValue(`${path}.except[${i}]`, except, 'must be a strict subset of `cidr`'));
  }
  return errs;
}
