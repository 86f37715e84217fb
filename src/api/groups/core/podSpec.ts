// The pod spec shared by Pods and every pod template (Deployments, Jobs ...): upstream's
// SetDefaults_PodSpec (and the container and volume defaults under it) and ValidatePodSpec.
// Pod-only rules (requests defaulted from limits, enableServiceLinks, update limits ...) are
// in pod.ts.

import type { FieldError } from '../../../apiserver/errors.ts';
import {
  dns1123Label, dns1123Subdomain, duplicate, forbidden, inclusiveRangeError, invalidEach, invalidValue, qualifiedNameErrors, required, unsupported,
  validateAnnotations, validateIP, validateLabels,
} from '../../validation.ts';
import { defaultContainer, validateContainers, validateEnum, validateEphemeralContainers, validateId, validateInitContainers, validateSeccompProfile } from './containers.ts';
import { defaultVolume, validateVolumes } from './volumes.ts';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling.ts';
import { validateContainerResourceName, validateResourceList } from './resources.ts';

// ---- Defaults ----

/** Defaults of a pod spec wherever it appears (Pods add pod-only ones, see pod.ts). */
export function defaultPodSpec(spec: any): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  // serviceAccount is the deprecated alias of serviceAccountName: the newer field wins and
  // both are written back, as upstream's conversion does.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

export function defaultPodTemplateSpec(template: any): void {
  template.metadata ??= {};
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

// ---- Validation ----

/**
 * A pod template at `path` (e.g. "spec.template"): its labels and annotations, its spec at
 * `${path}.spec`, and no ephemeral containers.
 */
export function validatePodTemplateSpec(template: any, path: string): FieldError[] {
  const t = template ?? {};
  const errs = [
    ...validateLabels(t.metadata?.labels, `${path}.labels`),
    ...validateAnnotations(t.metadata?.annotations, `${path}.annotations`),
    ...validatePodSpec(t.spec ?? {}, `${path}.spec`),
  ];
  if (t.spec?.ephemeralContainers?.length) errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

/** Upstream's ValidatePodSpec at `path` ("spec" for a Pod, "spec.template.spec" for a Deployment). */
export function validatePodSpec(spec: any, path: string, opts: { isPod?: boolean } = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    errs.push(required(`${path}.terminationGracePeriodSeconds`, ''));
  }
  const { volumes, errors } = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...errors);
  const ctx = { volumes, gracePeriod: spec.terminationGracePeriodSeconds };
  errs.push(...validateContainers(spec.containers, `${path}.containers`, ctx));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, `${path}.initContainers`, ctx));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec, `${path}.ephemeralContainers`, ctx));
  errs.push(...validateHostNetworkPorts(spec, path, opts.isPod ?? false));
  errs.push(...validateEnum(spec.restartPolicy, ['Always', 'OnFailure', 'Never'], `${path}.restartPolicy`));
  errs.push(...validateEnum(spec.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], `${path}.dnsPolicy`));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(spec, `${path}.securityContext`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateDNSConfig(spec.dnsConfig, spec.dnsPolicy, `${path}.dnsConfig`));
  (spec.readinessGates ?? []).forEach((g: any, i: number) => {
    errs.push(...invalidEach(`${path}.readinessGates[${i}].conditionType`, g.conditionType ?? '', qualifiedNameErrors(g.conditionType ?? '')));
  });
  errs.push(...validateSchedulingGates(spec.schedulingGates, `${path}.schedulingGates`));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  if (spec.serviceAccountName) errs.push(...dns1123Subdomain(spec.serviceAccountName, `${path}.serviceAccountName`));
  if (spec.nodeName) errs.push(...dns1123Subdomain(spec.nodeName, `${path}.nodeName`));
  if (spec.activeDeadlineSeconds !== undefined && !(spec.activeDeadlineSeconds >= 1 && spec.activeDeadlineSeconds <= 2147483647)) {
    errs.push(invalidValue(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, inclusiveRangeError(1, 2147483647)));
  }
  if (spec.hostname) errs.push(...dns1123Label(spec.hostname, `${path}.hostname`));
  if (spec.subdomain) errs.push(...dns1123Label(spec.subdomain, `${path}.subdomain`));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  (spec.hostAliases ?? []).forEach((alias: any, i: number) => {
    errs.push(...validateIP(alias.ip ?? '', `${path}.hostAliases[${i}].ip`));
    (alias.hostnames ?? []).forEach((h: string, j: number) => errs.push(...dns1123Subdomain(h, `${path}.hostAliases[${i}].hostnames[${j}]`)));
  });
  if (spec.priorityClassName) errs.push(...dns1123Subdomain(spec.priorityClassName, `${path}.priorityClassName`));
  if (spec.runtimeClassName !== undefined) errs.push(...dns1123Subdomain(spec.runtimeClassName, `${path}.runtimeClassName`));
  if (spec.preemptionPolicy !== undefined) errs.push(...validateEnum(spec.preemptionPolicy, ['PreemptLowerPriority', 'Never'], `${path}.preemptionPolicy`));
  if (spec.overhead) errs.push(...validateResourceList(spec.overhead, `${path}.overhead.limits`, validateContainerResourceName));
  if (spec.os) {
    if (!spec.os.name) errs.push(required(`${path}.os.name`, 'cannot be empty'));
    else if (!['linux', 'windows'].includes(spec.os.name)) errs.push(unsupported(`${path}.os`, spec.os.name, ['linux', 'windows']));
  }
  return errs;
}

// With hostNetwork the container port is the host port: a Pod must say so (defaulting does),
// a template may leave hostPort unset.
function validateHostNetworkPorts(spec: any, path: string, isPod: boolean): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((c: any, i: number) =>
    (c.ports ?? []).forEach((p: any, j: number) => {
      const hostPort = p.hostPort ?? 0;
      if ((isPod || hostPort !== 0) && hostPort !== p.containerPort) {
        errs.push(invalidValue(`${path}.containers[${i}].ports[${j}].hostPort`, hostPort, 'must match `containerPort` when `hostNetwork` is true'));
      }
    }),
  );
  return errs;
}

const fsGroupChangePolicies = ['Always', 'OnRootMismatch'];
const sysctlName = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;

function validatePodSecurityContext(spec: any, path: string): FieldError[] {
  const sc = spec.securityContext;
  if (!sc) return [];
  const errs: FieldError[] = [];
  errs.push(...validateId(sc.fsGroup, `${path}.fsGroup`), ...validateId(sc.runAsUser, `${path}.runAsUser`), ...validateId(sc.runAsGroup, `${path}.runAsGroup`));
  (sc.supplementalGroups ?? []).forEach((g: number, i: number) => errs.push(...validateId(g, `${path}.supplementalGroups[${i}]`)));
  if (sc.shareProcessNamespace && spec.hostPID) {
    errs.push(invalidValue(`${path}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const sysctls = new Set<string>();
  (sc.sysctls ?? []).forEach((s: any, i: number) => {
    const at = `${path}.sysctls[${i}].name`;
    if (!s.name) errs.push(required(at, ''));
    else if (s.name.length > 253 || !sysctlName.test(s.name)) {
      errs.push(invalidValue(at, s.name, `must have at most 253 characters and match regex ${sysctlName.source}`));
    } else if (sysctls.has(s.name)) errs.push(duplicate(at, s.name));
    sysctls.add(s.name);
  });
  if (sc.fsGroupChangePolicy !== undefined && !fsGroupChangePolicies.includes(sc.fsGroupChangePolicy)) {
    errs.push(unsupported(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, fsGroupChangePolicies));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  return errs;
}

function validateDNSConfig(config: any, dnsPolicy: string | undefined, path: string): FieldError[] {
  if (dnsPolicy === 'None') {
    if (!config) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!config.nameservers?.length) return [required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!config) return [];
  const errs: FieldError[] = [];
  const nameservers: string[] = config.nameservers ?? [];
  if (nameservers.length > 3) errs.push(invalidValue(`${path}.nameservers`, nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => errs.push(...validateIP(ns, `${path}.nameservers[${i}]`)));
  const searches: string[] = config.searches ?? [];
  if (searches.length > 32) errs.push(invalidValue(`${path}.searches`, searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(invalidValue(`${path}.searches`, searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => errs.push(...dns1123Subdomain(s.replace(/\.$/, ''), `${path}.searches[${i}]`)));
  (config.options ?? []).forEach((o: any, i: number) => {
    if (!o.name) errs.push(required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

function validateSchedulingGates(gates: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (gates ?? []).forEach((g, i) => {
    errs.push(...invalidEach(`${path}[${i}]`, g.name ?? '', qualifiedNameErrors(g.name ?? '')));
    if (seen.has(g.name)) errs.push(duplicate(`${path}[${i}]`, g.name));
    seen.add(g.name);
  });
  return errs;
}
