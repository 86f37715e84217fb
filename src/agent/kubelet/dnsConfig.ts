// A pod's /etc/resolv.conf and /etc/hosts, as the kubelet (and containerd) make them: written
// as `<rootDir>/pods/<uid>/resolv.conf` and `.../etc-hosts` and bind-mounted over those paths
// in every container that does not mount something there itself.
// - resolv.conf by dnsPolicy: ClusterFirst (the default): the cluster DNS as the only
//   nameserver, searches `<ns>.svc.<domain> svc.<domain> <domain>` then the host's, `ndots:5`;
//   host-network pods get the host's unless the policy is ClusterFirstWithHostNet; Default: the
//   host's; None: only the pod's dnsConfig. dnsConfig's nameservers and searches are appended,
//   its options override by name. At most 3 nameservers and 32 searches (2048 characters).
// - /etc/hosts: localhost lines, each pod IP with the hostname (the FQDN first with a
//   subdomain), then hostAliases; a host-network pod gets the host's file and its hostAliases.
// Without root none of this: pods share the host's network (and the DNS server cannot take
// port 53), and a mount would put every container in a user namespace.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { formatResolvConf, hostResolvConfPath, readResolvConf, type ResolvConf } from '../../network/dns/resolvConf.ts';
import type { Mount } from '../../runtime/runtime.ts';
import { podHostname } from './podHostname.ts';
import { podDir } from './volumes.ts';

/** The kube-dns Service's ClusterIP (the service range's tenth address). */
export const defaultClusterDNS = ['10.43.0.10'];

export interface DnsContext {
  rootDir: string;
  /** The cluster DNS addresses (the kubelet's clusterDNS). */
  clusterDNS: string[];
  clusterDomain: string;
  /** The host resolv.conf pods start from (the kubelet's --resolv-conf). */
  resolvConf: string;
  rootless: boolean;
}

export type Warn = (reason: string, message: string) => void;

const hostsPath = '/etc/hosts';
const resolvPath = '/etc/resolv.conf';
/** systemd-resolved's list of the real upstream servers, next to its 127.0.0.53 stub. */
const systemdResolvConf = '/run/systemd/resolve/resolv.conf';
const maxNameservers = 3;
const maxSearches = 32;
const maxSearchChars = 2048;
const maxSearchLength = 253;

/**
 * The host resolv.conf for pods: /etc/resolv.conf, unless it names only loopback resolvers (a
 * pod's network cannot reach them) and systemd-resolved's own list names others, as k3s picks.
 */
export function defaultPodResolvConf(): string {
  const loopbackOnly = (conf: ResolvConf) => conf.nameservers.length > 0 && conf.nameservers.every((ns) => ns.startsWith('127.') || ns === '::1');
  if (!loopbackOnly(readResolvConf(hostResolvConfPath))) return hostResolvConfPath;
  const systemd = readResolvConf(systemdResolvConf);
  return systemd.nameservers.length && !loopbackOnly(systemd) ? systemdResolvConf : hostResolvConfPath;
}

/**
 * Writes the pod's files (when their content changed, telling `warn` about what was left out)
 * and returns the container's mounts of them.
 */
export async function podDnsMounts(pod: Pod, container: Container, podIPs: string[], ctx: DnsContext, warn: Warn): Promise<Mount[]> {
  if (ctx.rootless) return [];
  const dir = podDir(ctx.rootDir, pod.metadata?.uid ?? '');
  await mkdir(dir, { recursive: true });
  const mountedByPod = new Set((container.volumeMounts ?? []).map((m) => m.mountPath.replace(/\/+$/, '')));
  const mounts: Mount[] = [];
  const readOnly = container.securityContext?.readOnlyRootFilesystem ?? false;
  if (!mountedByPod.has(resolvPath)) {
    const warnings: [string, string][] = [];
    const conf = podResolvConf(pod, readResolvConf(ctx.resolvConf), ctx, (reason, message) => warnings.push([reason, message]));
    const path = join(dir, 'resolv.conf');
    if (await writeIfChanged(path, formatResolvConf(conf))) for (const [reason, message] of warnings) warn(reason, message);
    mounts.push({ containerPath: resolvPath, hostPath: path, readOnly });
  }
  // As upstream: no hosts file before the pod has an address.
  if (!mountedByPod.has(hostsPath) && podIPs.length) {
    const hostFile = pod.spec?.hostNetwork ? await readFile(hostsPath, 'utf8').catch(() => '') : undefined;
    const path = join(dir, 'etc-hosts');
    await writeIfChanged(path, podHostsFile(pod, podIPs, ctx.clusterDomain, hostFile));
    mounts.push({ containerPath: hostsPath, hostPath: path, readOnly: false });
  }
  return mounts;
}

/** The pod's resolver configuration from the host's and its spec. */
export function podResolvConf(pod: Pod, host: ResolvConf, ctx: Pick<DnsContext, 'clusterDNS' | 'clusterDomain'>, warn: Warn): ResolvConf {
  const spec = pod.spec;
  const policy = spec?.dnsPolicy ?? 'ClusterFirst';
  let conf: ResolvConf = { nameservers: [...host.nameservers], searches: [...host.searches], options: [...host.options] };
  const cluster = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !spec?.hostNetwork);
  if (policy === 'None') {
    conf = { nameservers: [], searches: [], options: [] };
  } else if (cluster && ctx.clusterDNS.length) {
    const domain = ctx.clusterDomain;
    const ns = pod.metadata?.namespace ?? 'default';
    conf = { nameservers: [...ctx.clusterDNS], searches: unique([`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches]), options: ['ndots:5'] };
  } else if (cluster) {
    const who = `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
    warn('MissingClusterDNS', `pod: "${who}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`);
  }
  const extra = spec?.dnsConfig;
  if (extra) {
    conf.nameservers = unique([...conf.nameservers, ...(extra.nameservers ?? [])]);
    conf.searches = unique([...conf.searches, ...(extra.searches ?? [])]);
    conf.options = mergeOptions(conf.options, extra.options ?? []);
  }
  return withinLimits(conf, warn);
}

/** The pod's /etc/hosts; `hostFile` is the host's, for a host-network pod. */
export function podHostsFile(pod: Pod, podIPs: string[], clusterDomain: string, hostFile: string | undefined): string {
  const aliases = pod.spec?.hostAliases ?? [];
  const aliasLines = aliases.length
    ? ['', '# Entries added by HostAliases.', ...aliases.flatMap((a) => (a.hostnames ?? []).map((h) => `${a.ip}\t${h}`))].map((l) => `${l}\n`).join('')
    : '';
  if (hostFile !== undefined) return `# Kubernetes-managed hosts file (host network).\n${hostFile}${aliasLines}`;
  const { hostname, domain } = hostnameAndDomain(pod, clusterDomain);
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    ...podIPs.map((ip) => (domain ? `${ip}\t${hostname}.${domain}\t${hostname}` : `${ip}\t${hostname}`)),
  ];
  return `${lines.join('\n')}\n${aliasLines}`;
}

/** The short hostname and, with a subdomain, `<subdomain>.<ns>.svc.<cluster domain>`. */
function hostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } {
  const subdomain = pod.spec?.subdomain;
  const domain = subdomain ? `${subdomain}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` : '';
  const name = podHostname(pod, clusterDomain, '');
  return { hostname: domain && name.endsWith(`.${domain}`) ? name.slice(0, -domain.length - 1) : name, domain };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Options by name, the pod's overriding the base's (in the order first seen). */
function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const options = new Map<string, string>();
  for (const option of base) {
    const colon = option.indexOf(':');
    if (colon < 0) options.set(option, '');
    else options.set(option.slice(0, colon), option.slice(colon + 1));
  }
  for (const option of extra) if (option.name) options.set(option.name, option.value ?? '');
  return [...options].map(([name, value]) => (value ? `${name}:${value}` : name));
}

function withinLimits(conf: ResolvConf, warn: Warn): ResolvConf {
  let { nameservers, searches } = conf;
  if (nameservers.length > maxNameservers) {
    nameservers = nameservers.slice(0, maxNameservers);
    warn('DNSConfigForming', `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${nameservers.join(' ')}`);
  }
  let cut = searches.length > maxSearches || searches.some((s) => s.length > maxSearchLength);
  searches = searches.slice(0, maxSearches).filter((s) => s.length <= maxSearchLength);
  while (searches.join(' ').length > maxSearchChars) {
    searches = searches.slice(0, -1);
    cut = true;
  }
  if (cut) warn('DNSConfigForming', `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(' ')}`);
  return { ...conf, nameservers, searches };
}

/** Rewrites the file in place (a running container's bind mount sees the change) when its content differs; returns whether it did. */
async function writeIfChanged(path: string, content: string): Promise<boolean> {
  if ((await readFile(path, 'utf8').catch(() => undefined)) === content) return false;
  await writeFile(path, content, { mode: 0o644 });
  return true;
}
