// The table kube-apiserver serves for kinds without a printer: Name and Created At (an
// RFC 3339 date kubectl shows as-is), instead of AGE.

import type { Column } from '../kind.ts';

export const createdAtColumn: Column = {
  name: 'Created At', type: 'date', description: 'When the object was created (metadata.creationTimestamp).',
  cell: (o) => o.metadata?.creationTimestamp ?? '',
};
