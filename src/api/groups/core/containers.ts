// Containers of a pod spec: upstream's defaulting (SetDefaults_Container, _Probe,
// _HTTPGetAction ...) and validation (validateContainerCommon and the per-list rules for
// regular, init and ephemeral containers).

import type { FieldError } from '../../../apiserver/errors.ts';
import {
  configMapKeyErrors, dns1123Label, dns1123SubdomainErrors, duplicate, forbidden, inclusiveRangeError, invalidEach, invalidValue, notFound,
  portNameErrors, qualifiedNameErrors, relaxedEnvVarNameErrors, required, unsupported, validateNonnegative, validatePortNumber, validateProtocol,
} from '../../validation.ts';
import { overcommitAllowed, validateContainerResourceName, validateQuantity } from './resources.ts';

// ---- Defaults ----

export function defaultContainer(c: any): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image ?? '');
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  // ResourceRequirements is a struct upstream, so it always serializes (as {} when empty).
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
    if (e.valueFrom?.resourceFieldRef) e.valueFrom.resourceFieldRef.divisor ??= '0';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const handler of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (handler?.httpGet) defaultHttpGet(handler.httpGet);
}

/** Always for ":latest" or an untagged image, IfNotPresent for any other tag or a digest. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? 'latest' : lastSegment.slice(colon + 1);
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: any): void {
  probe.timeoutSeconds ||= 1;
  probe.periodSeconds ||= 10;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  if (probe.httpGet) defaultHttpGet(probe.httpGet);
}

function defaultHttpGet(action: any): void {
  action.path ||= '/';
  action.scheme ||= 'HTTP';
}

// ---- Validation ----

/** What container validation needs from the rest of the pod spec. */
export interface ContainerContext {
  /** Volume names that validated cleanly (mounts must name one of them). */
  volumes: Map<string, any>;
  gracePeriod: number | undefined;
}

/** spec.containers: required, names unique among themselves, probes allowed. */
export function validateContainers(containers: any[] | undefined, path: string, ctx: ContainerContext): FieldError[] {
  if (!containers?.length) return [required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, at, ctx));
    if (names.has(c.name)) errs.push(duplicate(`${at}.name`, c.name));
    else names.add(c.name);
    if (c.lifecycle) errs.push(...validateLifecycle(c.lifecycle, `${at}.lifecycle`, ctx.gracePeriod));
    errs.push(...validateProbes(c, at));
    if (c.restartPolicy !== undefined) errs.push(forbidden(`${at}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

/** spec.initContainers: names unique with the regular ones; probes only for sidecars (restartPolicy Always). */
export function validateInitContainers(containers: any[] | undefined, regular: any[] | undefined, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>((regular ?? []).map((c) => c.name));
  (containers ?? []).forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, at, ctx));
    const sidecar = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !sidecar) errs.push(unsupported(`${at}.restartPolicy`, c.restartPolicy, ['Always']));
    if (names.has(c.name)) errs.push(duplicate(`${at}.name`, c.name));
    else if (c.name) names.add(c.name);
    errs.push(...hostPortConflicts([c], path));
    if (sidecar) {
      if (c.lifecycle) errs.push(...validateLifecycle(c.lifecycle, `${at}.lifecycle`, ctx.gracePeriod));
      errs.push(...validateProbes(c, at));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[f]) errs.push(forbidden(`${at}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

// Fields an ephemeral (debug) container may not use: it must not be relied on for serving.
const ephemeralForbidden = ['ports', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy'];

/** spec.ephemeralContainers: unique names across all containers, a real target, no serving fields. */
export function validateEphemeralContainers(ephemeral: any[] | undefined, spec: any, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set<string>([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c: any) => c.name));
  const all = new Set(others);
  (ephemeral ?? []).forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, at, ctx), ...validateImageWhitespace(c, at));
    if (all.has(c.name)) errs.push(duplicate(`${at}.name`, c.name));
    else all.add(c.name);
    if (c.targetContainerName && !others.has(c.targetContainerName)) errs.push(notFound(`${at}.targetContainerName`, c.targetContainerName));
    for (const f of ephemeralForbidden) {
      if (isSet(c[f])) errs.push(forbidden(`${at}.${f}`, 'cannot be set for an Ephemeral Container'));
    }
    (c.volumeMounts ?? []).forEach((m: any, j: number) => {
      for (const f of ['subPath', 'subPathExpr']) if (m[f]) errs.push(forbidden(`${at}.volumeMounts[${j}].${f}`, 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

// Whether a field holds something other than its zero value (an empty resources {} is unset).
function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value).some(isSet);
  return value !== '' && value !== 0 && value !== false;
}

/** Pods only (not templates): images may not carry surrounding whitespace. */
export function validateImageWhitespace(c: any, path: string): FieldError[] {
  const image = c.image ?? '';
  return image !== image.trim() ? [invalidValue(`${path}.image`, image, 'must not have leading or trailing whitespace')] : [];
}

const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

function validateContainerCommon(c: any, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`, ''));
  else errs.push(...dns1123Label(c.name, `${path}.name`));
  if (!c.image) errs.push(required(`${path}.image`, ''));
  errs.push(...validateEnum(c.terminationMessagePolicy, terminationMessagePolicies, `${path}.terminationMessagePolicy`));
  errs.push(...validateContainerPorts(c.ports ?? [], `${path}.ports`));
  errs.push(...validateEnv(c.env ?? [], `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom ?? [], `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c, `${path}.volumeMounts`, ctx.volumes));
  errs.push(...validateEnum(c.imagePullPolicy, pullPolicies, `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  errs.push(...validateContainerSecurityContext(c.securityContext, `${path}.securityContext`));
  return errs;
}

/** A required enum field: Required when empty, Unsupported when not one of `values`. */
export function validateEnum(value: string | undefined, values: readonly string[], path: string): FieldError[] {
  if (!value) return [required(path, '')];
  return values.includes(value) ? [] : [unsupported(path, value, values)];
}

function validateContainerPorts(ports: any[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (p.name) {
      const nameErrs = invalidEach(`${at}.name`, p.name, portNameErrors(p.name));
      if (nameErrs.length) errs.push(...nameErrs);
      else if (names.has(p.name)) errs.push(duplicate(`${at}.name`, p.name));
      else names.add(p.name);
    }
    if (!p.containerPort) errs.push(required(`${at}.containerPort`, ''));
    else errs.push(...validatePortNumber(p.containerPort, `${at}.containerPort`));
    if (p.hostPort) errs.push(...validatePortNumber(p.hostPort, `${at}.hostPort`));
    errs.push(...validateProtocol(p.protocol, `${at}.protocol`));
  });
  return errs;
}

// Host ports must not collide (per protocol and host IP) across the containers given.
function hostPortConflicts(containers: any[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, i) =>
    (c.ports ?? []).forEach((p: any, j: number) => {
      if (!p.hostPort) return;
      const key = `${p.protocol ?? ''}/${p.hostIP ?? ''}/${p.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${i}].ports[${j}].hostPort`, key));
      seen.add(key);
    }),
  );
  return errs;
}

const envFieldPaths = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const resourceFieldPaths = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function validateEnv(env: any[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((e, i) => {
    const at = `${path}[${i}]`;
    if (!e.name) errs.push(required(`${at}.name`, ''));
    else errs.push(...invalidEach(`${at}.name`, e.name, relaxedEnvVarNameErrors(e.name)));
    if (e.valueFrom) errs.push(...validateEnvValueFrom(e, `${at}.valueFrom`));
  });
  return errs;
}

function validateEnvValueFrom(e: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const from = e.valueFrom;
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateFieldRef(from.fieldRef, envFieldPaths, `${path}.fieldRef`));
  }
  if (from.resourceFieldRef) {
    sources++;
    errs.push(...validateResourceFieldRef(from.resourceFieldRef, `${path}.resourceFieldRef`, false));
  }
  for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
    if (!from[ref]) continue;
    sources++;
    errs.push(...validateKeySelector(from[ref], `${path}.${ref}`));
  }
  if (sources === 0) errs.push(invalidValue(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (e.value) errs.push(invalidValue(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalidValue(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateKeySelector(ref: any, path: string): FieldError[] {
  const errs = invalidEach(`${path}.name`, ref.name ?? '', dns1123SubdomainErrors(ref.name ?? ''));
  if (!ref.key) errs.push(required(`${path}.key`, ''));
  else errs.push(...invalidEach(`${path}.key`, ref.key, configMapKeyErrors(ref.key)));
  return errs;
}

/** A downward API fieldRef: apiVersion and fieldPath set, the path one this context supports. */
export function validateFieldRef(ref: any, supported: string[], path: string): FieldError[] {
  if (!ref.apiVersion) return [required(`${path}.apiVersion`, '')];
  if (!ref.fieldPath) return [required(`${path}.fieldPath`, '')];
  const subscripted = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(ref.fieldPath);
  if (subscripted) {
    const key = subscripted[1] === 'metadata.annotations' ? subscripted[2].toLowerCase() : subscripted[2];
    return invalidEach(path, key, qualifiedNameErrors(key));
  }
  return supported.includes(ref.fieldPath) ? [] : [unsupported(`${path}.fieldPath`, ref.fieldPath, supported)];
}

/** A downward API resourceFieldRef; volumes must also name the container. */
export function validateResourceFieldRef(ref: any, path: string, inVolume: boolean): FieldError[] {
  if (inVolume && !ref.containerName) return [required(`${path}.containerName`, '')];
  if (!ref.resource) return [required(`${path}.resource`, '')];
  const hugePages = ref.resource.startsWith('requests.hugepages-') || ref.resource.startsWith('limits.hugepages-');
  return resourceFieldPaths.includes(ref.resource) || hugePages ? [] : [unsupported(`${path}.resource`, ref.resource, resourceFieldPaths)];
}

function validateEnvFrom(envFrom: any[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  envFrom.forEach((e, i) => {
    const at = `${path}[${i}]`;
    if (e.prefix) errs.push(...invalidEach(`${at}.prefix`, e.prefix, relaxedEnvVarNameErrors(e.prefix)));
    let sources = 0;
    for (const ref of ['configMapRef', 'secretRef']) {
      if (!e[ref]) continue;
      sources++;
      const name: string = e[ref].name ?? '';
      if (!name) errs.push(required(`${at}.${ref}.name`, ''));
      // A prefix check, as upstream: a trailing '-' is tolerated.
      else errs.push(...invalidEach(`${at}.${ref}.name`, name, dns1123SubdomainErrors(name.endsWith('-') && name.length > 1 ? `${name.slice(0, -2)}a` : name)));
    }
    // Upstream reports these at the list, not the entry.
    if (sources === 0) errs.push(invalidValue(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalidValue(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const mountPropagations = ['Bidirectional', 'HostToContainer', 'None'];

function validateVolumeMounts(c: any, path: string, volumes: Map<string, any>): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m: any, i: number) => {
    const at = `${path}[${i}]`;
    if (!m.name) errs.push(required(`${at}.name`, ''));
    if (!volumes.has(m.name ?? '')) errs.push(notFound(`${at}.name`, m.name ?? ''));
    if (!m.mountPath) errs.push(required(`${at}.mountPath`, ''));
    if (mountPaths.has(m.mountPath ?? '')) errs.push(invalidValue(`${at}.mountPath`, m.mountPath ?? '', 'must be unique'));
    mountPaths.add(m.mountPath ?? '');
    // Upstream names the list, not the entry, for these two.
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${path}.subPath`));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalidValue(`${at}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, `${path}.subPathExpr`));
    }
    if (m.mountPropagation !== undefined) {
      if (!mountPropagations.includes(m.mountPropagation)) errs.push(unsupported(`${path}.mountPropagation`, m.mountPropagation, mountPropagations));
      else if (m.mountPropagation === 'Bidirectional' && c.securityContext?.privileged !== true) {
        errs.push(forbidden(`${path}.mountPropagation`, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
  });
  return errs;
}

/** A path inside a volume: relative, without '..' segments. */
export function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalidValue(path, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

export function validatePathNoBacksteps(p: string, path: string): FieldError[] {
  return p.split('/').includes('..') ? [invalidValue(path, p, "must not contain '..'")] : [];
}

/** A container's requests and limits: names, quantities, requests within limits. */
export function validateResourceRequirements(resources: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits: Record<string, string> = resources?.limits ?? {};
  const requests: Record<string, string> = resources?.requests ?? {};
  const limitValues: Record<string, number> = {};
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, q] of Object.entries(limits)) {
    const at = `${path}.limits[${name}]`;
    const { value, errors } = validateQuantity(name, q, at);
    errs.push(...validateContainerResourceName(name, at), ...errors);
    if (value !== undefined) limitValues[name] = value;
    cpuOrMemory ||= name === 'cpu' || name === 'memory';
    hugePages ||= name.startsWith('hugepages-');
  }
  for (const [name, q] of Object.entries(requests)) {
    const at = `${path}.requests[${name}]`;
    const { value, errors } = validateQuantity(name, q, at);
    errs.push(...validateContainerResourceName(name, at), ...errors);
    const limit = limitValues[name];
    if (name in limits) {
      if (value !== undefined && limit !== undefined && value !== limit && !overcommitAllowed(name)) {
        errs.push(invalidValue(`${path}.requests`, String(q), `must be equal to ${name} limit of ${limits[name]}`));
      } else if (value !== undefined && limit !== undefined && value > limit) {
        errs.push(invalidValue(`${path}.requests`, String(q), `must be less than or equal to ${name} limit of ${limits[name]}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
    cpuOrMemory ||= name === 'cpu' || name === 'memory';
    hugePages ||= name.startsWith('hugepages-');
  }
  if (hugePages && !cpuOrMemory) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}

function validateProbes(c: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const probe = c[kind];
    if (!probe) continue;
    const at = `${path}.${kind}`;
    errs.push(...validateHandler(probe, ['exec', 'httpGet', 'tcpSocket', 'grpc'], at, undefined));
    for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
      errs.push(...validateNonnegative(probe[f], `${at}.${f}`));
    }
    if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
      errs.push(invalidValue(`${at}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must be greater than 0'));
    }
    if (kind === 'readinessProbe' && probe.terminationGracePeriodSeconds !== undefined) {
      errs.push(invalidValue(`${at}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    }
    if (kind !== 'readinessProbe' && (probe.successThreshold ?? 0) !== 1) errs.push(invalidValue(`${at}.successThreshold`, probe.successThreshold ?? 0, 'must be 1'));
  }
  return errs;
}

function validateLifecycle(lifecycle: any, path: string, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    if (lifecycle[hook]) errs.push(...validateHandler(lifecycle[hook], ['exec', 'httpGet', 'tcpSocket', 'sleep'], `${path}.${hook}`, gracePeriod));
  }
  return errs;
}

const httpSchemes = ['HTTP', 'HTTPS'];

// Exactly one action: the first counts, any further one is Forbidden.
function validateHandler(handler: any, kinds: string[], path: string, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const present = kinds.filter((k) => handler[k]);
  if (present.length === 0) return [required(path, 'must specify a handler type')];
  for (const extra of present.slice(1)) errs.push(forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));
  const kind = present[0];
  const action = handler[kind];
  const at = `${path}.${kind}`;
  if (kind === 'exec' && !action.command?.length) errs.push(required(`${at}.command`, ''));
  if (kind === 'httpGet') {
    if (!action.path) errs.push(required(`${at}.path`, ''));
    errs.push(...validatePortNumOrName(action.port, `${at}.port`));
    if (!httpSchemes.includes(action.scheme)) errs.push(unsupported(`${at}.scheme`, action.scheme ?? '', httpSchemes));
    for (const h of action.httpHeaders ?? []) {
      if (!/^[-A-Za-z0-9]+$/.test(h.name ?? '')) {
        errs.push(invalidValue(`${at}.httpHeaders`, h.name ?? '', "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
      }
    }
  }
  if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(action.port, `${at}.port`));
  if (kind === 'grpc') errs.push(...validatePortNumOrName(action.port ?? 0, `${at}.port`));
  if (kind === 'sleep' && gracePeriod !== undefined && ((action.seconds ?? 0) <= 0 || action.seconds > gracePeriod)) {
    errs.push(invalidValue(at, action.seconds ?? 0, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`));
  }
  return errs;
}

/** A port given as a number (1-65535) or an IANA-style name (probes, Service targetPort). */
export function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === 'string') return invalidEach(path, port, portNameErrors(port));
  return validatePortNumber(port ?? 0, path);
}

const procMounts = ['Default', 'Unmasked'];

function validateContainerSecurityContext(sc: any, path: string): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  errs.push(...validateId(sc.runAsUser, `${path}.runAsUser`), ...validateId(sc.runAsGroup, `${path}.runAsGroup`));
  if (sc.procMount !== undefined) {
    if (!procMounts.includes(sc.procMount)) errs.push(unsupported(`${path}.procMount`, sc.procMount, procMounts));
    else if (sc.procMount === 'Unmasked') errs.push(invalidValue(`${path}.procMount`, sc.procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(invalidValue(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if ((sc.capabilities?.add ?? []).includes('CAP_SYS_ADMIN')) errs.push(invalidValue(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  }
  return errs;
}

/** A user or group id: 0 to 2^31-1. */
export function validateId(id: number | undefined, path: string): FieldError[] {
  return id === undefined || (id >= 0 && id <= 2147483647) ? [] : [invalidValue(path, id, inclusiveRangeError(0, 2147483647))];
}

const seccompTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

export function validateSeccompProfile(profile: any, path: string): FieldError[] {
  if (!profile) return [];
  if (!profile.type) return [required(`${path}.type`, 'type is required when seccompProfile is set')];
  if (!seccompTypes.includes(profile.type)) return [unsupported(`${path}.type`, profile.type, seccompTypes)];
  if (profile.type === 'Localhost' && !profile.localhostProfile) return [required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost')];
  if (profile.type !== 'Localhost' && profile.localhostProfile !== undefined) {
    return [invalidValue(`${path}.localhostProfile`, profile.localhostProfile, 'can only be set when seccomp type is Localhost')];
  }
  return [];
}
