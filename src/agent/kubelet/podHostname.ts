// A pod's hostname, as the kubelet's GeneratePodHostNameAndDomain: spec.hostname, else the
// pod's name, cut to 63 characters (without a trailing '-' or '.'); with a subdomain its
// domain is `<subdomain>.<namespace>.svc.<cluster domain>`, and setHostnameAsFQDN makes the
// hostname the whole FQDN (64 characters at most). Host-network pods keep the node's.

import type { Pod } from 'kubernetes-types/core/v1.js';

export const defaultClusterDomain = 'cluster.local';

const maxHostnameLength = 63;
const maxFqdnLength = 64;

/** Throws (a sandbox creation failure, as upstream) when no valid hostname can be made. */
export function podHostname(pod: Pod, clusterDomain: string, nodeHostname: string): string {
  const spec = pod.spec;
  if (spec?.hostNetwork) return nodeHostname;
  const name = pod.metadata?.name ?? '';
  const wanted = spec?.hostname || name;
  const hostname = wanted.length > maxHostnameLength ? wanted.slice(0, maxHostnameLength).replace(/[-.]+$/, '') : wanted;
  if (!hostname) throw new Error(`hostname for pod "${name}" was invalid: "${wanted}"`);
  if (!spec?.subdomain || !spec.setHostnameAsFQDN) return hostname;
  const fqdn = `${hostname}.${spec.subdomain}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}`;
  if (fqdn.length > maxFqdnLength) {
    throw new Error(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${maxFqdnLength} characters is the max, ${fqdn.length} characters requested)`);
  }
  return fqdn;
}
