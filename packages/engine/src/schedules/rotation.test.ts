/**
 * Rotations across DST with a fake notion of time: every instant is a plain number, so these are
 * property tests over a year in several zones.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  layerShifts,
  layerUserAt,
  rotationAnchor,
  rotationShifts,
  rotationUserAt,
  type LayerSpec,
  type RotationSpec,
  type Weekday,
  WEEKDAYS,
} from './rotation.ts';
import { onCallAt, scheduleGaps, scheduleShifts, type ScheduleSpec } from './schedule.ts';

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata'];
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const YEAR_END = Date.parse('2027-01-01T00:00:00Z');
const USERS = ['alice', 'bob', 'chen', 'dana'];

function weekly(zone: string, handoffTime = '09:00', weekday: Weekday = 'monday', every = 1): RotationSpec {
  return {
    zone,
    users: USERS,
    unit: 'week',
    every,
    anchor: rotationAnchor({
      zone,
      unit: 'week',
      startDate: '2025-12-01',
      handoffTime,
      handoffWeekday: weekday,
    }),
  };
}

const zone = fc.constantFrom(...ZONES);
const instant = fc.integer({ min: YEAR_START, max: YEAR_END - 1 });
const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const weekday = fc.constantFrom<Weekday>(...WEEKDAYS);
const unit = fc.constantFrom<RotationSpec['unit']>('hour', 'day', 'week');

describe('rotations across DST', () => {
  it('keeps a weekly Monday 09:00 handoff at 09:00 local on both sides of each DST change', () => {
    for (const z of ZONES) {
      const shifts = rotationShifts(weekly(z), YEAR_START, YEAR_END);
      for (const s of shifts) {
        const start = DateTime.fromMillis(s.start, { zone: z });
        expect([start.weekday, start.hour, start.minute], `${z} ${start.toISO()}`).toEqual([1, 9, 0]);
      }
    }
  });

  it('property: a weekly rotation’s shifts each last 7 local days and tile the year with no gap or overlap', () => {
    fc.assert(
      fc.property(zone, hhmm, weekday, fc.integer({ min: 1, max: 3 }), (z, time, day, every) => {
        const shifts = rotationShifts(weekly(z, time, day, every), YEAR_START, YEAR_END);
        for (let i = 0; i < shifts.length; i++) {
          const s = shifts[i]!;
          const start = DateTime.fromMillis(s.start, { zone: z });
          const end = DateTime.fromMillis(s.end, { zone: z });
          // Every handoff is at the handoff time on the handoff weekday, except where that local time
          // does not exist (the spring-forward hour), where it is the first instant after it.
          const [h, m] = time.split(':').map(Number) as [number, number];
          const intended = start.set({ hour: h, minute: m });
          expect(start.toFormat('cccc').toLowerCase()).toBe(day);
          if (start.toFormat('HH:mm') !== time) expect(intended.toFormat('HH:mm')).not.toBe(time);
          expect(Math.round(end.startOf('day').diff(start.startOf('day'), 'days').days)).toBe(7 * every);
          if (i > 0) expect(s.start).toBe(shifts[i - 1]!.end);
        }
        expect(shifts[0]!.start).toBeLessThanOrEqual(YEAR_START);
        expect(shifts[shifts.length - 1]!.end).toBeGreaterThanOrEqual(YEAR_END);
      }),
      { numRuns: 60 },
    );
  });

  it('property: at any instant exactly one person is on call per layer, the one whose shift contains it', () => {
    fc.assert(
      fc.property(zone, unit, hhmm, fc.integer({ min: 1, max: 3 }), instant, (z, u, time, every, t) => {
        const spec: RotationSpec = {
          zone: z,
          users: USERS,
          unit: u,
          every,
          anchor: rotationAnchor({
            zone: z,
            unit: u,
            startDate: '2025-12-01',
            handoffTime: time,
            handoffWeekday: 'wednesday',
          }),
        };
        const who = rotationUserAt(spec, t);
        expect(USERS).toContain(who);
        const containing = rotationShifts(spec, t, t + 1).filter((s) => s.start <= t && t < s.end);
        expect(containing).toHaveLength(1);
        expect(containing[0]!.user).toBe(who);
      }),
      { numRuns: 400 },
    );
  });

  it('property: daily and hourly rotations cover a range with no gap and no overlap', () => {
    fc.assert(
      fc.property(
        zone,
        fc.constantFrom<RotationSpec['unit']>('hour', 'day'),
        hhmm,
        instant,
        fc.integer({ min: 1, max: 20 }),
        (z, u, time, t, days) => {
          const spec: RotationSpec = {
            zone: z,
            users: USERS,
            unit: u,
            every: 1,
            anchor: rotationAnchor({ zone: z, unit: u, startDate: '2025-12-01', handoffTime: time }),
          };
          const end = t + days * 86_400_000;
          const shifts = rotationShifts(spec, t, end);
          expect(shifts[0]!.start).toBeLessThanOrEqual(t);
          for (let i = 1; i < shifts.length; i++) expect(shifts[i]!.start).toBe(shifts[i - 1]!.end);
          for (const s of shifts) expect(s.end).toBeGreaterThan(s.start);
          expect(shifts[shifts.length - 1]!.end).toBeGreaterThanOrEqual(end);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles a daily handoff inside the spring-forward gap and the fall-back repeat', () => {
    const z = 'America/New_York';
    const spec: RotationSpec = {
      zone: z,
      users: ['a', 'b'],
      unit: 'day',
      every: 1,
      anchor: rotationAnchor({ zone: z, unit: 'day', startDate: '2026-03-01', handoffTime: '02:30' }),
    };
    const shifts = rotationShifts(
      spec,
      Date.parse('2026-03-07T00:00:00Z'),
      Date.parse('2026-03-10T00:00:00Z'),
    );
    const lengths = shifts.map((s) => (s.end - s.start) / 3_600_000);
    // 2026-03-08 02:30 does not exist in New York: that handoff moves to 03:30, and no instant is lost.
    expect(lengths).toContain(23);
    for (let i = 1; i < shifts.length; i++) expect(shifts[i]!.start).toBe(shifts[i - 1]!.end);
  });
});

describe('layers, restrictions and overrides', () => {
  const z = 'Europe/London';
  const base: LayerSpec = { name: 'weekly', rotation: weekly(z), restrictions: [] };
  const business: LayerSpec = {
    name: 'business-hours',
    rotation: { ...weekly(z), users: ['erin'] },
    restrictions: [
      { days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], from: '09:00', to: '18:00' },
    ],
  };
  const schedule: ScheduleSpec = { id: 'primary', name: 'Primary', zone: z, layers: [base, business] };

  it('lets a higher layer win only inside its restriction window', () => {
    const monNoon = DateTime.fromISO('2026-06-15T12:00', { zone: z }).toMillis();
    const monNight = DateTime.fromISO('2026-06-15T20:00', { zone: z }).toMillis();
    const sat = DateTime.fromISO('2026-06-20T12:00', { zone: z }).toMillis();
    expect(onCallAt(schedule, [], monNoon)).toBe('erin');
    expect(onCallAt(schedule, [], monNight)).toBe(layerUserAt(base, monNight));
    expect(onCallAt(schedule, [], sat)).toBe(layerUserAt(base, sat));
  });

  it('handles overnight restriction windows', () => {
    const night: LayerSpec = {
      ...business,
      restrictions: [{ days: ['friday'], from: '22:00', to: '06:00' }],
    };
    expect(layerUserAt(night, DateTime.fromISO('2026-06-19T23:00', { zone: z }).toMillis())).toBe('erin');
    expect(layerUserAt(night, DateTime.fromISO('2026-06-20T05:59', { zone: z }).toMillis())).toBe('erin');
    expect(layerUserAt(night, DateTime.fromISO('2026-06-20T06:00', { zone: z }).toMillis())).toBeNull();
  });

  it('applies an override for [from, to) only', () => {
    const from = DateTime.fromISO('2026-06-16T10:00', { zone: z }).toMillis();
    const to = from + 2 * 3_600_000;
    const overrides = [{ user: 'zoe', start: from, end: to }];
    expect(onCallAt(schedule, overrides, from - 1)).toBe('erin');
    expect(onCallAt(schedule, overrides, from)).toBe('zoe');
    expect(onCallAt(schedule, overrides, to)).toBe('erin');
  });

  it('property: the final shifts tile any range and agree with onCallAt', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), instant, (t, days, probe) => {
        const end = t + days * 86_400_000;
        const shifts = scheduleShifts(schedule, [], t, end);
        expect(shifts[0]!.start).toBe(t);
        expect(shifts[shifts.length - 1]!.end).toBe(end);
        for (let i = 1; i < shifts.length; i++) {
          expect(shifts[i]!.start).toBe(shifts[i - 1]!.end);
          expect(shifts[i]!.user).not.toBe(shifts[i - 1]!.user);
        }
        const p = t + (probe % (end - t));
        expect(shifts.find((s) => s.start <= p && p < s.end)!.user).toBe(onCallAt(schedule, [], p));
      }),
      { numRuns: 100 },
    );
  });

  it('reports gaps where nobody is on call', () => {
    const onlyBusiness: ScheduleSpec = { ...schedule, layers: [business] };
    const from = DateTime.fromISO('2026-06-15T00:00', { zone: z }).toMillis();
    const gaps = scheduleGaps(onlyBusiness, [], from, from + 86_400_000);
    expect(
      gaps.map((g) => [
        DateTime.fromMillis(g.start, { zone: z }).toFormat('HH:mm'),
        DateTime.fromMillis(g.end, { zone: z }).toFormat('HH:mm'),
      ]),
    ).toEqual([
      ['00:00', '09:00'],
      ['18:00', '00:00'],
    ]);
    expect(layerShifts(business, from, from + 86_400_000).filter((s) => s.user === 'erin')).toHaveLength(1);
  });
});
