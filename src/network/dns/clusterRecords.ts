// The cluster's names, answered as CoreDNS's kubernetes plugin answers them in the default
// Corefile (`kubernetes cluster.local in-addr.arpa { pods insecure; fallthrough in-addr.arpa }`):
//   <svc>.<ns>.svc.<zone>                 A: the ClusterIPs; headless: the ready endpoints' IPs;
//                                         ExternalName: a CNAME (and the target's addresses)
//   <host>.<svc>.<ns>.svc.<zone>          A: the endpoint with that hostname (or dashed IP)
//   _<port>._<proto>.<svc>.<ns>.svc.<zone> SRV for named ports (targets' addresses as extras)
//   <a-b-c-d>.<ns>.pod.<zone>             A: the IP the name spells ("pods insecure")
//   <zone>                                SOA, NS; dns-version.<zone> TXT
//   d.c.b.a.in-addr.arpa                  PTR for ClusterIPs and ready endpoints
// Names in the zone that do not exist are NXDOMAIN, names that exist asked for a type they
// lack NOERROR without answers (both with the zone's SOA in authority); TTL 5 (the plugin's
// default). Anything else (other names, reverse names not ours) is undefined: forwarded.

import { isIP } from 'node:net';
import type { Answer, Question } from 'dns-packet';
import type { EndpointSlice, Service } from '../../api/objects.ts';
import { serviceNameLabel } from '../../api/groups/cluster/endpointSlice.ts';

export interface ClusterView {
  namespaceExists(name: string): boolean;
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices of a Service (labelled kubernetes.io/service-name). */
  endpointSlices(namespace: string, service: string): EndpointSlice[];
  /** Services with this ClusterIP. */
  servicesWithIP(ip: string): Service[];
  /** EndpointSlices with a ready endpoint at this address. */
  endpointSlicesWithIP(ip: string): EndpointSlice[];
  /** The zone's nameservers: `label` is the name below the zone (`kube-dns.kube-system.svc`, or `ns.dns` when there is no kube-dns Service). */
  nameservers(): { label: string; ip: string }[];
  /** The SOA serial: when services or endpoints last changed (Unix seconds). */
  serial(): number;
}

/** Resolves a name outside the zone (an ExternalName's target): its answers, or undefined when that failed. */
export type Lookup = (name: string, type: 'A' | 'AAAA') => Promise<Answer[] | undefined>;

export interface ClusterZone {
  /** cluster.local */
  domain: string;
  view: ClusterView;
  lookup: Lookup;
}

export interface ZoneReply {
  rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED';
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/** The kubernetes plugin's default TTL. */
export const recordTtl = 5;
/** The Kubernetes DNS schema version `dns-version.<zone>` reports, and that record's TTL. */
const schemaVersion = '1.1.0';
const schemaVersionTtl = 28800;
const maxCnameChain = 10;
const reverseSuffix = '.in-addr.arpa';

/** The reply for a question the cluster answers; undefined for names to forward. */
export async function answerClusterQuery(q: Question, zone: ClusterZone): Promise<ZoneReply | undefined> {
  const name = q.name.toLowerCase().replace(/\.$/, '');
  if (name.endsWith(reverseSuffix)) return answerReverse(q, name, zone);
  if (name !== zone.domain && !name.endsWith(`.${zone.domain}`)) return undefined;

  const found = (answers: Answer[], additionals: Answer[] = []): ZoneReply =>
    answers.length ? { rcode: 'NOERROR', answers, authorities: [], additionals } : denial(zone, 'NOERROR');
  const exists = () => isNameserverName(name, zone) || records(name, zone) !== 'nxdomain';
  const apex = name === zone.domain;
  switch (q.type) {
    case 'A':
    case 'AAAA': {
      const answers = await addresses(q.name, q.type, zone, []);
      return answers === 'nxdomain' ? denial(zone, 'NXDOMAIN') : found(answers);
    }
    case 'SRV': {
      const srv = serviceRecords(q.name, name, zone);
      return srv === 'nxdomain' ? denial(zone, 'NXDOMAIN') : found(srv.answers, srv.additionals);
    }
    case 'TXT': {
      if (name === `dns-version.${zone.domain}`) return found([{ type: 'TXT', name: q.name, ttl: schemaVersionTtl, data: schemaVersion }]);
      // As the plugin: a TXT question is NODATA only for a name with records of its own.
      const recs = records(name, zone);
      return recs !== 'nxdomain' && recs.length ? found([]) : denial(zone, 'NXDOMAIN');
    }
    case 'CNAME': {
      const recs = isNameserverName(name, zone) ? [] : records(name, zone);
      if (recs === 'nxdomain') return denial(zone, 'NXDOMAIN');
      const target = recs[0] && !isIP(recs[0].host) ? recs[0].host : undefined;
      return found(target ? [{ type: 'CNAME', name: q.name, ttl: recordTtl, data: target }] : []);
    }
    case 'SOA':
      return found(apex ? [soa(zone)] : []);
    case 'NS':
      if (apex) {
        const servers = zone.view.nameservers();
        const answers: Answer[] = [...new Set(servers.map((s) => s.label))].map((label) => ({ type: 'NS', name: q.name, ttl: recordTtl, data: `${label}.${zone.domain}` }));
        return found(answers, servers.map((s) => addressRecord(`${s.label}.${zone.domain}`, s.ip)));
      }
      return exists() ? found([]) : denial(zone, 'NXDOMAIN');
    case 'AXFR':
    case 'IXFR':
      return { rcode: 'REFUSED', answers: [], authorities: [], additionals: [] };
    default:
      return exists() ? found([]) : denial(zone, 'NXDOMAIN');
  }
}

/** What a name holds: an address or target (`host`) with a port, living at `domain` (an SRV's target). */
interface ZoneRecord {
  host: string;
  /** -1: none (a service or slice without ports). */
  port: number;
  domain: string;
}

interface NameRequest {
  kind: 'svc' | 'pod';
  namespace: string;
  service: string;
  endpoint: string;
  port: string;
  protocol: string;
}

/** The records at a name of the zone (empty: the name exists without any), or nxdomain. */
function records(name: string, zone: ClusterZone): ZoneRecord[] | 'nxdomain' {
  const request = parseName(name, zone.domain);
  if (request === 'invalid') return 'nxdomain';
  if (request === 'apex') return [];
  if (!zone.view.namespaceExists(request.namespace)) return 'nxdomain';
  if (!request.service) return [];
  return request.kind === 'pod' ? podRecords(request, zone) : serviceRecordsOf(request, zone);
}

/**
 * `[[_port._proto.]|[endpoint.]]service.namespace.(svc|pod).zone`, split as the plugin splits
 * it: two labels before the service are always port and protocol, more are invalid.
 */
function parseName(name: string, domain: string): NameRequest | 'apex' | 'invalid' {
  const base = name === domain ? '' : name.slice(0, -(domain.length + 1));
  if (base === '' || base === 'svc' || base === 'pod') return 'apex';
  const labels = base.split('.');
  const kind = labels.pop();
  if (kind !== 'svc' && kind !== 'pod') return 'invalid';
  const namespace = labels.pop() ?? '';
  const service = labels.pop() ?? '';
  if (labels.length > 2) return 'invalid';
  const unscore = (label: string | undefined) => (label ?? '').replace(/^_/, '');
  return {
    kind, namespace, service,
    endpoint: labels.length === 1 ? labels[0]! : '',
    port: labels.length === 2 ? unscore(labels[0]) : '',
    protocol: labels.length === 2 ? unscore(labels[1]) : '',
  };
}

/** "pods insecure": the name spells the address (1-2-3-4, or an IPv6 address with dashes for colons). */
function podRecords(r: NameRequest, zone: ClusterZone): ZoneRecord[] | 'nxdomain' {
  const dashes = r.service.split('-').length - 1;
  const ip = dashes === 3 && !r.service.includes('--') ? r.service.replaceAll('-', '.') : r.service.replaceAll('-', ':');
  if (!isIP(ip)) return 'nxdomain';
  return [{ host: ip, port: 0, domain: `${r.service}.${r.namespace}.pod.${zone.domain}` }];
}

function serviceRecordsOf(r: NameRequest, zone: ClusterZone): ZoneRecord[] | 'nxdomain' {
  const svc = zone.view.service(r.namespace, r.service);
  if (!svc) return 'nxdomain';
  const spec = svc.spec ?? {};
  const svcDomain = `${r.service}.${r.namespace}.svc.${zone.domain}`;
  const out: ZoneRecord[] = [];
  if (spec.type === 'ExternalName') {
    const target = spec.externalName?.replace(/\.$/, '') ?? '';
    if (r.endpoint || r.port || r.protocol || !target || isIP(target)) return 'nxdomain';
    out.push({ host: target, port: 0, domain: svcDomain });
  } else if (clusterIPs(svc)[0] === 'None' || r.endpoint) {
    for (const slice of zone.view.endpointSlices(r.namespace, r.service)) {
      const ports = portsOf(slice.ports);
      for (const endpoint of slice.endpoints ?? []) {
        if (endpoint.conditions?.ready === false) continue;
        for (const address of endpoint.addresses) {
          if (!isIP(address)) continue;
          const hostname = endpointHostname(endpoint.hostname, address);
          if (r.endpoint && r.endpoint !== hostname.toLowerCase()) continue;
          for (const p of ports) if (portMatches(r, p)) out.push({ host: address, port: p.port, domain: `${hostname}.${svcDomain}` });
        }
      }
    }
  } else {
    for (const p of portsOf(spec.ports)) {
      if (!portMatches(r, p)) continue;
      for (const ip of clusterIPs(svc)) if (isIP(ip)) out.push({ host: ip, port: p.port, domain: svcDomain });
    }
  }
  return out.length ? out : 'nxdomain';
}

function clusterIPs(svc: Service): string[] {
  return svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : [svc.spec?.clusterIP ?? ''];
}

interface NamedPort {
  name: string;
  port: number;
  protocol: string;
}

/** A service or slice without ports still has its addresses: one port-less entry, as the plugin. */
function portsOf(ports: { name?: string | null; port?: number | null; protocol?: string | null }[] | undefined): NamedPort[] {
  if (!ports?.length) return [{ name: '', port: -1, protocol: '' }];
  return ports.map((p) => ({ name: p.name ?? '', port: p.port ?? -1, protocol: p.protocol ?? '' }));
}

function portMatches(r: NameRequest, p: NamedPort): boolean {
  return (!r.port || r.port === p.name.toLowerCase()) && (!r.protocol || r.protocol === p.protocol.toLowerCase());
}

/** An endpoint's label: its hostname, else its address with dashes. */
function endpointHostname(hostname: string | undefined | null, address: string): string {
  if (hostname) return hostname;
  const dashed = address.replaceAll(/[.:]/g, '-');
  return dashed.endsWith('-') ? `${dashed}0` : dashed;
}

function isNameserverName(name: string, zone: ClusterZone): boolean {
  return name === `ns.dns.${zone.domain}`;
}

/** A or AAAA answers for a name, following an ExternalName's CNAME (inside the zone, or out through lookup). */
async function addresses(qname: string, type: 'A' | 'AAAA', zone: ClusterZone, chain: string[]): Promise<Answer[] | 'nxdomain'> {
  const family = type === 'A' ? 4 : 6;
  const name = qname.toLowerCase().replace(/\.$/, '');
  if (isNameserverName(name, zone)) {
    return zone.view.nameservers().filter((s) => isIP(s.ip) === family).map((s) => addressRecord(qname, s.ip));
  }
  const recs = records(name, zone);
  if (recs === 'nxdomain') return recs;
  const answers: Answer[] = [];
  const seen = new Set<string>();
  for (const rec of recs) {
    if (isIP(rec.host)) {
      if (isIP(rec.host) === family && !seen.has(rec.host)) answers.push(addressRecord(qname, rec.host));
      seen.add(rec.host);
      continue;
    }
    const target = rec.host.toLowerCase();
    if (target === name || chain.includes(target) || chain.length >= maxCnameChain) continue;
    const cname: Answer = { type: 'CNAME', name: qname, ttl: recordTtl, data: rec.host };
    if (target === zone.domain || target.endsWith(`.${zone.domain}`)) {
      const next = await addresses(rec.host, type, zone, [...chain, name]);
      if (next !== 'nxdomain' && next.length) answers.push(cname, ...next);
    } else {
      const next = await zone.lookup(rec.host, type);
      if (next) answers.push(cname, ...next);
    }
  }
  return answers;
}

/** SRV answers (weights shared as the plugin shares them) with the targets' addresses as extras. */
function serviceRecords(qname: string, name: string, zone: ClusterZone): { answers: Answer[]; additionals: Answer[] } | 'nxdomain' {
  if (isNameserverName(name, zone)) return { answers: [], additionals: [] };
  const recs = records(name, zone);
  if (recs === 'nxdomain') return recs;
  const internal = recs.filter((r) => isIP(r.host));
  const weight = Math.max(1, Math.floor(100 / internal.length));
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const seen = new Set<string>();
  for (const rec of internal) {
    if (rec.port === -1) continue;
    const srvKey = `${rec.domain} ${rec.port}`;
    if (!seen.has(srvKey)) {
      seen.add(srvKey);
      answers.push({ type: 'SRV', name: qname, ttl: recordTtl, data: { priority: 0, weight, port: rec.port, target: rec.domain } });
    }
    const addressKey = `${rec.domain} ${rec.host}`;
    if (!seen.has(addressKey)) {
      seen.add(addressKey);
      additionals.push(addressRecord(rec.domain, rec.host));
    }
  }
  return { answers, additionals };
}

/** PTR for a ClusterIP (the Service's name) or else a ready endpoint's address; undefined (forwarded) for any other reverse question. */
function answerReverse(q: Question, name: string, zone: ClusterZone): ZoneReply | undefined {
  if (q.type !== 'PTR') return undefined;
  const ip = name.slice(0, -reverseSuffix.length).split('.').reverse().join('.');
  if (isIP(ip) !== 4) return undefined;
  const service = zone.view.servicesWithIP(ip)[0];
  const targets = service
    ? [`${service.metadata!.name}.${service.metadata!.namespace}.svc.${zone.domain}`]
    : zone.view.endpointSlicesWithIP(ip).flatMap((slice) => {
        const svcDomain = `${slice.metadata?.labels?.[serviceNameLabel]}.${slice.metadata?.namespace}.svc.${zone.domain}`;
        return (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false && e.addresses.includes(ip)).map((e) => `${endpointHostname(e.hostname, ip)}.${svcDomain}`);
      });
  if (!targets.length) return undefined;
  const answers: Answer[] = [...new Set(targets)].map((data) => ({ type: 'PTR', name: q.name, ttl: recordTtl, data }));
  return { rcode: 'NOERROR', answers, authorities: [], additionals: [] };
}

function addressRecord(name: string, ip: string): Answer {
  return { type: isIP(ip) === 6 ? 'AAAA' : 'A', name, ttl: recordTtl, data: ip };
}

function soa(zone: ClusterZone): Answer {
  return {
    type: 'SOA', name: zone.domain, ttl: recordTtl,
    data: { mname: `ns.dns.${zone.domain}`, rname: `hostmaster.${zone.domain}`, serial: zone.view.serial(), refresh: 7200, retry: 1800, expire: 86400, minimum: recordTtl },
  };
}

function denial(zone: ClusterZone, rcode: 'NOERROR' | 'NXDOMAIN'): ZoneReply {
  return { rcode, answers: [], authorities: [soa(zone)], additionals: [] };
}
