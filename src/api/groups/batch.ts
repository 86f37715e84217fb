// batch/v1: run-to-completion work.

import type { KindDeclaration } from '../kind.ts';

const batch = { group: 'batch', version: 'v1', generation: true };

export const batchKinds: KindDeclaration[] = [
  { ...batch, kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, categories: ['all'], subresources: { status: true } },
  { ...batch, kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: { status: true } },
];
