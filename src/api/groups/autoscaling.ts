// autoscaling/v2 (stored) and v1 (served by conversion).

import type { KindDeclaration } from '../kind.ts';

export const autoscalingKinds: KindDeclaration[] = [
  {
    group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler',
    namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: { status: true }, generation: true,
  },
];
