// A container's environment as the kubelet builds it: envFrom sources in order (keys with
// a prefix; names that are not valid env var names skipped with an event), then env entries
// in order, each value $(VAR)-expanded against what came before (and the service link
// variables); fieldRef, resourceFieldRef, configMapKeyRef and secretKeyRef resolved, a
// missing non-optional source being a CreateContainerConfigError. Service link variables
// come last, each unless the container sets one of that name.

import type { ConfigMap, Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { ConfigError, fieldValue, resourceValue, type PodAddresses } from './downward.ts';
import { expand } from './expansion.ts';
import type { EnvVar } from './serviceEnv.ts';

export interface EnvSources extends PodAddresses {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  allocatable: Record<string, string>;
  /** The pod's service link variables (serviceEnv.ts). */
  serviceEnv: EnvVar[];
  /** Told about skipped keys (the kubelet's InvalidEnvironmentVariableNames event). */
  warn(reason: string, message: string): void;
}

const envVarName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function containerEnv(pod: Pod, container: Container, sources: EnvSources): EnvVar[] {
  const namespace = pod.metadata?.namespace ?? 'default';
  const env = new Map<string, string>();
  const services = new Map(sources.serviceEnv.map((e) => [e.name, e.value]));

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string>;
    let what: string;
    if (from.configMapRef) {
      const cm = sources.configMap(namespace, from.configMapRef.name ?? '');
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      data = cm.data ?? {};
      what = `configMap ${namespace}/${from.configMapRef.name}`;
    } else if (from.secretRef) {
      const secret = sources.secret(namespace, from.secretRef.name ?? '');
      if (!secret) {
        if (from.secretRef.optional) continue;
        throw new ConfigError(`secret "${from.secretRef.name}" not found`);
      }
      data = decodeSecret(secret);
      what = `secret ${namespace}/${from.secretRef.name}`;
    } else continue;
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const name = prefix + key;
      if (!envVarName.test(name)) invalid.push(name);
      else env.set(name, value);
    }
    if (invalid.length > 0) {
      sources.warn('InvalidEnvironmentVariableNames', `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`);
    }
  }

  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    if (!from) {
      env.set(entry.name, expand(entry.value ?? '', (n) => env.get(n) ?? services.get(n)));
      continue;
    }
    if (from.fieldRef) env.set(entry.name, fieldValue(pod, from.fieldRef, sources));
    else if (from.resourceFieldRef) env.set(entry.name, resourceValue(pod, from.resourceFieldRef, container.name, sources.allocatable));
    else if (from.configMapKeyRef) {
      const { name = '', key, optional } = from.configMapKeyRef;
      const cm = sources.configMap(namespace, name);
      const value = cm?.data?.[key];
      if (value !== undefined) env.set(entry.name, value);
      else if (!optional) throw new ConfigError(cm ? `couldn't find key ${key} in ConfigMap ${namespace}/${name}` : `configmap "${name}" not found`);
    } else if (from.secretKeyRef) {
      const { name = '', key, optional } = from.secretKeyRef;
      const secret = sources.secret(namespace, name);
      const value = secret ? decodeSecret(secret)[key] : undefined;
      if (value !== undefined) env.set(entry.name, value);
      else if (!optional) throw new ConfigError(secret ? `couldn't find key ${key} in Secret ${namespace}/${name}` : `secret "${name}" not found`);
    }
  }
  for (const [name, value] of services) if (!env.has(name)) env.set(name, value);
  return [...env].map(([name, value]) => ({ name, value }));
}

/** command then args, $(VAR)-expanded against the container's environment. */
export function containerArgv(container: Container, env: { name: string; value: string }[]): string[] {
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const lookup = (n: string) => vars.get(n);
  return [...(container.command ?? []), ...(container.args ?? [])].map((s) => expand(s, lookup));
}

export function decodeSecret(secret: Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = v;
  return out;
}
