import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KindDeclaration } from '../kind.ts';
import { batchKinds } from './batch.ts';

const job = batchKinds.find((k) => k.kind === 'Job') as KindDeclaration;
const cronJob = batchKinds.find((k) => k.kind === 'CronJob') as KindDeclaration;
const cells = (decl: KindDeclaration, obj: any) => Object.fromEntries((decl.columns ?? []).map((c) => [c.name, c.cell(obj)]));
const messages = (errors: { field: string; message: string }[]) => errors.map((e) => `${e.field}: ${e.message}`);

const podTemplate = () => ({ spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } });

/** A Job as the apiserver creates it: defaults, then the registry's selector, with its uid. */
function createJob(spec: any = {}, labels?: Record<string, string>): any {
  const j: any = { metadata: { name: 'pi', namespace: 'default', uid: '1b2c3d4e', labels }, spec: { template: podTemplate(), ...spec } };
  job.defaults!(j);
  job.prepareForCreate!(j);
  return j;
}

test('a job gets upstream defaults', () => {
  const j = createJob();
  const { completions, parallelism, backoffLimit, completionMode, suspend, podReplacementPolicy, manualSelector } = j.spec;
  assert.deepEqual({ completions, parallelism, backoffLimit, completionMode, suspend, podReplacementPolicy, manualSelector }, {
    completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed', manualSelector: false,
  });
  assert.equal(createJob({ parallelism: 3 }).spec.completions, undefined);
  assert.equal(createJob({ completionMode: 'Indexed', completions: 4, backoffLimitPerIndex: 1 }).spec.backoffLimit, 2147483647);
});

test('creating a job generates its selector and pod labels from its uid and name', () => {
  const j = createJob();
  const generated = { 'batch.kubernetes.io/controller-uid': '1b2c3d4e', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': '1b2c3d4e', 'job-name': 'pi' };
  assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': '1b2c3d4e' } });
  assert.deepEqual(j.spec.template.metadata.labels, generated);
  // A job without labels of its own reads with its pods' labels, as upstream serves it.
  assert.deepEqual(j.metadata.labels, generated);
  assert.deepEqual(createJob({}, { team: 'a' }).metadata.labels, { team: 'a' });
  assert.deepEqual(job.validate!(j), []);
});

test('a job must not restart its pods always, and its generated labels must stay', () => {
  const j = createJob();
  j.spec.template.spec.restartPolicy = 'Always';
  j.spec.template.metadata.labels['controller-uid'] = 'other';
  assert.deepEqual(messages(job.validate!(j)), [
    'spec.template.metadata.labels[controller-uid]: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"1b2c3d4e", "batch.kubernetes.io/job-name":"pi", "controller-uid":"other", "job-name":"pi"}: must be \'1b2c3d4e\'',
    'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  ]);
});

test('a job template is immutable while the job runs', () => {
  const old = createJob();
  const changed = structuredClone(old);
  changed.spec.template.spec.containers[0].image = 'perl:5.36';
  assert.deepEqual(job.validate!(changed, old).map((e) => e.field), ['spec.template']);
  const parallel = structuredClone(old);
  parallel.spec.parallelism = 4;
  assert.deepEqual(job.validate!(parallel, old), []);
  parallel.spec.completions = 3;
  assert.deepEqual(messages(job.validate!(parallel, old)), ['spec.completions: Invalid value: 3: field is immutable']);
});

test('a suspended job that never started may change where its pods run', () => {
  const old = createJob({ suspend: true });
  const moved = structuredClone(old);
  moved.spec.template.spec.nodeSelector = { zone: 'a' };
  assert.deepEqual(job.validate!(moved, old), []);
});

test('job columns: status, completions, duration', () => {
  const j = createJob({ completions: 3 });
  j.status = { succeeded: 1, startTime: '2024-01-01T00:00:00Z', completionTime: '2024-01-01T00:02:05Z', conditions: [{ type: 'Complete', status: 'True' }] };
  assert.deepEqual([cells(job, j).Status, cells(job, j).Completions, cells(job, j).Duration], ['Complete', '1/3', '2m5s']);
  const running = createJob({ parallelism: 2, completions: undefined });
  delete running.spec.completions;
  assert.deepEqual([cells(job, running).Status, cells(job, running).Completions, cells(job, running).Duration], ['Running', '0/1 of 2', '']);
  running.status = { conditions: [{ type: 'Suspended', status: 'True' }] };
  assert.equal(cells(job, running).Status, 'Suspended');
  running.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  assert.equal(cells(job, running).Status, 'Terminating');
  assert.equal(job.fieldSelectors!['status.successful']({ status: { succeeded: 2 } }), '2');
});

test('an indexed job name must leave room for the pod index', () => {
  const j = createJob({ completionMode: 'Indexed', completions: 10 });
  j.metadata.name = 'x'.repeat(62);
  j.spec.template.metadata.labels['job-name'] = j.metadata.name;
  j.spec.template.metadata.labels['batch.kubernetes.io/job-name'] = j.metadata.name;
  assert.deepEqual(job.validate!(j).map((e) => e.message), [`Invalid value: "${'x'.repeat(62)}": will not able to create pod with invalid DNS label: ${'x'.repeat(62)}-9`]);
});

function newCronJob(spec: any = {}, name = 'report'): any {
  const c = { metadata: { name, namespace: 'default' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate() } }, ...spec } };
  cronJob.defaults!(c);
  return c;
}

test('a cron job gets upstream defaults and validates', () => {
  const c = newCronJob();
  const { concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit } = c.spec;
  assert.deepEqual({ concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit }, { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  assert.deepEqual(cronJob.validate!(c), []);
});

test('cron job schedules and time zones are checked as upstream', () => {
  assert.deepEqual(messages(cronJob.validate!(newCronJob({ schedule: '61 * * * *' }))), ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
  assert.deepEqual(messages(cronJob.validate!(newCronJob({ schedule: 'CRON_TZ=UTC 0 * * * *' }))), ['spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
  assert.deepEqual(cronJob.validate!(newCronJob({ timeZone: 'Europe/Paris' })), []);
  assert.deepEqual(messages(cronJob.validate!(newCronJob({ timeZone: 'Mars/Olympus' }))), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
  assert.deepEqual(messages(cronJob.validate!(newCronJob({ timeZone: 'Local' }))), ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);
  assert.deepEqual(messages(cronJob.validate!(newCronJob({ concurrencyPolicy: 'Sometimes' }))), ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']);
});

test('cron job names leave room for the job suffix, and job templates get no selector', () => {
  assert.deepEqual(messages(cronJob.validate!(newCronJob({}, 'x'.repeat(53)))), [`metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`]);
  const c = newCronJob();
  c.spec.jobTemplate.spec.selector = { matchLabels: { a: 'b' } };
  assert.deepEqual(messages(cronJob.validate!(c)), ['spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated']);
});

test('cron job columns', () => {
  const c = newCronJob({ timeZone: 'Europe/Paris' });
  c.status = { active: [{ name: 'report-1' }], lastScheduleTime: new Date(Date.now() - 30_000).toISOString() };
  const row = cells(cronJob, c);
  assert.deepEqual([row.Schedule, row.Timezone, row.Suspend, row.Active, row['Last Schedule'], row.Containers, row.Images], ['*/5 * * * *', 'Europe/Paris', 'False', 1, '30s', 'pi', 'perl:5.34']);
  const fresh = cells(cronJob, { spec: { schedule: '@daily' } });
  assert.deepEqual([fresh.Timezone, fresh.Suspend, fresh.Active, fresh['Last Schedule']], ['<none>', '<unset>', 0, '<none>']);
});
