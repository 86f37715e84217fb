// A controller's pod from its template, as upstream's GetPodFromTemplate: generateName
// "<owner>-" (the apiserver appends 5 random characters), the template's labels, annotations
// and finalizers, its spec, and the controller reference.

import type { OwnerReference } from '../../api/kind.ts';
import type { Pod, PodTemplateSpec } from '../../api/objects.ts';

export function podFromTemplate(template: PodTemplateSpec, ownerName: string, namespace: string, controllerRef: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ownerName}-`,
      namespace,
      labels: { ...meta.labels },
      ownerReferences: [controllerRef],
    },
    spec: structuredClone(template.spec)!,
  };
  if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata!.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata!.finalizers = [...meta.finalizers];
  return pod;
}
