// Service link environment variables, as the kubelet sets them: for each Service of the
// pod's namespace (with enableServiceLinks, the default) and the master service `kubernetes`
// of `default` (always) that has a cluster IP, `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`
// (the first port) and `<NAME>_SERVICE_PORT_<PORTNAME>` for named ports, then Docker's link
// variables `<NAME>_PORT` and `<NAME>_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}`. A service of
// the pod's own namespace shadows a master service of the same name.

import type { Service } from 'kubernetes-types/core/v1.js';

const masterNamespace = 'default';
const masterServices = new Set(['kubernetes']);

export interface EnvVar {
  name: string;
  value: string;
}

/** The variables for a pod in `namespace`, from the Services of its namespace and `default` (sorted by service name). */
export function serviceEnv(services: Service[], namespace: string, enableServiceLinks: boolean): EnvVar[] {
  const chosen = new Map<string, Service>();
  for (const service of services) {
    const name = service.metadata?.name ?? '';
    if (!hasClusterIP(service)) continue;
    const ns = service.metadata?.namespace;
    if (ns === namespace && enableServiceLinks) chosen.set(name, service);
    else if (ns === masterNamespace && masterServices.has(name) && !chosen.has(name)) chosen.set(name, service);
  }
  return [...chosen.keys()].sort().flatMap((name) => variablesOf(chosen.get(name)!));
}

function hasClusterIP(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

function variablesOf(service: Service): EnvVar[] {
  const prefix = envName(service.metadata?.name ?? '');
  const ip = service.spec!.clusterIP!;
  const ports = service.spec?.ports ?? [];
  if (ports.length === 0) return [{ name: `${prefix}_SERVICE_HOST`, value: ip }];
  const host = (port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  const vars: EnvVar[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) },
  ];
  for (const p of ports) if (p.name) vars.push({ name: `${prefix}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
  ports.forEach((p, i) => {
    const protocol = (p.protocol || 'TCP').toLowerCase();
    const url = `${protocol}://${host(p.port)}`;
    if (i === 0) vars.push({ name: `${prefix}_PORT`, value: url });
    const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
    vars.push(
      { name: portPrefix, value: url },
      { name: `${portPrefix}_PROTO`, value: protocol },
      { name: `${portPrefix}_PORT`, value: String(p.port) },
      { name: `${portPrefix}_ADDR`, value: ip },
    );
  });
  return vars;
}

/** Upper case, '-' and '.' as '_', and a leading digit guarded by '_'. */
function envName(name: string): string {
  const upper = name.replace(/[-.]/g, '_').toUpperCase();
  return /^[0-9]/.test(upper) ? `_${upper}` : upper;
}
