// Binding: the scheduler's "this pod runs on that node" (POST pods/binding or bindings).

import type { KindDeclaration } from '../../kind.ts';
import type { FieldError } from '../../../apiserver/errors.ts';
import { required, unsupported } from '../../validation.ts';

export const binding: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'Binding',
  plural: 'bindings',
  singular: 'binding',
  namespaced: true,
  verbs: ['create'],
  validate: (b) => {
    const errs: FieldError[] = [];
    const target = b.target ?? {};
    if (target.kind && target.kind !== 'Node') errs.push(unsupported('target.kind', target.kind, ['Node', '<empty>']));
    if (!target.name) errs.push(required('target.name', ''));
    return errs;
  },
};
