// Endpoints: the addresses behind a Service (kept by the endpoints controller).

import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import { dns1123Label, dns1123Subdomain, invalidEach, qualifiedNameErrors, required, validateIP, validateNonSpecialIP, validatePortNumber, validateProtocol } from '../../validation.ts';
import { ageColumn, listWithMore } from './format.ts';

export const endpoints: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  columns: [
    { name: 'Endpoints', type: 'string', description: 'The addresses (ip:port) behind the service, at most three shown.', cell: (ep) => formatEndpoints(ep.subsets) },
    ageColumn,
  ],
  defaults: (ep) => {
    for (const subset of ep.subsets ?? []) for (const port of subset.ports ?? []) port.protocol ||= 'TCP';
  },
  validate: (ep) => validateSubsets(ep.subsets ?? []),
};

/** `10.0.0.1:80,10.0.0.2:80 + 3 more...`; `<none>` without subsets. */
export function formatEndpoints(subsets: any[] | undefined): string {
  if (!subsets?.length) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses: any[] = subset.addresses ?? [];
    const ports: any[] = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) list.push(port ? joinHostPort(a.ip, port.port) : a.ip);
    }
  }
  return listWithMore(list, count, 3);
}

const joinHostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

function validateSubsets(subsets: any[]): FieldError[] {
  const errs: FieldError[] = [];
  subsets.forEach((ss, i) => {
    const at = `subsets[${i}]`;
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length) errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    for (const list of ['addresses', 'notReadyAddresses']) {
      (ss[list] ?? []).forEach((a: any, j: number) => errs.push(...validateAddress(a, `${at}.${list}[${j}]`)));
    }
    const ports: any[] = ss.ports ?? [];
    ports.forEach((p, j) => {
      const pp = `${at}.ports[${j}]`;
      if (ports.length > 1 && !p.name) errs.push(required(`${pp}.name`, ''));
      else if (p.name) errs.push(...dns1123Label(p.name, `${pp}.name`));
      errs.push(...validatePortNumber(p.port ?? 0, `${pp}.port`), ...validateProtocol(p.protocol, `${pp}.protocol`));
      if (p.appProtocol !== undefined) errs.push(...invalidEach(`${pp}.appProtocol`, p.appProtocol, qualifiedNameErrors(p.appProtocol)));
    });
  });
  return errs;
}

function validateAddress(a: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (a.hostname) errs.push(...dns1123Label(a.hostname, `${path}.hostname`));
  if (a.nodeName !== undefined) errs.push(...dns1123Subdomain(a.nodeName, `${path}.nodeName`));
  errs.push(...validateIP(a.ip ?? '', `${path}.ip`), ...validateNonSpecialIP(a.ip ?? '', `${path}.ip`));
  return errs;
}
