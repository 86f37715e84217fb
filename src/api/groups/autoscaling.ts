// autoscaling/v2 (stored) and autoscaling/v1 (served by conversion): HorizontalPodAutoscalers.
// The Scale subresource's autoscaling/v1 Scale is built by the apiserver, not declared here.

import type { KindDeclaration } from '../kind.ts';
import { defaultHPA, hpaColumns, validateHPA } from './autoscaling/hpa.ts';
import { hpaV1 } from './autoscaling/hpaV1.ts';

export const autoscalingKinds: KindDeclaration[] = [
  {
    group: 'autoscaling', version: 'v2', otherVersions: [hpaV1], kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler',
    namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: { status: true }, generation: true,
    columns: hpaColumns,
    defaults: defaultHPA,
    validate: validateHPA,
  },
];
