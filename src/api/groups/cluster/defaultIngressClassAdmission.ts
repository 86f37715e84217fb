// The DefaultIngressClass admission, as upstream's since v1.25: a new Ingress naming no class
// (no spec.ingressClassName, not even "", and no kubernetes.io/ingress.class annotation) gets
// the default IngressClass, the one annotated ingressclass.kubernetes.io/is-default-class:
// "true". Of several defaults the newest wins (the lower name on equal creation times); with
// none the Ingress is stored as sent. Updates are not admitted, so they are never touched.

import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { KubeObject } from '../../kind.ts';
import type { AdmissionPlugin } from '../../../apiserver/admission.ts';
import { classAnnotation, isDefaultClassAnnotation } from './ingress.ts';

/** The admission plugin, reading the IngressClasses there are now from `ingressClasses`. */
export function defaultIngressClassAdmission(ingressClasses: () => Iterable<KubeObject>): AdmissionPlugin {
  return (decl, obj) => {
    if (decl.group !== 'networking.k8s.io' || decl.kind !== 'Ingress') return obj;
    const spec = (obj as Ingress).spec;
    if (spec?.ingressClassName != null || Object.hasOwn(obj.metadata?.annotations ?? {}, classAnnotation)) return obj;
    const name = defaultClassName(ingressClasses());
    return name === undefined ? obj : { ...obj, spec: { ...spec, ingressClassName: name } };
  };
}

function defaultClassName(classes: Iterable<KubeObject>): string | undefined {
  let chosen: { name: string; created: number } | undefined;
  for (const c of classes) {
    if (c.metadata?.annotations?.[isDefaultClassAnnotation] !== 'true') continue;
    const candidate = { name: c.metadata!.name ?? '', created: Date.parse(c.metadata!.creationTimestamp ?? '') || 0 };
    const wins = !chosen || candidate.created > chosen.created || (candidate.created === chosen.created && candidate.name < chosen.name);
    if (wins) chosen = candidate;
  }
  return chosen?.name;
}
