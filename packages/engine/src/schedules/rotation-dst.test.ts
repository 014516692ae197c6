/**
 * Property tests of the DST rule for handoffs and restriction windows (RFC 5545 section 3.3.5: a local time
 * in a gap is read with the offset before the gap, a repeated local time is its first occurrence) against
 * an independent model that does not use luxon: it scans every UTC minute within ±15 h of the local time
 * and asks Intl.DateTimeFormat which ones show it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  WEEKDAYS,
  handoff,
  layerBoundaries,
  layerUserAt,
  rotationSpec,
  type LayerSpec,
  type RotationSpec,
} from './rotation.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
// Lord Howe shifts by 30 minutes, Chatham has +12:45/+13:45, Santiago changes at local midnight (southern
// hemisphere), Kolkata has no DST.
const ZONES = [
  'Europe/London',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
] as const;
// Wall times in and around each zone's gaps and repeated hours.
const EDGE_TIMES = [
  '23:00', '23:30', '23:59', '00:00', '00:15', '00:59', '01:00', '01:15', '01:30', '01:59', '02:00', '02:15',
  '02:29', '02:30', '02:44', '02:45', '03:00', '03:30', '03:44', '03:45', '04:00',
]; // prettier-ignore

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The local wall time of instant `u` in `zone`, written as if it were UTC (ms). */
function wallOf(zone: string, u: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  const [mo, d, y, h, mi] = f.format(u).match(/\d+/g)!.map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi);
}

/**
 * The model: the earliest instant showing `wall`; none (a gap) → `wall` read with the offset before the jump
 * over it. Only `classify` scans on past the first answer, to tell a repeated time from one shown once.
 */
function modelInstant(zone: string, wall: number, classify = false): { at: number; kind: string } {
  const matches: number[] = [];
  let beforeGap: number | undefined;
  let prev: { u: number; w: number } | undefined;
  for (let u = wall - 15 * HOUR; u <= wall + 15 * HOUR; u += MINUTE) {
    const w = wallOf(zone, u);
    if (w === wall) matches.push(u);
    if (prev && prev.w < wall && w > wall) beforeGap = prev.w - prev.u;
    if (!classify && (matches.length > 0 || beforeGap !== undefined)) break;
    prev = { u, w };
  }
  if (matches.length > 0) return { at: matches[0]!, kind: matches.length > 1 ? 'repeated' : 'once' };
  if (beforeGap === undefined) throw new Error(`model: no instant near ${new Date(wall).toISOString()}`);
  return { at: wall - beforeGap, kind: 'gap' };
}

const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const weekdayOf = (day: number) => WEEKDAYS[(new Date(day * DAY).getUTCDay() + 6) % 7]!;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const wallAt = (day: number, hhmm: string) => day * DAY + minutesOf(hhmm) * MINUTE;

/** The local dates either side of each offset change in 2025–2030, found with Intl alone. */
function transitionDays(zone: string): number[] {
  const days = new Set<number>();
  const step = 6 * HOUR;
  for (let u = Date.UTC(2025, 0, 1); u < Date.UTC(2031, 0, 1); u += step) {
    const a = wallOf(zone, u);
    const b = wallOf(zone, u + step);
    if (b - a !== step) for (const w of [a, b]) days.add(Math.floor(w / DAY));
  }
  return [...days];
}
const TRANSITIONS = new Map(ZONES.map((z) => [z, transitionDays(z)]));

function spec(
  zone: string,
  unit: RotationSpec['unit'],
  every: number,
  startDay: number,
  time: string,
  weekday = weekdayOf(startDay),
) {
  return rotationSpec({
    zone,
    users: ['a', 'b', 'c'],
    unit,
    every,
    startDate: isoOf(startDay),
    handoffTime: time,
    handoffWeekday: unit === 'week' ? weekday : undefined,
  });
}

const caseArb = fc.constantFrom(...ZONES).chain((zone) =>
  fc.record({
    zone: fc.constant(zone),
    day: fc.oneof(
      fc.integer({ min: dayOf('2025-01-01'), max: dayOf('2030-12-31') }),
      TRANSITIONS.get(zone)!.length > 0
        ? fc.constantFrom(...TRANSITIONS.get(zone)!)
        : fc.integer({ min: dayOf('2026-01-01'), max: dayOf('2026-12-31') }),
    ),
    time: fc.oneof(
      fc.constantFrom(...EDGE_TIMES),
      fc.integer({ min: 0, max: 1439 }).map((m) => {
        const hh = String(Math.floor(m / 60)).padStart(2, '0');
        return `${hh}:${String(m % 60).padStart(2, '0')}`;
      }),
    ),
    unit: fc.constantFrom<RotationSpec['unit']>('hour', 'day', 'week'),
    every: fc.integer({ min: 1, max: 4 }),
    k: fc.integer({ min: 0, max: 60 }),
    k2: fc.integer({ min: 0, max: 60 }),
    weekShift: fc.integer({ min: 0, max: 6 }),
  }),
);

describe('DST handoffs against an independent model', () => {
  it('hands off on every DST night of 2027 in each zone as the model does, whatever the start date', () => {
    const kinds = new Map<string, Set<string>>();
    for (const zone of ZONES) {
      const seen = new Set<string>();
      kinds.set(zone, seen);
      for (const day of TRANSITIONS.get(zone)!.filter((d) => isoOf(d).startsWith('2027'))) {
        for (const time of EDGE_TIMES) {
          const expected = modelInstant(zone, wallAt(day, time), true);
          seen.add(expected.kind);
          for (const k of [3, 40, 200]) {
            const actual = handoff(spec(zone, 'day', 1, day - k, time), k);
            expect(new Date(actual).toISOString(), `${zone} ${isoOf(day)} ${time} from k=${k}`).toBe(
              new Date(expected.at).toISOString(),
            );
          }
        }
      }
    }
    // The cases really cover gaps and repeated times, and nothing odd in the zone without DST.
    for (const zone of ZONES.filter((z) => z !== 'Asia/Kolkata'))
      expect([...kinds.get(zone)!].sort(), zone).toEqual(['gap', 'once', 'repeated']);
    expect(kinds.get('Asia/Kolkata')!.size).toBe(0);
  });

  it('property: handoff k equals the model, handoffs strictly increase, and the start date does not matter', () => {
    fc.assert(
      fc.property(caseArb, ({ zone, day, time, unit, every, k, k2, weekShift }) => {
        const length = every * (unit === 'week' ? 7 : 1);
        if (unit === 'hour') {
          // Hourly: elapsed time from the first handoff, which follows the same rule.
          const s = spec(zone, 'hour', every, day, time);
          expect(handoff(s, k)).toBe(modelInstant(zone, wallAt(day, time)).at + k * every * HOUR);
          expect(handoff(s, k + 1)).toBeGreaterThan(handoff(s, k));
          return;
        }
        // Two rotations with different start dates (a weekly one's start may be before its weekday) that
        // both hand off on `day`.
        const shift = unit === 'week' ? weekShift : 0;
        const first = spec(zone, unit, every, day - k * length - shift, time, weekdayOf(day));
        const second = spec(zone, unit, every, day - k2 * length, time, weekdayOf(day));
        if (unit === 'week') expect(first.firstDate).toBe(isoOf(day - k * length));
        const expected = modelInstant(zone, wallAt(day, time)).at;
        expect(handoff(first, k)).toBe(expected);
        expect(handoff(second, k2)).toBe(expected);
        expect(handoff(first, k - 1)).toBeLessThan(handoff(first, k));
        expect(handoff(first, k + 1)).toBeGreaterThan(handoff(first, k));
        expect(handoff(first, k + 1)).toBe(modelInstant(zone, wallAt(day + length, time)).at);
      }),
      { numRuns: 300 },
    );
  });

  it('property: a restriction window starts and ends where the model puts its local edges', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.constantFrom(...EDGE_TIMES, '06:00', '12:00'),
        ({ zone, day, time: from }, to) => {
          const layer: LayerSpec = {
            name: 'window',
            rotation: spec(zone, 'day', 1, day - 30, '12:00'),
            restrictions: [{ days: [weekdayOf(day)], from, to }],
          };
          const start = modelInstant(zone, wallAt(day, from)).at;
          const end = modelInstant(zone, wallAt(minutesOf(to) > minutesOf(from) ? day : day + 1, to)).at;
          const inside = (t: number) => layerUserAt(layer, t) !== null;
          expect(inside(start - MINUTE)).toBe(false);
          expect(inside(end)).toBe(false);
          if (start < end) {
            expect(inside(start)).toBe(true);
            expect(inside(end - MINUTE)).toBe(true);
            expect(inside(start + Math.floor((end - start) / 2 / MINUTE) * MINUTE)).toBe(true);
          } else expect(inside(start)).toBe(false); // a window that a gap turned inside out is empty
          const boundaries = layerBoundaries(layer, start - HOUR, end + HOUR);
          expect(boundaries).toContain(start);
          expect(boundaries).toContain(end);
        },
      ),
      { numRuns: 200 },
    );
  });
});
