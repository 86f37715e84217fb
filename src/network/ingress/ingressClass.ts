// The IngressClass skiff's controller implements, and which Ingresses are its to serve. As
// ingress-nginx decides: an Ingress naming a class (spec.ingressClassName, or the older
// kubernetes.io/ingress.class annotation) is served when that class is ours; one naming none
// is served when one of our classes is the cluster's default.

import type { IngressClass } from 'kubernetes-types/networking/v1.js';
import { classAnnotation, ingressClass as ingressClassKind, isDefaultClassAnnotation } from '../../api/groups/cluster/ingress.ts';
import type { KubeObject } from '../../api/kind.ts';
import { ApiError } from '../../apiserver/errors.ts';
import type { Client } from '../../client/client.ts';
import { resourceTypeOf } from '../../client/resourceTypes.ts';
import type { IngressObject } from './routingTable.ts';

export type IngressClassObject = IngressClass & KubeObject;

export const ingressClassType = resourceTypeOf(ingressClassKind);
export const ingressControllerName = 'skiff.dev/ingress';
export const defaultIngressClassName = 'skiff';

/** Creates the `skiff` IngressClass, the default one, when missing; an existing one is left as its owner made it. */
export async function ensureDefaultIngressClass(client: Client): Promise<void> {
  try {
    await client.create<IngressClassObject>(ingressClassType, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: defaultIngressClassName, annotations: { [isDefaultClassAnnotation]: 'true' } },
      spec: { controller: ingressControllerName },
    });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
  }
}

/** Whether an Ingress is ours, given the IngressClasses there are. */
export function servedBy(classes: IngressClassObject[]): (ing: IngressObject) => boolean {
  const ours = new Set(classes.filter((c) => c.spec?.controller === ingressControllerName).map((c) => c.metadata!.name!));
  const oursIsDefault = classes.some((c) => ours.has(c.metadata!.name!) && c.metadata?.annotations?.[isDefaultClassAnnotation] === 'true');
  return (ing) => {
    const className = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[classAnnotation];
    return className ? ours.has(className) : oursIsDefault;
  };
}
