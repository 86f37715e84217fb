// The scheduling parts of a pod spec (tolerations, node and pod affinity, topology spread)
// and node selectors (also used by PersistentVolume node affinity), validated as upstream.

import type { FieldError } from '../../../apiserver/errors.ts';
import {
  dns1123Label, duplicate, forbidden, invalidEach, invalidValue, labelValueErrors, qualifiedNameErrors, required, unsupported, validateLabelSelector,
} from '../../validation.ts';

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(tolerations: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const at = `${path}[${i}]`;
    if (t.key) errs.push(...invalidEach(`${at}.key`, t.key, qualifiedNameErrors(t.key)));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalidValue(`${at}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalidValue(`${at}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (!t.operator || t.operator === 'Equal') {
      const msgs = labelValueErrors(t.value ?? '');
      if (msgs.length) errs.push(invalidValue(`${at}.operator`, t.value ?? '', msgs.join(';')));
    } else if (t.operator === 'Exists') {
      if (t.value) errs.push(invalidValue(`${at}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(unsupported(`${at}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !taintEffects.includes(t.effect)) errs.push(unsupported(`${at}.effect`, t.effect, taintEffects));
  });
  return errs;
}

/** Node taints: key and value formats, a required effect, unique by key and effect. */
export function validateTaints(taints: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const at = `${path}[${i}]`;
    errs.push(...invalidEach(`${at}.key`, t.key ?? '', qualifiedNameErrors(t.key ?? '')));
    const msgs = labelValueErrors(t.value ?? '');
    if (msgs.length) errs.push(invalidValue(`${at}.value`, t.value ?? '', msgs.join(';')));
    if (!t.effect) errs.push(required(`${at}.effect`, ''));
    else if (!taintEffects.includes(t.effect)) errs.push(unsupported(`${at}.effect`, t.effect, taintEffects));
    const key = `${t.effect}\u0000${t.key}`;
    if (seen.has(key)) errs.push({ ...duplicate(at, t), message: `${duplicate(at, t).message}: taints must be unique by key and effect pair` });
    seen.add(key);
  });
  return errs;
}

export function validateAffinity(affinity: any, path: string): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const node = affinity.nodeAffinity;
  if (node) {
    const at = `${path}.nodeAffinity`;
    const requiredTerms = node.requiredDuringSchedulingIgnoredDuringExecution;
    if (requiredTerms) errs.push(...validateNodeSelector(requiredTerms, `${at}.requiredDuringSchedulingIgnoredDuringExecution`));
    (node.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term: any, i: number) => {
      const tp = `${at}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(term.weight, `${tp}.weight`), ...validateNodeSelectorTerm(term.preference ?? {}, `${tp}.preference`));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pod = affinity[kind];
    if (!pod) continue;
    const at = `${path}.${kind}`;
    (pod.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term: any, i: number) => {
      errs.push(...validatePodAffinityTerm(term, `${at}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`));
    });
    (pod.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term: any, i: number) => {
      const tp = `${at}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(term.weight, `${tp}.weight`), ...validatePodAffinityTerm(term.podAffinityTerm ?? {}, `${tp}.podAffinityTerm`));
    });
  }
  return errs;
}

function validateWeight(weight: number | undefined, path: string): FieldError[] {
  return weight !== undefined && weight >= 1 && weight <= 100 ? [] : [invalidValue(path, weight ?? 0, 'must be in the range 1-100')];
}

function validatePodAffinityTerm(term: any, path: string): FieldError[] {
  const errs = [...validateLabelSelector(term.labelSelector, `${path}.labelSelector`), ...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`)];
  for (const ns of term.namespaces ?? []) errs.push(...dns1123Label(ns, `${path}.namespace`));
  if (!term.topologyKey) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  else errs.push(...invalidEach(`${path}.topologyKey`, term.topologyKey, qualifiedNameErrors(term.topologyKey)));
  return errs;
}

/** A NodeSelector: at least one term, each term's requirements well formed. */
export function validateNodeSelector(selector: any, path: string): FieldError[] {
  const terms: any[] = selector.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [required(`${path}.nodeSelectorTerms`, 'must have at least one node selector term')];
  return terms.flatMap((term, i) => validateNodeSelectorTerm(term, `${path}.nodeSelectorTerms[${i}]`));
}

function validateNodeSelectorTerm(term: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((req: any, i: number) => errs.push(...validateNodeSelectorRequirement(req, `${path}.matchExpressions[${i}]`)));
  (term.matchFields ?? []).forEach((req: any, i: number) => {
    const at = `${path}.matchFields[${i}]`;
    if (req.key !== 'metadata.name') errs.push(invalidValue(`${at}.key`, req.key ?? '', 'not a valid field selector key'));
    if (req.operator !== 'In' && req.operator !== 'NotIn') errs.push(invalidValue(`${at}.operator`, req.operator ?? '', 'not a valid selector operator'));
    if ((req.values ?? []).length !== 1) errs.push(required(`${at}.values`, 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
  });
  return errs;
}

function validateNodeSelectorRequirement(req: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalidValue(`${path}.operator`, req.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...invalidEach(`${path}.key`, req.key ?? '', qualifiedNameErrors(req.key ?? '')));
  values.forEach((v, i) => errs.push(...invalidEach(`${path}.values[${i}]`, v, labelValueErrors(v))));
  return errs;
}

const whenUnsatisfiable = ['DoNotSchedule', 'ScheduleAnyway'];
const inclusionPolicies = ['Honor', 'Ignore'];

export function validateTopologySpreadConstraints(constraints: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!(c.maxSkew > 0)) errs.push(invalidValue(`${at}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(`${at}.topologyKey`, 'can not be empty'));
    if (!whenUnsatisfiable.includes(c.whenUnsatisfiable)) errs.push(unsupported(`${at}.whenUnsatisfiable`, c.whenUnsatisfiable ?? '', whenUnsatisfiable));
    if (list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)) {
      errs.push(duplicate(`${at}.{topologyKey, whenUnsatisfiable}`, `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    }
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) errs.push(invalidValue(`${at}.minDomains`, c.minDomains, 'must be greater than zero'));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(invalidValue(`${at}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable ?? ''}`));
      }
    }
    for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (c[policy] !== undefined && !inclusionPolicies.includes(c[policy])) errs.push(unsupported(`${at}.${policy}`, c[policy], inclusionPolicies));
    }
    errs.push(...validateLabelSelector(c.labelSelector, `${at}.labelSelector`));
  });
  return errs;
}
