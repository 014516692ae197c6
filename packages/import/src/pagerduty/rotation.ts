/**
 * One PagerDuty layer's rotation and restrictions → Klaxon's. PagerDuty counts turns of
 * `rotation_turn_length_seconds` from `rotation_virtual_start`; turns of whole days keep their local
 * wall-clock handoff time across DST, shorter turns are fixed durations. Klaxon's rotations are the same
 * two kinds (daily/weekly on the local calendar, hourly as durations), anchored at a local date and time:
 * the anchor is the PagerDuty handoff at or before the layer's start, with the users rotated so the same
 * person holds each turn. Every candidate is checked by computing Klaxon's anchor with the engine itself.
 */
import { toScheduleSpec, WEEKDAYS, type Weekday } from '@klaxon/engine';
import { DateTime } from 'luxon';
import { MalformedError, int, isObj, str, type Obj } from './wire.ts';

export interface RotationOut {
  type: 'hourly' | 'daily' | 'weekly';
  every: number;
  start: string;
  handoffTime: string;
  handoffWeekday?: Weekday;
}
export interface RestrictionOut {
  days: Weekday[];
  from: string;
  to: string;
}

const HOUR_S = 3600;

/** The rotation, the users in Klaxon's order, and the anchor (epoch ms); or why it cannot be mapped. */
export function mapRotation(opts: {
  zone: string;
  virtualStart: number;
  turnSeconds: number;
  layerStart: number;
  users: readonly string[];
}): { rotation: RotationOut; users: string[]; anchor: number } | string {
  const { zone, virtualStart, turnSeconds } = opts;
  if (!(turnSeconds > 0) || turnSeconds % HOUR_S !== 0)
    return `a turn of ${turnSeconds} s is not a whole number of hours; Klaxon rotates by hours, days or weeks`;
  const hours = turnSeconds / HOUR_S;
  const days = hours % 24 === 0 ? hours / 24 : 0;
  let type: RotationOut['type'] = 'hourly';
  let every = hours;
  if (days > 0 && days % 7 === 0 && days / 7 <= 52) {
    type = 'weekly';
    every = days / 7;
  } else if (days > 0 && days <= 52) {
    type = 'daily';
    every = days;
  } else if (days > 0 || hours > 52)
    return `a turn of ${hours} hours is longer than Klaxon's longest (52 hours, days or weeks)`;

  const vs = DateTime.fromMillis(virtualStart, { zone });
  const handoff = (k: number) =>
    type === 'hourly' ? virtualStart + k * turnSeconds * 1000 : vs.plus({ days: k * days }).toMillis();
  let k = Math.floor((opts.layerStart - virtualStart) / (turnSeconds * 1000));
  while (handoff(k) > opts.layerStart) k--;
  while (handoff(k + 1) <= opts.layerStart) k++;

  const wall = vs.toFormat('HH:mm');
  const n = opts.users.length;
  for (let kk = k; kk > k - 8; kk--) {
    const anchor = handoff(kk);
    const local = DateTime.fromMillis(anchor, { zone });
    if (local.second !== 0 || local.millisecond !== 0) return 'handoffs are not on a whole minute';
    const handoffTime = local.toFormat('HH:mm');
    if (type !== 'hourly' && handoffTime !== wall) continue; // a DST gap moved this handoff: use another
    const rotation: RotationOut = { type, every, start: local.toISODate()!, handoffTime };
    if (type === 'weekly') rotation.handoffWeekday = WEEKDAYS[local.weekday - 1]!;
    if (klaxonAnchor(zone, rotation) !== anchor) continue;
    const shift = ((kk % n) + n) % n;
    return { rotation, users: [...opts.users.slice(shift), ...opts.users.slice(0, shift)], anchor };
  }
  return 'no handoff near the layer start can be written as a local date and time (DST)';
}

function klaxonAnchor(zone: string, rotation: RotationOut): number | undefined {
  const spec = toScheduleSpec({
    id: 'probe',
    name: 'probe',
    timezone: zone,
    layers: [{ name: 'probe', users: ['probe'], rotation: { ...rotation }, restrictions: [] }],
    overrides: [],
    overridesBy: 'team',
    overrideMaxDays: 90,
  });
  return spec.layers[0]?.rotation.anchor;
}

function hhmm(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * PagerDuty restrictions → Klaxon windows (local wall-clock, each at most a day, grouped by times), or
 * `null` when they cover all the time (no restriction). A weekly restriction of several days becomes one
 * window per day it covers.
 */
export function mapRestrictions(restrictions: readonly unknown[]): RestrictionOut[] | null {
  const chunks: { day: number; from: number; len: number }[] = [];
  for (const [i, raw] of restrictions.entries()) {
    if (!isObj(raw)) throw new MalformedError(`restrictions[${i}] is not an object`);
    const r: Obj = raw;
    const type = str(r, 'type');
    const start = /^(\d{2}):(\d{2}):(\d{2})$/.exec(str(r, 'start_time_of_day'));
    if (!start || Number(start[1]) > 23 || Number(start[2]) > 59)
      throw new MalformedError(`restrictions[${i}].start_time_of_day is not HH:mm:ss`);
    if (start[3] !== '00') throw new MalformedError(`restrictions[${i}] starts on a second, not a minute`);
    const duration = int(r, 'duration_seconds');
    if (duration <= 0 || duration % 60 !== 0)
      throw new MalformedError(`restrictions[${i}].duration_seconds is not a positive number of minutes`);
    const from = Number(start[1]) * 60 + Number(start[2]);
    let len = duration / 60;
    if (type === 'daily_restriction') {
      if (len >= 1440) return null;
      for (let d = 0; d < 7; d++) chunks.push({ day: d, from, len });
    } else if (type === 'weekly_restriction') {
      if (len >= 7 * 1440) return null;
      let day = int(r, 'start_day_of_week') - 1;
      if (day < 0 || day > 6) throw new MalformedError(`restrictions[${i}].start_day_of_week is not 1-7`);
      for (let at = from; len > 0; day = (day + 1) % 7, at = 0) {
        const piece = Math.min(len, 1440 - at);
        chunks.push({ day, from: at, len: piece });
        len -= piece;
      }
    } else throw new MalformedError(`restrictions[${i}].type ${type} is unknown`);
  }
  const windows = new Map<string, RestrictionOut>();
  for (const c of chunks) {
    const from = hhmm(c.from);
    const to = hhmm(c.from + c.len);
    const key = `${from}-${to}`;
    const w = windows.get(key) ?? { days: [], from, to };
    const day = WEEKDAYS[c.day]!;
    if (!w.days.includes(day)) w.days.push(day);
    windows.set(key, w);
  }
  for (const w of windows.values()) w.days.sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b));
  return [...windows.values()];
}
