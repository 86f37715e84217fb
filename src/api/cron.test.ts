import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTimeZone, nextRun, parseCron } from './cron.ts';

const utc = (s: string) => new Date(`${s}Z`);
const next = (expr: string, after: string) => nextRun(parseCron(`CRON_TZ=UTC ${expr}`), utc(after))?.toISOString();

test('every minute fires at the next whole minute', () => {
  assert.equal(next('* * * * *', '2024-01-01T10:00:30'), '2024-01-01T10:01:00.000Z');
  assert.equal(next('* * * * *', '2024-01-01T10:00:00'), '2024-01-01T10:01:00.000Z');
});

test('steps, ranges and lists', () => {
  assert.equal(next('*/15 * * * *', '2024-01-01T10:16:00'), '2024-01-01T10:30:00.000Z');
  assert.equal(next('5-10/2 * * * *', '2024-01-01T10:07:00'), '2024-01-01T10:09:00.000Z');
  assert.equal(next('0 9,17 * * *', '2024-01-01T10:00:00'), '2024-01-01T17:00:00.000Z');
  assert.equal(next('30 2/6 * * *', '2024-01-01T03:00:00'), '2024-01-01T08:30:00.000Z');
});

test('month and weekday names are case-insensitive', () => {
  // 2024-01-01 is a Monday.
  assert.equal(next('0 0 * * FRI', '2024-01-01T00:00:00'), '2024-01-05T00:00:00.000Z');
  assert.equal(next('0 0 1 mar *', '2024-01-01T00:00:00'), '2024-03-01T00:00:00.000Z');
  assert.equal(next('0 0 * * mon-wed', '2024-01-03T12:00:00'), '2024-01-08T00:00:00.000Z');
});

test('day-of-month and day-of-week match either when both are restricted', () => {
  // The 15th, or any Sunday: 2024-01-07 is the first Sunday.
  assert.equal(next('0 0 15 * 0', '2024-01-01T00:00:00'), '2024-01-07T00:00:00.000Z');
  // With a star in one of them, both must match.
  assert.equal(next('0 0 15 * *', '2024-01-01T00:00:00'), '2024-01-15T00:00:00.000Z');
  assert.equal(next('0 0 ? * 0', '2024-01-01T00:00:00'), '2024-01-07T00:00:00.000Z');
});

test('descriptors', () => {
  assert.equal(next('@hourly', '2024-01-01T10:20:00'), '2024-01-01T11:00:00.000Z');
  assert.equal(next('@daily', '2024-01-01T10:20:00'), '2024-01-02T00:00:00.000Z');
  assert.equal(next('@midnight', '2024-01-01T10:20:00'), '2024-01-02T00:00:00.000Z');
  assert.equal(next('@weekly', '2024-01-01T10:20:00'), '2024-01-07T00:00:00.000Z');
  assert.equal(next('@monthly', '2024-01-01T10:20:00'), '2024-02-01T00:00:00.000Z');
  assert.equal(next('@yearly', '2024-01-01T10:20:00'), '2025-01-01T00:00:00.000Z');
  assert.equal(next('@annually', '2024-01-01T10:20:00'), '2025-01-01T00:00:00.000Z');
  assert.equal(next('@every 1h30m', '2024-01-01T10:20:00.700'), '2024-01-01T11:50:00.000Z');
});

test('leap days and impossible dates', () => {
  assert.equal(next('0 0 29 2 *', '2025-01-01T00:00:00'), '2028-02-29T00:00:00.000Z');
  assert.equal(next('0 0 30 2 *', '2025-01-01T00:00:00'), undefined);
});

test('a time zone prefix schedules in that zone, across DST', () => {
  const ny = parseCron('CRON_TZ=America/New_York 30 9 * * *');
  // 09:30 EST is 14:30 UTC; after the March 10 2024 switch it is 13:30 UTC.
  assert.equal(nextRun(ny, utc('2024-03-08T15:00:00'))?.toISOString(), '2024-03-09T14:30:00.000Z');
  assert.equal(nextRun(ny, utc('2024-03-09T15:00:00'))?.toISOString(), '2024-03-10T13:30:00.000Z');
  // 02:30 does not exist on the spring-forward day: that day is skipped, as upstream.
  const gap = parseCron('TZ=America/New_York 30 2 * * *');
  assert.equal(nextRun(gap, utc('2024-03-09T08:00:00'))?.toISOString(), '2024-03-11T06:30:00.000Z');
});

test('syntax errors read as upstream', () => {
  assert.throws(() => parseCron('* * * *'), { message: 'expected exactly 5 fields, found 4: [* * * *]' });
  assert.throws(() => parseCron('60 * * * *'), { message: 'end of range (60) above maximum (59): 60' });
  assert.throws(() => parseCron('* * 0 * *'), { message: 'beginning of range (0) below minimum (1): 0' });
  assert.throws(() => parseCron('* * * * 7'), { message: 'end of range (7) above maximum (6): 7' });
  assert.throws(() => parseCron('5-1 * * * *'), { message: 'beginning of range (5) beyond end of range (1): 5-1' });
  assert.throws(() => parseCron('*/0 * * * *'), { message: 'step of range should be a positive number: */0' });
  assert.throws(() => parseCron('1-2-3 * * * *'), { message: 'too many hyphens: 1-2-3' });
  assert.throws(() => parseCron('*/1/2 * * * *'), { message: 'too many slashes: */1/2' });
  assert.throws(() => parseCron('x * * * *'), { message: 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax' });
  assert.throws(() => parseCron('@fortnightly'), { message: 'unrecognized descriptor: @fortnightly' });
  assert.throws(() => parseCron(''), { message: 'empty spec string' });
  assert.throws(() => parseCron('CRON_TZ=Mars/Base * * * * *'), { message: 'provided bad location Mars/Base: unknown time zone Mars/Base' });
  assert.throws(() => parseCron('@every soon'), { message: 'failed to parse duration @every soon: time: invalid duration "soon"' });
});

test('time zones load as Go loads them', () => {
  assert.equal(loadTimeZone('Europe/Berlin'), 'Europe/Berlin');
  assert.equal(loadTimeZone(''), 'UTC');
  assert.throws(() => loadTimeZone('+01:00'), { message: 'unknown time zone +01:00' });
  assert.throws(() => loadTimeZone('Nowhere/Town'), { message: 'unknown time zone Nowhere/Town' });
});
