// Service: a stable virtual IP (or DNS name) in front of a set of pods. Declared here: the
// table (TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S)), defaults (SetDefaults_Service plus the IP
// family fields the registry fills in) and ValidateService / ValidateServiceUpdate. Allocating
// cluster IPs and node ports is the apiserver's (src/apiserver/serviceAllocation); on update
// `prepareServiceUpdate` carries them across updates that leave them out and drops what a
// type change no longer uses, as upstream's registry does.

import { isIP } from 'node:net';
import type { FieldError } from '../../../apiserver/errors.ts';
import type { KindDeclaration } from '../../kind.ts';
import {
  dns1035Label, dns1123Label, dns1123Subdomain, duplicate, forbidden, invalidEach, invalidValue, qualifiedNameErrors, required, unsupported, validateCIDR, validateIP,
  validateLabels, validateNonSpecialIP, validatePortNumber, validateProtocol,
} from '../../validation.ts';
import { ageColumn, formatLabels } from './format.ts';
import { validateEnum, validatePortNumOrName } from './containers.ts';

/** Marks the Endpoints and EndpointSlices of a headless Service (kube-proxy leaves them alone). */
export const headlessLabel = 'service.kubernetes.io/headless';

export const service: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  nameValidator: dns1035Label,
  shortNames: ['svc'],
  categories: ['all'],
  subresources: { status: true },
  columns: [
    { name: 'Type', type: 'string', description: 'How the service is exposed.', cell: (s) => s.spec?.type ?? '' },
    { name: 'Cluster-IP', type: 'string', description: 'The virtual IP of the service.', cell: (s) => s.spec?.clusterIPs?.[0] ?? '<none>' },
    { name: 'External-IP', type: 'string', description: 'External IPs or load balancer ingress points.', cell: externalIP },
    { name: 'Port(s)', type: 'string', description: 'The ports the service exposes.', cell: (s) => portsString(s.spec?.ports) || '<none>' },
    ageColumn,
    { name: 'Selector', type: 'string', priority: 1, description: 'Labels of the pods behind the service.', cell: (s) => formatLabels(s.spec?.selector) },
  ],
  fieldSelectors: {
    'spec.clusterIP': (s) => s.spec?.clusterIP ?? '',
    'spec.type': (s) => s.spec?.type ?? '',
  },
  defaults: defaultService,
  prepareForUpdate: prepareServiceUpdate,
  validate: (s, old) => [...(old ? validateServiceUpdate(s, old) : []), ...validateService(s)],
};

// ---- Columns ----

/** `80/TCP,443:30001/TCP`: port, node port when allocated, protocol. */
export function portsString(ports: any[] | undefined): string {
  return (ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
}

const loadBalancerWidth = 16;

function externalIP(s: any): string {
  const externalIPs: string[] = s.spec?.externalIPs ?? [];
  switch (s.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = [...new Set<string>((s.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).filter(Boolean))].sort();
      let lb = ingress.join(',');
      // Without -o wide upstream clips long lists; the cell cannot tell, so it always clips.
      if (lb.length > loadBalancerWidth) lb = `${lb.slice(0, loadBalancerWidth - 3)}...`;
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return s.spec.externalName ?? '';
  }
  return '<unknown>';
}

// ---- Defaults ----

const externallyAccessible = (spec: any) => spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && spec.externalIPs?.length > 0);
const isHeadless = (spec: any) => spec.clusterIPs?.length === 1 && spec.clusterIPs[0] === 'None';

export function defaultService(s: any): void {
  const spec = (s.spec ??= {});
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  spec.type ||= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ||= 'Cluster';
  if (['ClusterIP', 'NodePort', 'LoadBalancer'].includes(spec.type)) spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.type !== 'ExternalName') defaultIPFamilies(spec);
  s.status ??= {};
  s.status.loadBalancer ??= {};
}

// clusterIP and clusterIPs[0] are one value; families follow the address (single-stack
// IPv4 unless the IP says otherwise). Headless services without selectors take every family
// (their endpoints may be of either), as upstream's registry gives them.
function defaultIPFamilies(spec: any): void {
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  const selectorless = !spec.selector || Object.keys(spec.selector).length === 0;
  const anyFamily = isHeadless(spec) && selectorless;
  spec.ipFamilyPolicy ??= anyFamily ? 'RequireDualStack' : 'SingleStack';
  if (!spec.ipFamilies?.length) spec.ipFamilies = [isIP(spec.clusterIP ?? '') === 6 ? 'IPv6' : 'IPv4'];
  if (anyFamily && spec.ipFamilyPolicy !== 'SingleStack' && spec.ipFamilies.length === 1) spec.ipFamilies.push(spec.ipFamilies[0] === 'IPv4' ? 'IPv6' : 'IPv4');
}

/**
 * Upstream's update preparation: carry the allocated values a client left out, keep
 * clusterIP and clusterIPs in step, and drop what the new type no longer uses. Runs on update
 * (prepareForUpdate), after defaulting and before validation; the allocator then releases
 * what was dropped once the update is stored.
 */
export function prepareServiceUpdate(next: any, current: any): void {
  keepAllocatedFields(next, current);
  normalizeClusterIPs(next, current);
  dropTypeDependentFields(next, current);
}

const needsClusterIP = (spec: any) => spec.type !== 'ExternalName';
const needsNodePorts = (spec: any) => spec.type === 'NodePort' || spec.type === 'LoadBalancer';
const needsHealthCheckNodePort = (spec: any) => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
const sameList = (a: unknown[] | undefined, b: unknown[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/**
 * Upstream's patchAllocatedValues: an update that omits the allocated cluster IPs, node ports
 * (matched by port name) or health check port keeps the current ones, so re-applying the
 * manifest a Service was created from works.
 */
export function keepAllocatedFields(next: any, current: any): void {
  const spec = (next.spec ??= {});
  const was = current.spec ?? {};
  if (needsClusterIP(was) && needsClusterIP(spec)) {
    if (!spec.clusterIP && was.clusterIP) spec.clusterIP = was.clusterIP;
    if (!spec.clusterIPs?.length && was.clusterIPs?.length) spec.clusterIPs = [...was.clusterIPs];
  }
  if (needsNodePorts(was) && needsNodePorts(spec)) {
    const byName = new Map<string, number>((was.ports ?? []).map((p: any) => [p.name ?? '', p.nodePort]));
    for (const p of spec.ports ?? []) {
      if (!p.nodePort && byName.get(p.name ?? '')) p.nodePort = byName.get(p.name ?? '');
    }
  }
  if (needsHealthCheckNodePort(was) && needsHealthCheckNodePort(spec) && !spec.healthCheckNodePort && was.healthCheckNodePort) {
    spec.healthCheckNodePort = was.healthCheckNodePort;
  }
}

// Upstream's normalizeClusterIPs on update: clusterIP and clusterIPs[0] are one value, so a
// client that changed or cleared only the singular field changes the plural one too.
function normalizeClusterIPs(next: any, current: any): void {
  const spec = next.spec;
  const was = current.spec ?? {};
  if (was.clusterIPs?.length && !spec.clusterIPs?.length && (was.clusterIP ?? '') === (spec.clusterIP ?? '')) spec.clusterIPs = [...was.clusterIPs];
  if ((was.clusterIP ?? '') === (spec.clusterIP ?? '') || !sameList(was.clusterIPs, spec.clusterIPs)) return;
  if (was.clusterIP && !spec.clusterIP) delete spec.clusterIPs;
  else spec.clusterIPs = [spec.clusterIP];
}

// Upstream's dropTypeDependentFields: switching to a type that does not use a field the
// server filled in (and the client left as it was) drops it; allocated values go back to
// their pools once the update is stored.
function dropTypeDependentFields(next: any, current: any): void {
  const spec = next.spec;
  const was = current.spec ?? {};
  if (needsClusterIP(was) && !needsClusterIP(spec)) {
    if (was.clusterIP === spec.clusterIP && sameList(was.clusterIPs, spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (sameList(was.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if (was.ipFamilyPolicy === spec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (sp: any) => (sp.ports ?? []).map((p: any) => p.nodePort).filter(Boolean);
  if (needsNodePorts(was) && !needsNodePorts(spec) && nodePorts(spec).every((port: number) => nodePorts(was).includes(port))) {
    for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(was) && !needsHealthCheckNodePort(spec) && was.healthCheckNodePort === spec.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (was.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === was.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === was.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(was) && !externallyAccessible(spec) && was.externalTrafficPolicy === spec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (spec.type !== 'LoadBalancer' && next.status) next.status.loadBalancer = {};
}

// ---- Validation ----

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validateService(s: any): FieldError[] {
  const spec = s.spec ?? {};
  const errs: FieldError[] = [];
  const headless = isHeadless(spec);
  if (!spec.ports?.length && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports', ''));
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort') && headless) {
    errs.push(invalidValue('spec.clusterIPs[0]', spec.clusterIPs[0], `may not be set to 'None' for ${spec.type} services`));
  }
  if (spec.type === 'ExternalName') {
    if (spec.clusterIPs?.length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (spec.ipFamilies?.length) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = String(spec.externalName ?? '').replace(/\.$/, '');
    if (cname) errs.push(...dns1123Subdomain(cname, 'spec.externalName'));
    else errs.push(required('spec.externalName', ''));
  }
  const names = new Set<string>();
  const ports: any[] = spec.ports ?? [];
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateSessionAffinity(spec));
  if (spec.type !== 'ExternalName') errs.push(...validateClusterIPs(spec));
  (spec.externalIPs ?? []).forEach((ip: string, i: number) => {
    const ipErrs = validateIP(ip, `spec.externalIPs[${i}]`);
    errs.push(...(ipErrs.length ? ipErrs : validateNonSpecialIP(ip, `spec.externalIPs[${i}]`)));
  });
  if (!spec.type) errs.push(required('spec.type', ''));
  else if (!serviceTypes.includes(spec.type)) errs.push(unsupported('spec.type', spec.type, serviceTypes));
  if (spec.type === 'ClusterIP') ports.forEach((p, i) => p.nodePort && errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'")));
  errs.push(...validateNodePorts(spec));
  errs.push(...validateLoadBalancerFields(s));
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

function validateServicePort(p: any, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(required(`${path}.name`, ''));
  else if (p.name) {
    errs.push(...dns1123Label(p.name, `${path}.name`));
    if (names.has(p.name)) errs.push(duplicate(`${path}.name`, p.name));
    else names.add(p.name);
  }
  errs.push(...validatePortNumber(p.port ?? 0, `${path}.port`), ...validateProtocol(p.protocol, `${path}.protocol`));
  errs.push(...validatePortNumOrName(p.targetPort, `${path}.targetPort`));
  if (p.appProtocol !== undefined) errs.push(...invalidEach(`${path}.appProtocol`, p.appProtocol, qualifiedNameErrors(p.appProtocol)));
  return errs;
}

function validateSessionAffinity(spec: any): FieldError[] {
  const affinity = spec.sessionAffinity;
  const errs = validateEnum(affinity, ['ClientIP', 'None'], 'spec.sessionAffinity');
  const config = spec.sessionAffinityConfig;
  if (affinity === 'ClientIP') {
    const detail = 'when session affinity type is ClientIP';
    if (!config) errs.push(required('spec.sessionAffinityConfig', detail));
    else if (!config.clientIP) errs.push(required('spec.sessionAffinityConfig.clientIP', detail));
    else if (config.clientIP.timeoutSeconds === undefined) errs.push(required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', detail));
    else if (!(config.clientIP.timeoutSeconds > 0 && config.clientIP.timeoutSeconds <= 86400)) {
      errs.push(invalidValue('spec.sessionAffinityConfig.clientIP.timeoutSeconds', config.clientIP.timeoutSeconds, 'must be greater than 0 and less than 86400'));
    }
  } else if (affinity === 'None' && config) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  return errs;
}

const ipFamilies = ['IPv4', 'IPv6'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

function validateClusterIPs(spec: any): FieldError[] {
  const errs: FieldError[] = [];
  const ips: string[] = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required('spec.clusterIPs', ''));
    else if (ips[0] !== spec.clusterIP) errs.push(invalidValue('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length) {
    errs.push(invalidValue('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f: string, i: number) => {
    if (!ipFamilies.includes(f)) errs.push(unsupported(`spec.ipFamilies[${i}]`, f, ipFamilies));
    if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && !ipFamilyPolicies.includes(spec.ipFamilyPolicy)) {
    errs.push(unsupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ipFamilyPolicies));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalidValue('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = validateIP(ip, `spec.clusterIPs[${i}]`);
    badIPs ||= ipErrs.length > 0;
    errs.push(...ipErrs);
  });
  if (ips.length > 2) errs.push(invalidValue('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1 && new Set(ips.map((ip) => isIP(ip))).size !== ips.length) {
    errs.push(invalidValue('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      const family = spec.ipFamilies?.[i];
      if (family === 'IPv4' && isIP(ip) === 6) errs.push(invalidValue(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (family === 'IPv6' && isIP(ip) !== 6) errs.push(invalidValue(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

// Node ports: unique per protocol. Whether they are within the node port range (and free) is
// the allocator's to say, as upstream.
function validateNodePorts(spec: any): FieldError[] {
  const errs: FieldError[] = [];
  const seenNodePorts = new Set<string>();
  const seenPorts = new Set<string>();
  (spec.ports ?? []).forEach((p: any, i: number) => {
    if (p.nodePort) {
      const key = `${p.protocol}/${p.nodePort}`;
      if (seenNodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      seenNodePorts.add(key);
    }
    const key = `${p.protocol}/${p.port}`;
    if (seenPorts.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    seenPorts.add(key);
  });
  return errs;
}

function validateLoadBalancerFields(s: any): FieldError[] {
  const spec = s.spec ?? {};
  const errs: FieldError[] = [];
  const lb = spec.type === 'LoadBalancer';
  const onlyLB = "may only be used when `type` is 'LoadBalancer'";
  const ranges: string[] = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length) {
    // Upstream's path, capitalised as it is.
    if (!lb) errs.push(forbidden('spec.LoadBalancerSourceRanges', onlyLB));
    ranges.forEach((r, i) => errs.push(...validateCIDR(r.trim(), `spec.LoadBalancerSourceRanges[${i}]`)));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && !lb) errs.push(forbidden('spec.allocateLoadBalancerNodePorts', onlyLB));
  if (lb && spec.allocateLoadBalancerNodePorts === undefined) errs.push(required('allocateLoadBalancerNodePorts', ''));
  if (spec.loadBalancerClass !== undefined) {
    if (lb) errs.push(...invalidEach('spec.loadBalancerClass', spec.loadBalancerClass, qualifiedNameErrors(spec.loadBalancerClass)));
    else errs.push(forbidden('spec.loadBalancerClass', onlyLB));
  }
  return errs;
}

function validateTrafficPolicies(spec: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!externallyAccessible(spec)) {
    if (spec.externalTrafficPolicy) errs.push(invalidValue('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else {
    errs.push(...validateEnum(spec.externalTrafficPolicy, ['Cluster', 'Local'], 'spec.externalTrafficPolicy'));
  }
  const needsHealthCheck = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  // A missing health check port is the allocator's to fill; only a wrong one is invalid here.
  if (!needsHealthCheck && spec.healthCheckNodePort) {
    errs.push(invalidValue('spec.healthCheckNodePort', spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (needsHealthCheck && spec.healthCheckNodePort) {
    errs.push(...validatePortNumber(spec.healthCheckNodePort, 'spec.healthCheckNodePort'));
  }
  if (spec.internalTrafficPolicy === undefined) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) errs.push(required('spec.internalTrafficPolicy', ''));
  } else if (!['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
    errs.push(unsupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') {
    errs.push(unsupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

// Cluster IPs and families may gain or lose a secondary entry, never change the primary.
function validateServiceUpdate(s: any, old: any): FieldError[] {
  const spec = s.spec ?? {};
  const was = old.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName' || was.type === 'ExternalName') return errs;
  const ips: string[] = spec.clusterIPs ?? [];
  const oldIPs: string[] = was.clusterIPs ?? [];
  if (!(isHeadless(spec) && isHeadless(was))) {
    if (ips.length === oldIPs.length) {
      oldIPs.forEach((ip, i) => ip !== ips[i] && errs.push(invalidValue(`spec.clusterIPs[${i}]`, ips, 'may not change once set')));
    } else if (ips.length < oldIPs.length) {
      if (ips.length === 0) errs.push(invalidValue('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
      else if (ips[0] !== oldIPs[0]) errs.push(invalidValue('spec.clusterIPs[0]', ips, 'may not change once set'));
      if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
        errs.push(invalidValue('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(invalidValue('spec.clusterIPs[0]', ips, 'may not change once set'));
    }
  }
  errs.push(...validateFamiliesUpdate(spec, was));
  if (spec.type === 'LoadBalancer' && was.type === 'LoadBalancer' && (spec.loadBalancerClass ?? null) !== (was.loadBalancerClass ?? null)) {
    errs.push(invalidValue('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  const healthChecked = (sp: any) => sp.type === 'LoadBalancer' && sp.externalTrafficPolicy === 'Local';
  if (healthChecked(spec) && healthChecked(was) && spec.healthCheckNodePort !== was.healthCheckNodePort) {
    errs.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  return errs;
}

function validateFamiliesUpdate(spec: any, was: any): FieldError[] {
  if (isHeadless(spec) || isHeadless(was)) return [];
  const errs: FieldError[] = [];
  const families: string[] = spec.ipFamilies ?? [];
  const oldFamilies: string[] = was.ipFamilies ?? [];
  const ips: string[] = spec.clusterIPs ?? [];
  if (families.length === oldFamilies.length) {
    oldFamilies.forEach((f, i) => f !== families[i] && errs.push(invalidValue('spec.ipFamilies[0]', families, 'may not change once set')));
  } else if (families.length < oldFamilies.length) {
    if (ips.length === 0) errs.push(invalidValue('spec.ipFamilies[0]', families, 'primary ipFamily can not be unset'));
    if (families.length > 0 && families[0] !== oldFamilies[0]) errs.push(invalidValue('spec.ipFamilies[0]', ips, 'may not change once set'));
    if (families.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalidValue('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFamilies.length > 0 && families[0] !== oldFamilies[0]) {
    errs.push(invalidValue('spec.ipFamilies[0]', ips, 'may not change once set'));
  }
  return errs;
}
