// batch/v1 CronJob: printer columns, SetDefaults_CronJob and ValidateCronJobCreate/Update,
// with schedules checked by the cron parser the CronJob controller uses.

import type { FieldError } from '../../../apiserver/errors.ts';
import { invalidValue, maxLenError, required, unsupported, validateNonnegative } from '../../validation.ts';
import { since } from '../../age.ts';
import { loadTimeZone, parseCron } from '../../cron.ts';
import { defaultPodTemplateSpec } from '../core/podSpec.ts';
import { ageColumn, containerCells, formatLabelSelector } from '../core/format.ts';
import { goLabelSelector, invalidGo } from '../goValues.ts';
import type { KindDeclaration } from '../../kind.ts';
import { validateJobSpec } from './job.ts';

export const cronJob: KindDeclaration = {
  group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', namespaced: true,
  shortNames: ['cj'], categories: ['all'], generation: true, subresources: { status: true },
  columns: [
    { name: 'Schedule', type: 'string', description: 'The cron schedule.', cell: (c) => c.spec?.schedule ?? '' },
    { name: 'Timezone', type: 'string', description: 'The time zone the schedule is read in.', cell: (c) => c.spec?.timeZone ?? '<none>' },
    { name: 'Suspend', type: 'boolean', description: 'Whether new runs are held back.', cell: (c) => boolCell(c.spec?.suspend) },
    { name: 'Active', type: 'integer', description: 'Jobs of this cron job still running.', cell: (c) => (c.status?.active ?? []).length },
    { name: 'Last Schedule', type: 'string', description: 'When a job was last scheduled.', cell: (c) => (c.status?.lastScheduleTime ? since(c.status.lastScheduleTime) : '<none>') },
    ageColumn,
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the containers in the job template.', cell: (c) => containerCells(jobPodSpec(c)?.containers).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the containers in the job template.', cell: (c) => containerCells(jobPodSpec(c)?.containers).images },
    { name: 'Selector', type: 'string', priority: 1, description: 'Label selector of the job template.', cell: (c) => formatLabelSelector(c.spec?.jobTemplate?.spec?.selector) },
  ],
  defaults: defaultCronJob,
  validate: validateCronJob,
};

const jobPodSpec = (c: any) => c.spec?.jobTemplate?.spec?.template?.spec;

// Upstream prints the *bool as a string: True, False, or <unset>.
function boolCell(value: boolean | undefined): string {
  if (value === undefined || value === null) return '<unset>';
  return value ? 'True' : 'False';
}

export function defaultCronJob(c: any): void {
  const spec = (c.spec ??= {});
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = ((spec.jobTemplate ??= {}).spec ??= {});
  defaultPodTemplateSpec((jobSpec.template ??= {}));
}

// The controller names jobs "<cronjob>-<scheduled minute>": up to 11 more characters in 63.
const maxNameLength = 63 - 11;

export function validateCronJob(c: any, old?: any): FieldError[] {
  const spec = c.spec ?? {};
  const oldSpec = old?.spec;
  const errs: FieldError[] = [];
  if (!spec.schedule) errs.push(required('spec.schedule', ''));
  else errs.push(...validateSchedule(spec.schedule, oldSpec ? String(oldSpec.schedule ?? '').includes('TZ') : false, spec.timeZone));
  errs.push(...validateNonnegative(spec.startingDeadlineSeconds ?? undefined, 'spec.startingDeadlineSeconds'));
  if (!oldSpec || (oldSpec.timeZone ?? null) !== (spec.timeZone ?? null)) errs.push(...validateTimeZone(spec.timeZone));
  const policies = ['Allow', 'Forbid', 'Replace'];
  if (!spec.concurrencyPolicy) errs.push(required('spec.concurrencyPolicy', ''));
  else if (!policies.includes(spec.concurrencyPolicy)) errs.push(unsupported('spec.concurrencyPolicy', spec.concurrencyPolicy, policies));
  errs.push(...validateJobTemplate(spec.jobTemplate?.spec ?? {}));
  errs.push(...validateNonnegative(spec.successfulJobsHistoryLimit ?? undefined, 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegative(spec.failedJobsHistoryLimit ?? undefined, 'spec.failedJobsHistoryLimit'));
  // Only on create: older cron jobs with longer names stay updatable.
  const name: string = c.metadata?.name ?? '';
  if (!old && name.length > maxNameLength) errs.push(invalidValue('metadata.name', name, maxLenError(maxNameLength)));
  return errs;
}

function validateSchedule(schedule: string, allowTZInSchedule: boolean, timeZone: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  try {
    parseCron(schedule);
  } catch (err) {
    errs.push(invalidValue('spec.schedule', schedule, (err as Error).message));
  }
  if (schedule.includes('TZ')) {
    if (!allowTZInSchedule) errs.push(invalidValue('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    else if (timeZone != null) errs.push(invalidValue('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  }
  return errs;
}

// IANA names: components of at most 14 letters, digits and ".-_+", no "." or "..", no leading "-".
const timeZoneComponent = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(timeZone: string | undefined | null): FieldError[] {
  if (timeZone === undefined || timeZone === null) return [];
  const path = 'spec.timeZone';
  if (timeZone === '') return [invalidValue(path, timeZone, 'timeZone must be nil or non-empty string')];
  for (const part of timeZone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !timeZoneComponent.test(part)) return [invalidValue(path, timeZone, `unknown time zone ${timeZone}`)];
  }
  const errs: FieldError[] = [];
  if (timeZone.toLowerCase() === 'local') errs.push(invalidValue(path, timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  try {
    loadTimeZone(timeZone);
  } catch (err) {
    errs.push(invalidValue(path, timeZone, (err as Error).message));
  }
  return errs;
}

/** ValidateJobTemplateSpec: a job spec whose selector the controller generates. */
function validateJobTemplate(jobSpec: any): FieldError[] {
  const path = 'spec.jobTemplate.spec';
  const errs = validateJobSpec(jobSpec, path);
  if (jobSpec.selector) errs.push(invalidGo(`${path}.selector`, goLabelSelector(jobSpec.selector), '`selector` will be auto-generated'));
  if (jobSpec.manualSelector === true) errs.push(unsupported(`${path}.manualSelector`, true, ['nil', 'false']));
  return errs;
}
