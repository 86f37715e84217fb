// Mutating admission on create, after defaulting: plugins that change what is stored.

import type { KindDeclaration, KubeObject } from '../api/kind.ts';
import { defaultTolerationSeconds } from '../controllers/nodeLifecycle/defaultTolerations.ts';

/** Returns the object to store (the same one, or a changed copy). */
export type AdmissionPlugin = (decl: KindDeclaration, obj: KubeObject) => KubeObject;

export interface AdmissionOptions {
  /** DefaultTolerationSeconds: how long pods tolerate a not-ready or unreachable node (upstream 300). */
  defaultTolerationSeconds: number;
}

export function admissionPlugins(options: AdmissionOptions): AdmissionPlugin[] {
  return [
    (decl, obj) => (decl.group === '' && decl.kind === 'Pod' ? defaultTolerationSeconds(obj as any, options.defaultTolerationSeconds) : obj),
  ];
}
