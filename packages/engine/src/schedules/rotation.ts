/**
 * Rotations and layers as pure functions of time. A daily or weekly handoff is a local date and wall-clock
 * time in the schedule's zone: shift k starts on the local date `first date + k × every days/weeks` at the
 * handoff time, so a Monday 09:00 handoff stays at 09:00 on both sides of a DST change. A local time is
 * turned into an instant by RFC 5545 section 3.3.5, as calendar clients read our iCal feeds: a time in a
 * spring-forward gap is read with the UTC offset in effect before the gap, a repeated (autumn) time means
 * its first occurrence. The instant depends only on the local date and time, never on the rotation's start
 * date. Restriction windows' edges follow the same rule. Hourly rotations are elapsed time from the first
 * handoff. Shifts are the intervals between consecutive handoffs, so gaps and overlaps are impossible.
 */
import { IANAZone } from 'luxon';

import { WEEKDAYS, type Weekday } from '../validation/zod.ts';

export { WEEKDAYS, type Weekday };

export interface RotationSpec {
  zone: string;
  users: readonly string[];
  unit: 'hour' | 'day' | 'week';
  every: number;
  /** The local date of the first handoff, YYYY-MM-DD (for weekly rotations, on the handoff weekday). */
  firstDate: string;
  /** The local wall-clock time of each handoff, "HH:mm". */
  handoffTime: string;
  /** The first handoff, in epoch ms (`handoff(spec, 0)`). Before it the rotation has nobody. */
  anchor: number;
}

export interface Restriction {
  /** Local weekdays on which the window starts. */
  days: readonly Weekday[];
  /** Local "HH:mm"; `to <= from` means the window runs past midnight. */
  from: string;
  to: string;
}

export interface LayerSpec {
  name: string;
  rotation: RotationSpec;
  restrictions: readonly Restriction[];
}

export interface Shift {
  user: string | null;
  start: number;
  end: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function offsetMs(zone: string, t: number): number {
  return IANAZone.create(zone).offset(t) * MINUTE_MS;
}

/**
 * The instant of a local wall time in `zone` (RFC 5545 section 3.3.5). `wall` is the local date and time
 * written as if it were UTC, in ms. A repeated time gives its first occurrence; a time in a gap is read with
 * the offset before the gap (02:30 on New York's spring-forward night is 02:30−05:00, i.e. 03:30 EDT).
 * Assumes at most one offset change within a day either side of `wall`, true of every zone today.
 *
 * @example localInstant('Europe/London', Date.UTC(2027, 9, 31, 1, 30)) // 2027-10-31T00:30:00Z
 */
export function localInstant(zone: string, wall: number): number {
  const offsets = new Set([
    offsetMs(zone, wall - DAY_MS),
    offsetMs(zone, wall),
    offsetMs(zone, wall + DAY_MS),
  ]);
  let first = Infinity;
  for (const o of offsets) if (offsetMs(zone, wall - o) === o) first = Math.min(first, wall - o);
  if (first !== Infinity) return first;
  // A gap: `wall` minus the later (larger) offset is an instant just before the change, so the offset in
  // effect there is the one before the gap.
  return wall - offsetMs(zone, wall - Math.max(...offsets));
}

/** Days since 1970-01-01 of a local date "YYYY-MM-DD". */
function dayNumber(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** The weekday of a day number (1970-01-01 was a Thursday). */
function weekdayOf(day: number): Weekday {
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;
}

/** `localInstant` is pure and asked for the same few local times again and again (window edges, handoffs). */
const instants = new Map<string, number>();
const MAX_CACHED_INSTANTS = 20_000;

/** The instant of local time `hhmm` on local day `day` in `zone`. */
function instantOf(zone: string, day: number, hhmm: string): number {
  const key = `${zone} ${day} ${hhmm}`;
  let t = instants.get(key);
  if (t === undefined) {
    if (instants.size >= MAX_CACHED_INSTANTS) instants.clear();
    t = localInstant(zone, day * DAY_MS + minutesOf(hhmm) * MINUTE_MS);
    instants.set(key, t);
  }
  return t;
}

/** The local date (as a day number) of instant `t` in `zone`. */
function localDay(zone: string, t: number): number {
  return Math.floor((t + offsetMs(zone, t)) / DAY_MS);
}

/**
 * A rotation from its config: the first handoff is on `startDate` (weekly with `handoffWeekday`: the first
 * such weekday on or after it) at `handoffTime`, local.
 *
 * @example rotationSpec({ zone: 'Europe/London', users: ['a', 'b'], unit: 'week', every: 1,
 *   startDate: '2026-01-05', handoffTime: '09:00', handoffWeekday: 'monday' })
 */
export function rotationSpec(opts: {
  zone: string;
  users: readonly string[];
  unit: RotationSpec['unit'];
  every: number;
  startDate: string;
  handoffTime: string;
  handoffWeekday?: Weekday | undefined;
}): RotationSpec {
  let day = dayNumber(opts.startDate);
  if (opts.unit === 'week' && opts.handoffWeekday)
    day += (WEEKDAYS.indexOf(opts.handoffWeekday) - WEEKDAYS.indexOf(weekdayOf(day)) + 7) % 7;
  return {
    zone: opts.zone,
    users: opts.users,
    unit: opts.unit,
    every: opts.every,
    firstDate: new Date(day * DAY_MS).toISOString().slice(0, 10),
    handoffTime: opts.handoffTime,
    anchor: instantOf(opts.zone, day, opts.handoffTime),
  };
}

/** The start of shift `k` (may be negative). */
export function handoff(spec: RotationSpec, k: number): number {
  if (spec.unit === 'hour') return spec.anchor + k * spec.every * HOUR_MS;
  const days = k * spec.every * (spec.unit === 'week' ? 7 : 1);
  return instantOf(spec.zone, dayNumber(spec.firstDate) + days, spec.handoffTime);
}

const APPROX_MS = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS } as const;

/** The index of the shift that contains `t`. */
export function shiftIndexAt(spec: RotationSpec, t: number): number {
  let k = Math.floor((t - spec.anchor) / (APPROX_MS[spec.unit] * spec.every));
  while (handoff(spec, k) > t) k--;
  while (handoff(spec, k + 1) <= t) k++;
  return k;
}

function userOf(spec: RotationSpec, k: number): string | null {
  const n = spec.users.length;
  if (n === 0 || k < 0) return null;
  return spec.users[k % n] ?? null;
}

/** Who the rotation (ignoring restrictions) has at `t`. */
export function rotationUserAt(spec: RotationSpec, t: number): string | null {
  if (t < spec.anchor) return null;
  return userOf(spec, shiftIndexAt(spec, t));
}

/**
 * The window of restriction `r` that starts on local day `day` (none if `r` does not start that weekday),
 * as instants by the handoff rule; `start >= end` (possible only across a DST gap) is an empty window.
 */
function windowOn(r: Restriction, zone: string, day: number): [number, number] | null {
  if (!r.days.includes(weekdayOf(day))) return null;
  const endDay = minutesOf(r.to) > minutesOf(r.from) ? day : day + 1;
  return [instantOf(zone, day, r.from), instantOf(zone, endDay, r.to)];
}

/**
 * The local days whose windows may contain an instant of local day `first`..`last`: a window spans at most
 * two local days, and a DST change can move its edges' local dates by one.
 */
function windowDays(first: number, last: number): number[] {
  const days: number[] = [];
  for (let d = first - 2; d <= last + 1; d++) days.push(d);
  return days;
}

/** Whether `t` falls inside any of the restriction windows (no restrictions: always). */
export function restrictionsAllow(restrictions: readonly Restriction[], zone: string, t: number): boolean {
  if (restrictions.length === 0) return true;
  const today = localDay(zone, t);
  return windowDays(today, today).some((day) =>
    restrictions.some((r) => {
      const w = windowOn(r, zone, day);
      return w !== null && w[0] <= t && t < w[1];
    }),
  );
}

export function layerUserAt(layer: LayerSpec, t: number): string | null {
  if (!restrictionsAllow(layer.restrictions, layer.rotation.zone, t)) return null;
  return rotationUserAt(layer.rotation, t);
}

/** Every instant in (from, to) where the layer's answer may change. */
export function layerBoundaries(layer: LayerSpec, from: number, to: number): number[] {
  const spec = layer.rotation;
  const out: number[] = [];
  if (spec.anchor > from && spec.anchor < to) out.push(spec.anchor);
  for (let k = Math.max(0, shiftIndexAt(spec, from)); ; k++) {
    const h = handoff(spec, k);
    if (h >= to) break;
    if (h > from) out.push(h);
  }
  if (layer.restrictions.length > 0) {
    for (const day of windowDays(localDay(spec.zone, from), localDay(spec.zone, to))) {
      for (const r of layer.restrictions) {
        for (const b of windowOn(r, spec.zone, day) ?? []) if (b > from && b < to) out.push(b);
      }
    }
  }
  return out;
}

/**
 * Splits [from, to) into maximal intervals over which `who` gives one answer, given every instant where
 * the answer may change.
 */
export function segments(
  from: number,
  to: number,
  boundaries: number[],
  who: (t: number) => string | null,
): Shift[] {
  const points = [...new Set([from, ...boundaries.filter((b) => b > from && b < to), to])].sort(
    (a, b) => a - b,
  );
  const out: Shift[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    const user = who(start);
    const prev = out[out.length - 1];
    if (prev && prev.user === user && prev.end === start) prev.end = end;
    else out.push({ user, start, end });
  }
  return out;
}

/** The shifts of one layer in [from, to); `user: null` where the layer has nobody. */
export function layerShifts(layer: LayerSpec, from: number, to: number): Shift[] {
  return segments(from, to, layerBoundaries(layer, from, to), (t) => layerUserAt(layer, t));
}

/** The rotation's own shifts overlapping [from, to), one per handoff, not merged. */
export function rotationShifts(spec: RotationSpec, from: number, to: number): Shift[] {
  const out: Shift[] = [];
  for (let k = Math.max(0, shiftIndexAt(spec, Math.max(from, spec.anchor))); ; k++) {
    const start = handoff(spec, k);
    if (start >= to) break;
    out.push({ user: userOf(spec, k), start, end: handoff(spec, k + 1) });
  }
  return out;
}
