// batch/v1: run-to-completion work, one file each under batch/.

import type { KindDeclaration } from '../kind.ts';
import { cronJob } from './batch/cronJob.ts';
import { job } from './batch/job.ts';

export const batchKinds: KindDeclaration[] = [job, cronJob];
