// apiextensions.k8s.io/v1: CustomResourceDefinitions, which make new kinds servable.

import type { KindDeclaration } from '../kind.ts';
import { customResourceDefinition } from './apiextensions/crd.ts';

export const apiextensionsKinds: KindDeclaration[] = [customResourceDefinition];
