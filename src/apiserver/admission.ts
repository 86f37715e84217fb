// Mutating admission on create, after defaulting: plugins that change what is stored, or
// refuse it (they throw the ApiError to answer with).

import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import { admitRuntimeClass } from '../api/groups/node/runtimeClassAdmission.ts';
import { defaultIngressClassAdmission } from '../api/groups/cluster/defaultIngressClassAdmission.ts';
import type { KindDeclaration, KubeObject } from '../api/kind.ts';
import { defaultTolerationSeconds } from '../controllers/nodeLifecycle/defaultTolerations.ts';
import { forbidden } from './errors.ts';

/** Returns the object to store (the same one, or a changed copy). */
export type AdmissionPlugin = (decl: KindDeclaration, obj: KubeObject) => KubeObject;

export interface AdmissionOptions {
  /** DefaultTolerationSeconds: how long pods tolerate a not-ready or unreachable node (upstream 300). */
  defaultTolerationSeconds: number;
  /** The RuntimeClass of that name as stored now, for the RuntimeClass admission (without it, it is off). */
  runtimeClass?: (name: string) => KubeObject | undefined;
  /** The IngressClasses stored now, for the DefaultIngressClass admission (without it, it is off). */
  ingressClasses?: () => Iterable<KubeObject>;
}

export function admissionPlugins(options: AdmissionOptions): AdmissionPlugin[] {
  const plugins: AdmissionPlugin[] = [podsOnly((pod) => defaultTolerationSeconds(pod as any, options.defaultTolerationSeconds))];
  const lookup = options.runtimeClass;
  if (lookup) {
    plugins.push(podsOnly((pod, decl) => {
      const verdict = admitRuntimeClass(pod as any, (name) => lookup(name) as RuntimeClass | undefined);
      if ('rejected' in verdict) throw forbidden(decl, pod.metadata?.name ?? '', verdict.rejected);
      return verdict.pod as KubeObject;
    }));
  }
  if (options.ingressClasses) plugins.push(defaultIngressClassAdmission(options.ingressClasses));
  return plugins;
}

function podsOnly(admit: (pod: KubeObject, decl: KindDeclaration) => KubeObject): AdmissionPlugin {
  return (decl, obj) => (decl.group === '' && decl.kind === 'Pod' ? admit(obj, decl) : obj);
}
