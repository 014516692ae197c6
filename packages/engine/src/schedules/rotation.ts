/**
 * Rotations and layers as pure functions of time. A handoff is a local wall-clock time in the
 * schedule's zone: shift k starts at `anchor + k × every units` computed on the local calendar, so a
 * Monday 09:00 handoff stays at 09:00 on both sides of a DST change. Shifts are the intervals between
 * consecutive handoffs, which makes gaps and overlaps impossible by construction.
 */
import { DateTime } from 'luxon';

import { WEEKDAYS, type Weekday } from '../validation/zod.ts';

export { WEEKDAYS, type Weekday };

export interface RotationSpec {
  zone: string;
  users: readonly string[];
  unit: 'hour' | 'day' | 'week';
  every: number;
  /** The first handoff, in epoch ms. Before it the rotation has nobody. */
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

/** The first handoff instant of a rotation that starts on `startDate` (local). */
export function rotationAnchor(opts: {
  zone: string;
  unit: RotationSpec['unit'];
  startDate: string;
  handoffTime: string;
  handoffWeekday?: Weekday;
}): number {
  const [hour, minute] = opts.handoffTime.split(':').map(Number) as [number, number];
  let day = DateTime.fromISO(opts.startDate, { zone: opts.zone }).set({
    hour,
    minute,
    second: 0,
    millisecond: 0,
  });
  if (opts.unit === 'week' && opts.handoffWeekday) {
    const target = WEEKDAYS.indexOf(opts.handoffWeekday) + 1;
    day = day.plus({ days: (target - day.weekday + 7) % 7 });
  }
  return day.toMillis();
}

/** The start of shift `k` (may be negative). */
export function handoff(spec: RotationSpec, k: number): number {
  if (spec.unit === 'hour') return spec.anchor + k * spec.every * 3_600_000;
  const anchor = DateTime.fromMillis(spec.anchor, { zone: spec.zone });
  const local =
    spec.unit === 'day' ? anchor.plus({ days: k * spec.every }) : anchor.plus({ weeks: k * spec.every });
  return local.toMillis();
}

const APPROX_MS = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;

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

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Whether `t` falls inside any of the restriction windows (no restrictions: always). */
export function restrictionsAllow(restrictions: readonly Restriction[], zone: string, t: number): boolean {
  if (restrictions.length === 0) return true;
  const local = DateTime.fromMillis(t, { zone });
  const minute = local.hour * 60 + local.minute;
  const today = WEEKDAYS[local.weekday - 1]!;
  const yesterday = WEEKDAYS[(local.weekday + 5) % 7]!;
  return restrictions.some((r) => {
    const from = minutesOf(r.from);
    const to = minutesOf(r.to);
    if (from < to) return r.days.includes(today) && minute >= from && minute < to;
    return (r.days.includes(today) && minute >= from) || (r.days.includes(yesterday) && minute < to);
  });
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
    let day = DateTime.fromMillis(from, { zone: spec.zone }).startOf('day').minus({ days: 1 });
    const last = DateTime.fromMillis(to, { zone: spec.zone }).endOf('day');
    for (; day <= last; day = day.plus({ days: 1 })) {
      for (const r of layer.restrictions) {
        if (!r.days.includes(WEEKDAYS[day.weekday - 1]!)) continue;
        const [fh, fm] = r.from.split(':').map(Number) as [number, number];
        const [th, tm] = r.to.split(':').map(Number) as [number, number];
        const start = day.set({ hour: fh, minute: fm });
        const end = (minutesOf(r.to) > minutesOf(r.from) ? day : day.plus({ days: 1 })).set({
          hour: th,
          minute: tm,
        });
        for (const b of [start.toMillis(), end.toMillis()]) if (b > from && b < to) out.push(b);
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
