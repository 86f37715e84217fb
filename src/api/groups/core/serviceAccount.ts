// ServiceAccount: an identity for processes in pods.

import type { KindDeclaration } from '../../kind.ts';
import { ageColumn } from './format.ts';

export const serviceAccount: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  columns: [
    { name: 'Secrets', type: 'string', description: 'Number of secrets listed for this service account.', cell: (sa) => (sa.secrets ?? []).length },
    ageColumn,
  ],
};
