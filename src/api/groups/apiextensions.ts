// apiextensions.k8s.io/v1: CustomResourceDefinitions, which make new kinds servable.

import type { KindDeclaration } from '../kind.ts';

export const apiextensionsKinds: KindDeclaration[] = [
  {
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', singular: 'customresourcedefinition',
    namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: { status: true }, generation: true,
  },
];
