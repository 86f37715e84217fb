// CronJob schedules, parsed and stepped as upstream does it (robfig/cron v3's ParseStandard,
// which the CronJob validation and controller use): five fields (minute hour day-of-month
// month day-of-week) with lists, ranges, steps and names, the @yearly/@monthly/@weekly/
// @daily/@hourly/@every descriptors, and an optional `CRON_TZ=<zone> `/`TZ=<zone> ` prefix.
// Error messages are the library's, since the API prints them in validation errors.

/** A parsed schedule. Times are computed in `timeZone` (the process's zone when unset). */
export type CronSchedule = SpecSchedule | EverySchedule;

export interface SpecSchedule {
  kind: 'spec';
  timeZone?: string;
  minute: CronField;
  hour: CronField;
  dayOfMonth: CronField;
  month: CronField;
  dayOfWeek: CronField;
}

/** `@every <duration>`: a fixed delay, whole seconds, at least one. */
export interface EverySchedule {
  kind: 'every';
  timeZone?: string;
  delayMs: number;
}

/** The values a field matches; `star` records a `*` or `?` (it changes how the two day fields combine). */
export interface CronField {
  values: ReadonlySet<number>;
  star: boolean;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const daysOfMonth: Bounds = { min: 1, max: 31 };
const months: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const daysOfWeek: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** Parses a schedule; throws an Error worded as upstream's parser when it is not one. */
export function parseCron(expr: string): CronSchedule {
  let spec = expr;
  if (spec.length === 0) throw new Error('empty spec string');
  let timeZone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    // Upstream's parser panics here and the API reports the recovered panic.
    if (space < 0) throw new Error('invalid schedule format: runtime error: slice bounds out of range [:-1]');
    const zone = spec.slice(spec.indexOf('=') + 1, space);
    timeZone = loadTimeZone(zone, (message) => `provided bad location ${zone}: ${message}`);
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, timeZone);
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return {
    kind: 'spec',
    timeZone,
    minute: parseField(fields[0], minutes),
    hour: parseField(fields[1], hours),
    dayOfMonth: parseField(fields[2], daysOfMonth),
    month: parseField(fields[3], months),
    dayOfWeek: parseField(fields[4], daysOfWeek),
  };
}

/**
 * The first activation strictly after `after` (to the second, as upstream), or undefined
 * when the schedule cannot fire within five years (e.g. "0 0 30 2 *").
 */
export function nextRun(schedule: CronSchedule, after: Date): Date | undefined {
  const afterMs = after.getTime();
  if (schedule.kind === 'every') return new Date(afterMs - (afterMs % 1000) + schedule.delayMs);
  return nextSpecRun(schedule, afterMs, zoneClock(schedule.timeZone ?? localTimeZone()));
}

/**
 * Checks an IANA zone name as Go's time.LoadLocation would (UTC and Local are built in);
 * returns the name, or throws with `wrap` applied to "unknown time zone X".
 */
export function loadTimeZone(zone: string, wrap: (message: string) => string = (m) => m): string {
  if (zone === '' || zone === 'UTC') return 'UTC';
  if (zone === 'Local') return localTimeZone();
  if (isIanaZoneName(zone)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone;
    } catch {
      // fall through: ICU does not know it
    }
  }
  throw new Error(wrap(`unknown time zone ${zone}`));
}

// Zone names are files under zoneinfo: slash-separated components of letters, digits and
// "._+-". Intl also accepts offsets like "+01:00", which Go does not.
function isIanaZoneName(zone: string): boolean {
  return zone.split('/').every((part) => /^[A-Za-z0-9._+-]+$/.test(part) && part !== '.' && part !== '..');
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

function parseDescriptor(descriptor: string, timeZone: string | undefined): CronSchedule {
  const at = (value: number): CronField => ({ values: new Set([value]), star: false });
  const all = (bounds: Bounds): CronField => ({ values: range(bounds.min, bounds.max, 1), star: true });
  const midnight = { kind: 'spec' as const, timeZone, minute: at(0), hour: at(0) };
  switch (descriptor) {
    case '@yearly':
    case '@annually':
      return { ...midnight, dayOfMonth: at(1), month: at(1), dayOfWeek: all(daysOfWeek) };
    case '@monthly':
      return { ...midnight, dayOfMonth: at(1), month: all(months), dayOfWeek: all(daysOfWeek) };
    case '@weekly':
      return { ...midnight, dayOfMonth: all(daysOfMonth), month: all(months), dayOfWeek: at(0) };
    case '@daily':
    case '@midnight':
      return { ...midnight, dayOfMonth: all(daysOfMonth), month: all(months), dayOfWeek: all(daysOfWeek) };
    case '@hourly':
      return { ...midnight, hour: all(hours), dayOfMonth: all(daysOfMonth), month: all(months), dayOfWeek: all(daysOfWeek) };
  }
  const every = '@every ';
  if (descriptor.startsWith(every)) {
    const text = descriptor.slice(every.length);
    const ms = parseGoDuration(text);
    if (ms === undefined) throw new Error(`failed to parse duration ${descriptor}: time: invalid duration "${text}"`);
    // Upstream rounds down to whole seconds, with one second as the floor.
    return { kind: 'every', timeZone, delayMs: Math.max(1000, ms - (ms % 1000)) };
  }
  throw new Error(`unrecognized descriptor: ${descriptor}`);
}

/** A comma-separated list of ranges; empty list items are skipped, as upstream. */
function parseField(field: string, bounds: Bounds): CronField {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',').filter(Boolean)) {
    const part = parseRange(expr, bounds);
    for (const v of part.values) values.add(v);
    star ||= part.star;
  }
  return { values, star };
}

// number | name | "*" | "?", optionally "-" end, optionally "/" step. "N/step" runs to the max;
// a step above one clears the star marker.
function parseRange(expr: string, bounds: Bounds): CronField {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], bounds.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], bounds.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseNonNegativeInt(rangeAndStep[1]);
    if (lowAndHigh.length === 1) end = bounds.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new Error(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) throw new Error(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new Error(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  return { values: range(start, end, step), star };
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? parseNonNegativeInt(expr);
}

// Go's strconv.Atoi (optional sign, decimal digits), then the library's negative check.
function parseNonNegativeInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function range(start: number, end: number, step: number): Set<number> {
  const values = new Set<number>();
  for (let v = start; v <= end; v += step) values.add(v);
  return values;
}

const goDurationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration ("1h30m", "90s", "1.5h"), in milliseconds; undefined if malformed. */
function parseGoDuration(text: string): number | undefined {
  const m = /^([+-]?)((?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (text === '0') return 0;
  if (!m) return undefined;
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(value) * goDurationUnits[unit];
  return m[1] === '-' ? -total : total;
}

// ---- Stepping through wall-clock time in a zone ----

interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

interface ZoneClock {
  /** The wall clock at an instant. */
  at(ms: number): WallClock;
  /** The instant of a wall-clock time, normalizing overflow (Go's time.Date). */
  instant(year: number, month: number, day: number, hour: number, minute: number, second: number): number;
}

const minuteMs = 60_000;
const hourMs = 3_600_000;

// Upstream's SpecSchedule.Next: advance the month, then the day, hour, minute and second
// until each matches, restarting from the month whenever a field wraps. Days and months
// move by wall-clock dates, hours and smaller by elapsed time, so DST gaps skip a run
// and repeated hours may run twice, as upstream.
function nextSpecRun(s: SpecSchedule, afterMs: number, zone: ZoneClock): Date | undefined {
  let t = afterMs - (((afterMs % 1000) + 1000) % 1000) + 1000;
  let added = false;
  const yearLimit = zone.at(t).year + 5;
  wrap: for (;;) {
    let c = zone.at(t);
    if (c.year > yearLimit) return undefined;

    while (!s.month.values.has(c.month)) {
      if (!added) {
        added = true;
        t = zone.instant(c.year, c.month, 1, 0, 0, 0);
        c = zone.at(t);
      }
      t = zone.instant(c.year, c.month + 1, c.day, c.hour, c.minute, c.second);
      c = zone.at(t);
      if (c.month === 1) continue wrap;
    }

    while (!dayMatches(s, c)) {
      if (!added) {
        added = true;
        t = zone.instant(c.year, c.month, c.day, 0, 0, 0);
        c = zone.at(t);
      }
      t = zone.instant(c.year, c.month, c.day + 1, c.hour, c.minute, c.second);
      c = zone.at(t);
      // Midnight may not exist on a DST day: land back on it.
      if (c.hour !== 0) {
        t += c.hour > 12 ? (24 - c.hour) * hourMs : -c.hour * hourMs;
        c = zone.at(t);
      }
      if (c.day === 1) continue wrap;
    }

    while (!s.hour.values.has(c.hour)) {
      if (!added) {
        added = true;
        t = zone.instant(c.year, c.month, c.day, c.hour, 0, 0);
      }
      t += hourMs;
      c = zone.at(t);
      if (c.hour === 0) continue wrap;
    }

    while (!s.minute.values.has(c.minute)) {
      if (!added) {
        added = true;
        t -= ((t % minuteMs) + minuteMs) % minuteMs;
      }
      t += minuteMs;
      c = zone.at(t);
      if (c.minute === 0) continue wrap;
    }

    // Standard schedules fire at second 0.
    while (c.second !== 0) {
      if (!added) {
        added = true;
        t -= ((t % 1000) + 1000) % 1000;
      }
      t += 1000;
      c = zone.at(t);
      if (c.second === 0) continue wrap;
    }
    return new Date(t);
  }
}

// With a `*` in either day field both must match; otherwise either may (cron's odd rule).
function dayMatches(s: SpecSchedule, c: WallClock): boolean {
  const dom = s.dayOfMonth.values.has(c.day);
  const dow = s.dayOfWeek.values.has(c.weekday);
  return s.dayOfMonth.star || s.dayOfWeek.star ? dom && dow : dom || dow;
}

const zoneClocks = new Map<string, ZoneClock>();

function zoneClock(timeZone: string): ZoneClock {
  let clock = zoneClocks.get(timeZone);
  if (!clock) {
    clock = timeZone === 'UTC' ? utcClock : intlClock(timeZone);
    zoneClocks.set(timeZone, clock);
  }
  return clock;
}

const utcClock: ZoneClock = {
  at: (ms) => utcWall(ms),
  instant: (y, mo, d, h, mi, s) => Date.UTC(y, mo - 1, d, h, mi, s),
};

function utcWall(ms: number): WallClock {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
}

function intlClock(timeZone: string): ZoneClock {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  // The zone's offset at an instant: its wall clock read as if it were UTC, minus the instant.
  const offsetAt = (ms: number): number => {
    const p: Record<string, number> = {};
    for (const { type, value } of format.formatToParts(new Date(ms))) p[type] = Number(value);
    const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return wallAsUtc - (ms - (((ms % 1000) + 1000) % 1000));
  };
  return {
    at: (ms) => utcWall(ms + offsetAt(ms)),
    // Go's time.Date: guess the offset at the wall time read as UTC; if that guess puts the
    // instant in another offset's period, use that period's offset instead.
    instant: (y, mo, d, h, mi, s) => {
      const wall = Date.UTC(y, mo - 1, d, h, mi, s);
      const guess = offsetAt(wall);
      const actual = offsetAt(wall - guess);
      return wall - (actual === guess ? guess : actual);
    },
  };
}
