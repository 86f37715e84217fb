// resolv.conf, read as the kubelet reads it: `nameserver` lines accumulate, the last
// `search` line wins (each domain without its trailing dot), the last `options` line wins,
// `#` comments are skipped. Written as containerd writes a pod's: search, nameservers, options.

import { readFileSync } from 'node:fs';

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

export const hostResolvConfPath = '/etc/resolv.conf';

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const [keyword, ...fields] = trimmed.split(/\s+/);
    if (keyword === 'nameserver' && fields[0]) conf.nameservers.push(fields[0]);
    if (keyword === 'search') conf.searches = fields.map((s) => s.replace(/\.$/, ''));
    if (keyword === 'options') conf.options = fields;
  }
  return conf;
}

/** The file at `path`; a missing or unreadable file is an empty configuration. */
export function readResolvConf(path: string): ResolvConf {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return { nameservers: [], searches: [], options: [] };
  }
}

export function formatResolvConf(conf: ResolvConf): string {
  const lines = [
    ...(conf.searches.length ? [`search ${conf.searches.join(' ')}`] : []),
    ...conf.nameservers.map((ns) => `nameserver ${ns}`),
    ...(conf.options.length ? [`options ${conf.options.join(' ')}`] : []),
  ];
  return lines.map((l) => `${l}\n`).join('');
}
