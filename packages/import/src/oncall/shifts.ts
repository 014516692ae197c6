/**
 * OnCall on-call shifts → Klaxon layers and overrides. OnCall expands each shift as an iCal event
 * (`start` is a local wall-clock time in the shift's `time_zone`, else the schedule's; each event lasts
 * `duration` seconds of local time; `frequency`/`interval`/`by_day`/`week_start` are an RRULE; a
 * `rolling_users` shift gives each group of users one period in turn). A layer is exact when the shift
 * covers whole periods, or covers daily (or, with `interval` 1, weekly) windows Klaxon restrictions
 * express; anything else is imported with the closest layer and a note saying what differs.
 */
import { WEEKDAYS, type Weekday } from '@klaxon/engine';
import { DateTime } from 'luxon';
import type { OcShift } from './types.ts';

const ICAL_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const TYPES = { hourly: ['hourly', 3600], daily: ['daily', 86_400], weekly: ['weekly', 604_800] } as const;
const DAY = 86_400;

export interface LayerOut {
  name: string;
  users: string[];
  rotation: {
    type: 'hourly' | 'daily' | 'weekly';
    every: number;
    start: string;
    handoffTime: string;
    handoffWeekday?: Weekday;
  };
  restrictions?: { days: Weekday[]; from: string; to: string }[];
}
export interface OverrideOut {
  user: string;
  from: string;
  to: string;
}
export type ShiftResult =
  | { kind: 'layer'; level: number; layer: LayerOut; notes: string[] }
  | { kind: 'override'; overrides: OverrideOut[]; notes: string[] }
  | { kind: 'skipped'; notes: string[] };

/** A local wall-clock start plus `seconds` of local time, as OnCall computes an event's end. */
export function localPlus(start: DateTime, seconds: number): DateTime {
  const naive = DateTime.fromObject(
    {
      year: start.year,
      month: start.month,
      day: start.day,
      hour: start.hour,
      minute: start.minute,
      second: start.second,
    },
    { zone: 'UTC' },
  ).plus({ seconds });
  return DateTime.fromObject(
    {
      year: naive.year,
      month: naive.month,
      day: naive.day,
      hour: naive.hour,
      minute: naive.minute,
      second: naive.second,
    },
    { zone: start.zone },
  );
}

export function shiftStart(shift: OcShift, zone: string): DateTime | null {
  const dt = DateTime.fromISO(shift.start, { zone });
  return dt.isValid ? dt : null;
}

const hhmm = (minutes: number): string => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** The users of each period in turn (first of each group), and a note when a group has several. */
function rotationUsers(
  shift: OcShift,
  userId: (oc: string) => string | undefined,
  notes: string[],
): string[] | null {
  let groups: string[][];
  if (shift.type === 'rolling_users') {
    groups = (shift.rolling_users ?? []).filter((g) => Array.isArray(g) && g.length > 0);
    const from = shift.start_rotation_from_user_index ?? 0;
    if (from > 0 && from < groups.length) groups = [...groups.slice(from), ...groups.slice(0, from)];
  } else groups = shift.users && shift.users.length > 0 ? [shift.users] : [];
  if (groups.length === 0) return null;
  const out: string[] = [];
  for (const g of groups) {
    const known = g.map(userId);
    const first = known.find((u) => u !== undefined);
    if (!first) return null;
    if (g.length > 1)
      notes.push(
        `OnCall puts ${g.length} people on call at once (${g.join(', ')}); a Klaxon layer has one person at a time, so ${first} is on call here: add the others to the escalation steps that target this schedule, or give them a schedule of their own`,
      );
    out.push(first);
  }
  return out;
}

/** Windows that cover `duration` seconds from `startMinute` on `firstDay`, in chunks of at most 24 h. */
function windows(
  firstDay: number,
  startMinute: number,
  duration: number,
): { days: Weekday[]; from: string; to: string }[] {
  const out: { days: Weekday[]; from: string; to: string }[] = [];
  for (let d = 0, left = duration; left > 0; d++, left -= DAY) {
    const len = Math.min(DAY, left) / 60;
    out.push({ days: [WEEKDAYS[(firstDay + d) % 7]!], from: hhmm(startMinute), to: hhmm(startMinute + len) });
  }
  return out;
}

/**
 * Maps one shift of a schedule whose Klaxon zone is `zone`. `now` drops overrides that are over.
 */
export function mapShift(
  shift: OcShift,
  zone: string,
  userId: (oc: string) => string | undefined,
  now: number,
): ShiftResult {
  const notes: string[] = [];
  const start = shiftStart(shift, shift.time_zone || zone)?.setZone(zone);
  if (!start) return { kind: 'skipped', notes: [`start ${shift.start} is not a date-time`] };
  if (!(shift.duration > 0)) return { kind: 'skipped', notes: ['duration is not positive'] };
  if (shift.time_zone && shift.time_zone !== zone)
    notes.push(
      `its time zone ${shift.time_zone} differs from the schedule's ${zone}: its handoffs are kept at ${zone} local time, which moves them by an hour while only one of the two zones is on summer time`,
    );
  if (shift.type === 'override' || shift.type === 'single_event' || !shift.frequency) {
    const users =
      shift.type === 'rolling_users' || shift.type === 'override'
        ? (shift.rolling_users?.[0] ?? shift.users ?? [])
        : (shift.users ?? []);
    const user = users.map(userId).find((u) => u !== undefined);
    if (!user) return { kind: 'skipped', notes: ['nobody on it that was imported'] };
    const end = localPlus(start, shift.duration);
    if (end.toMillis() <= now)
      return { kind: 'skipped', notes: [`ended at ${end.toUTC().toISO()}: nothing to import`] };
    if (users.length > 1) notes.push(`${users.length} people at once; Klaxon's override has one: ${user}`);
    if (shift.type !== 'override')
      notes.push('a one-off shift became a Klaxon override, which wins over every layer whatever its level');
    const from = start.toUTC().toISO({ suppressMilliseconds: true })!;
    return {
      kind: 'override',
      overrides: [{ user, from, to: end.toUTC().toISO({ suppressMilliseconds: true })! }],
      notes,
    };
  }
  if (shift.type !== 'rolling_users' && shift.type !== 'recurrent_event')
    return {
      kind: 'skipped',
      notes: [`shift type ${shift.type} is unknown to the importer: recreate it by hand`],
    };
  if (!Object.hasOwn(TYPES, shift.frequency))
    return {
      kind: 'skipped',
      notes: [
        `frequency ${shift.frequency}: Klaxon rotations are hourly, daily or weekly; recreate it by hand (e.g. as weekly with every: 4)`,
      ],
    };
  if ((shift.by_month?.length ?? 0) > 0 || (shift.by_monthday?.length ?? 0) > 0)
    return {
      kind: 'skipped',
      notes: ['by_month/by_monthday have no Klaxon equivalent: recreate this shift by hand'],
    };
  const [type, unitSeconds] = TYPES[shift.frequency as keyof typeof TYPES];
  const every = shift.interval ?? 1;
  if (!Number.isInteger(every) || every < 1 || every > 52)
    return { kind: 'skipped', notes: [`interval ${every}: Klaxon takes 1 to 52`] };
  const users = rotationUsers(shift, userId, notes);
  if (!users) return { kind: 'skipped', notes: ['no imported user on it'] };
  if (start.second !== 0)
    notes.push(
      `starts at ${start.toFormat('HH:mm:ss')}; Klaxon handoffs are whole minutes, so ${start.toFormat('HH:mm')}`,
    );
  if (shift.until)
    notes.push(`OnCall ends it at ${shift.until}; Klaxon layers do not end: remove the layer then`);
  if (shift.duration % 60 !== 0) notes.push('duration is not whole minutes; rounded down');
  const minute = start.hour * 60 + start.minute;
  const period = unitSeconds * every;
  const byDay = (shift.by_day ?? []).filter((d) => (ICAL_DAYS as readonly string[]).includes(d));
  const layer: LayerOut = {
    name: shift.name,
    users,
    rotation: { type, every, start: start.toISODate()!, handoffTime: hhmm(minute) },
  };
  if (type === 'weekly') layer.rotation.handoffWeekday = WEEKDAYS[start.weekday - 1]!;
  const duration = Math.floor(shift.duration / 60) * 60;
  if (byDay.length > 0) {
    const days = byDay.map((d) => WEEKDAYS[ICAL_DAYS.indexOf(d as (typeof ICAL_DAYS)[number])]!);
    if (
      type === 'hourly' ||
      every !== 1 ||
      duration > DAY ||
      (type === 'daily' && shift.type === 'rolling_users')
    ) {
      notes.push(
        `by_day ${byDay.join(',')} with ${shift.frequency} every ${every}${duration > DAY ? ` and ${duration / 3600} h events` : ''}: Klaxon restrictions cannot say this exactly; the layer covers ${days.join(', ')} from ${hhmm(minute)} for ${duration / 3600} h, check it`,
      );
    }
    const len = Math.min(duration, DAY) / 60;
    layer.restrictions = [{ days, from: hhmm(minute), to: hhmm(minute + len) }];
    if (type === 'weekly') {
      // The iCal week starts on week_start at midnight; handing off on that day at the events' time gives
      // each event (at most 24 h) to the same person as OnCall does.
      const wkst = ICAL_DAYS.indexOf((shift.week_start ?? 'SU') as (typeof ICAL_DAYS)[number]);
      const back = (start.weekday - 1 - wkst + 7) % 7;
      layer.rotation.start = start.minus({ days: back }).toISODate()!;
      layer.rotation.handoffWeekday = WEEKDAYS[wkst]!;
    }
    return { kind: 'layer', level: shift.level ?? 0, layer, notes };
  }
  if (duration === period) return { kind: 'layer', level: shift.level ?? 0, layer, notes };
  if (duration < period && every === 1 && type === 'daily') {
    layer.restrictions = [{ days: [...WEEKDAYS], from: hhmm(minute), to: hhmm(minute + duration / 60) }];
  } else if (duration < period && every === 1 && type === 'weekly') {
    layer.restrictions = windows(start.weekday - 1, minute, duration);
  } else {
    notes.push(
      `each ${shift.frequency} period (every ${every}) is covered for ${duration / 3600} h of ${period / 3600} h; Klaxon's layer covers the whole period: add restrictions by hand`,
    );
  }
  return { kind: 'layer', level: shift.level ?? 0, layer, notes };
}
