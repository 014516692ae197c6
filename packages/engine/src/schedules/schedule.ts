/**
 * A schedule: layers in order (a higher layer wins where it has someone), with overrides on top. Pure
 * functions over plain data; the store supplies the overrides created through the API.
 */
import { layerBoundaries, layerUserAt, segments, type LayerSpec, type Shift } from './rotation.ts';

export interface Override {
  id?: number | string;
  user: string;
  start: number;
  end: number;
}

export interface ScheduleSpec {
  id: string;
  name: string;
  zone: string;
  /** Lowest first; later layers win. */
  layers: readonly LayerSpec[];
}

/** Who is on call at `t`: the newest override covering it, else the highest layer with someone. */
export function onCallAt(schedule: ScheduleSpec, overrides: readonly Override[], t: number): string | null {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i]!;
    if (o.start <= t && t < o.end) return o.user;
  }
  for (let i = schedule.layers.length - 1; i >= 0; i--) {
    const user = layerUserAt(schedule.layers[i]!, t);
    if (user) return user;
  }
  return null;
}

/** The final shifts in [from, to), merged; `user: null` marks a gap. */
export function scheduleShifts(
  schedule: ScheduleSpec,
  overrides: readonly Override[],
  from: number,
  to: number,
): Shift[] {
  const boundaries = schedule.layers.flatMap((l) => layerBoundaries(l, from, to));
  for (const o of overrides) boundaries.push(o.start, o.end);
  return segments(from, to, boundaries, (t) => onCallAt(schedule, overrides, t));
}

/** Where nobody is on call in [from, to). */
export function scheduleGaps(
  schedule: ScheduleSpec,
  overrides: readonly Override[],
  from: number,
  to: number,
): Shift[] {
  return scheduleShifts(schedule, overrides, from, to).filter((s) => s.user === null);
}

/** The next instant after `t` at which the person on call changes, within `horizonMs`. */
export function nextHandoff(
  schedule: ScheduleSpec,
  overrides: readonly Override[],
  t: number,
  horizonMs = 35 * 86_400_000,
): Shift | null {
  const shifts = scheduleShifts(schedule, overrides, t, t + horizonMs);
  return shifts[1] ?? null;
}
