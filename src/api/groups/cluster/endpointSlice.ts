// discovery.k8s.io/v1 EndpointSlice: printer columns, port defaults and ValidateEndpointSlice.
// Unlike upstream, loopback and link-local addresses are allowed: skiff's process runtime
// gives pods loopback IPs when it runs without root.

import { isIPv4, isIPv6 } from 'node:net';
import type { FieldError } from '../../../apiserver/errors.ts';
import {
  dns1123Label,
  dns1123LabelErrors,
  dns1123Subdomain,
  dns1123SubdomainErrors,
  duplicate,
  invalidValue,
  qualifiedName,
  required,
  tooMany,
  unsupported,
  validateLabels,
} from '../../validation.ts';
import { ageColumn } from '../core/format.ts';
import type { KindDeclaration } from '../../kind.ts';

/** Names the Service an EndpointSlice belongs to. */
export const serviceNameLabel = 'kubernetes.io/service-name';
/** Names what manages an EndpointSlice (the EndpointSlice controller leaves others' alone). */
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';

export const endpointSlice: KindDeclaration = {
  group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', singular: 'endpointslice', namespaced: true,
  columns: [
    { name: 'AddressType', type: 'string', description: 'The kind of addresses: IPv4, IPv6 or FQDN.', cell: (s) => s.addressType ?? '' },
    { name: 'Ports', type: 'string', description: 'The ports of the endpoints.', cell: (s) => formatPorts(s.ports ?? []) },
    { name: 'Endpoints', type: 'string', description: 'The addresses of the endpoints.', cell: (s) => formatEndpoints(s.endpoints ?? []) },
    ageColumn,
  ],
  defaults: (s) => {
    for (const port of s.ports ?? []) {
      port.name ??= '';
      port.protocol ??= 'TCP';
    }
  },
  validate: validateEndpointSlice,
};

const max = 3;

/** Up to three entries, then "+ N more...", "<unset>" for none (listWithMoreString). */
function listWithMore(items: string[]): string {
  if (items.length === 0) return '<unset>';
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

function formatPorts(ports: any[]): string {
  return listWithMore(ports.map((p) => (p.port != null ? String(p.port) : p.name != null ? p.name : '*')));
}

function formatEndpoints(endpoints: any[]): string {
  return listWithMore(endpoints.flatMap((e) => e.addresses ?? []));
}

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 20000;
const maxTopologyLabels = 16;
const maxZoneHints = 8;

export function validateEndpointSlice(s: any, old?: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.addressType) errs.push(required('addressType', ''));
  else if (!addressTypes.includes(s.addressType)) errs.push(unsupported('addressType', s.addressType, addressTypes));
  errs.push(...validateEndpoints(s.endpoints ?? [], s.addressType));
  errs.push(...validatePorts(s.ports ?? []));
  if (old && s.addressType !== old.addressType) errs.push(invalidValue('addressType', s.addressType ?? '', 'field is immutable'));
  return errs;
}

function validateEndpoints(endpoints: any[], addressType: string): FieldError[] {
  if (endpoints.length > maxEndpoints) return [tooMany('endpoints', endpoints.length, maxEndpoints)];
  const errs: FieldError[] = [];
  endpoints.forEach((endpoint, i) => {
    const at = `endpoints[${i}]`;
    const addresses: string[] = endpoint.addresses ?? [];
    if (addresses.length === 0) errs.push(required(`${at}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) errs.push(tooMany(`${at}.addresses`, addresses.length, maxAddresses));
    addresses.forEach((address, j) => errs.push(...validateAddress(address, addressType, `${at}.addresses[${j}]`)));
    if (endpoint.nodeName != null) errs.push(...dns1123Subdomain(endpoint.nodeName, `${at}.nodeName`));
    const topology = endpoint.deprecatedTopology ?? {};
    if (Object.keys(topology).length > maxTopologyLabels) errs.push(tooMany(`${at}.deprecatedTopology`, Object.keys(topology).length, maxTopologyLabels));
    errs.push(...validateLabels(topology, `${at}.deprecatedTopology`));
    if (endpoint.zone != null) errs.push(...qualifiedName(endpoint.zone, `${at}.zone`));
    if (endpoint.hostname != null) errs.push(...dns1123Label(endpoint.hostname, `${at}.hostname`));
    const zones: any[] = endpoint.hints?.forZones ?? [];
    if (zones.length > maxZoneHints) errs.push(tooMany(`${at}.hints.forZones`, zones.length, maxZoneHints));
    const seen = new Set<string>();
    zones.forEach((zone, j) => {
      const zonePath = `${at}.hints.forZones[${j}].name`;
      if (seen.has(zone.name)) errs.push(duplicate(zonePath, zone.name));
      else errs.push(...qualifiedName(zone.name ?? '', zonePath));
      seen.add(zone.name);
    });
  });
  return errs;
}

// Unknown address types fall through unchecked, as upstream.
function validateAddress(address: string, addressType: string, path: string): FieldError[] {
  switch (addressType) {
    case 'IPv4':
      return isIPv4(address) ? [] : [invalidValue(path, address, 'must be a valid IPv4 address')];
    case 'IPv6':
      return isIPv6(address) ? [] : [invalidValue(path, address, 'must be a valid IPv6 address')];
    case 'FQDN':
      return validateFullyQualifiedDomainName(address, path);
    default:
      return [];
  }
}

function validateFullyQualifiedDomainName(value: string, path: string): FieldError[] {
  if (!value) return [required(path, '')];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const subdomainErrors = dns1123SubdomainErrors(name);
  if (subdomainErrors.length > 0) return [invalidValue(path, name, subdomainErrors.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalidValue(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const labelErrors = dns1123LabelErrors(label);
    if (labelErrors.length > 0) return [invalidValue(path, label, labelErrors.join(','))];
  }
  return [];
}

function validatePorts(ports: any[]): FieldError[] {
  if (ports.length > maxPorts) return [tooMany('ports', ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = `ports[${i}]`;
    const name: string = port.name ?? '';
    if (name) errs.push(...dns1123Label(name, `${at}.name`));
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    names.add(name);
    if (!port.protocol) errs.push(required(`${at}.protocol`, ''));
    else if (!protocols.includes(port.protocol)) errs.push(unsupported(`${at}.protocol`, port.protocol, protocols));
    if (port.appProtocol != null) errs.push(...qualifiedName(port.appProtocol, `${at}.appProtocol`));
  });
  return errs;
}
