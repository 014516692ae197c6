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
  handoff,
  rotationShifts,
  rotationSpec,
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
  return rotationSpec({
    zone,
    users: USERS,
    unit: 'week',
    every,
    startDate: '2025-12-01',
    handoffTime,
    handoffWeekday: weekday,
  });
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
          // does not exist (a spring-forward gap), where it is read with the offset before the gap.
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
        const spec = rotationSpec({
          zone: z,
          users: USERS,
          unit: u,
          every,
          startDate: '2025-12-01',
          handoffTime: time,
          handoffWeekday: 'wednesday',
        });
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
          const spec = rotationSpec({
            zone: z,
            users: USERS,
            unit: u,
            every: 1,
            startDate: '2025-12-01',
            handoffTime: time,
          });
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

  it('handles a daily handoff inside the spring-forward gap', () => {
    const z = 'America/New_York';
    const spec = rotationSpec({
      zone: z,
      users: ['a', 'b'],
      unit: 'day',
      every: 1,
      startDate: '2026-03-01',
      handoffTime: '02:30',
    });
    const shifts = rotationShifts(
      spec,
      Date.parse('2026-03-07T00:00:00Z'),
      Date.parse('2026-03-10T00:00:00Z'),
    );
    const lengths = shifts.map((s) => (s.end - s.start) / 3_600_000);
    // 2026-03-08 02:30 does not exist in New York: read with the offset before the gap (−05:00), that
    // handoff is at 07:30Z (03:30 EDT), and no instant is lost.
    expect(shifts.map((s) => new Date(s.start).toISOString())).toContain('2026-03-08T07:30:00.000Z');
    expect(lengths).toContain(23);
    for (let i = 1; i < shifts.length; i++) expect(shifts[i]!.start).toBe(shifts[i - 1]!.end);
  });
});

describe('handoffs on DST nights (RFC 5545 section 3.3.5)', () => {
  const london = 'Europe/London';
  const iso = (ms: number) => new Date(ms).toISOString();
  /** The handoff of `spec` on local date `date`, found by walking its shifts. */
  const handoffOn = (spec: RotationSpec, date: string) =>
    rotationShifts(
      spec,
      Date.parse(`${date}T00:00:00Z`) - 86_400_000,
      Date.parse(`${date}T00:00:00Z`) + 2 * 86_400_000,
    )
      .map((s) => s.start)
      .find((t) => DateTime.fromMillis(t, { zone: london }).toISODate() === date);
  const rotation = (unit: 'day' | 'week', startDate: string, handoffTime: string) =>
    rotationSpec({
      zone: london,
      users: ['a', 'b'],
      unit,
      every: 1,
      startDate,
      handoffTime,
      handoffWeekday: 'sunday',
    });

  it.each([
    ['day', '2027-07-01'], // started in summer (BST)
    ['day', '2027-01-03'], // started in winter (GMT)
    ['week', '2027-06-06'],
    ['week', '2026-12-06'],
  ] as const)(
    'hands off a %s rotation started %s at 01:30 on 2027-10-31 at its first occurrence',
    (unit, start) => {
      expect(iso(handoffOn(rotation(unit, start, '01:30'), '2027-10-31')!)).toBe('2027-10-31T00:30:00.000Z');
    },
  );

  it.each([
    ['01:30', '2027-03-28T01:30:00.000Z'], // in the gap (01:00–02:00 GMT): +00:00 before it, so 02:30 BST
    ['02:30', '2027-03-28T01:30:00.000Z'], // exists (02:30 BST)
    ['01:00', '2027-03-28T01:00:00.000Z'], // the gap's first minute: 02:00 BST
    ['00:59', '2027-03-28T00:59:00.000Z'],
  ])('hands off at %s on the spring-forward night 2027-03-28 by the gap rule', (time, expected) => {
    for (const start of ['2026-06-07', '2027-01-03'])
      expect(iso(handoffOn(rotation('day', start, time), '2027-03-28')!)).toBe(expected);
  });

  it('keeps hourly rotations in elapsed time, from a first handoff read by the same rule', () => {
    const spec = rotationSpec({
      zone: london,
      users: ['a'],
      unit: 'hour',
      every: 1,
      startDate: '2027-10-31',
      handoffTime: '01:30',
    });
    expect([0, 1, 2].map((k) => iso(handoff(spec, k)))).toEqual([
      '2027-10-31T00:30:00.000Z',
      '2027-10-31T01:30:00.000Z',
      '2027-10-31T02:30:00.000Z',
    ]);
  });

  it('moves restriction window edges by the same rule, so a window does not reopen in the repeated hour', () => {
    const layer = (from: string, to: string): LayerSpec => ({
      name: 'night',
      rotation: { ...rotation('day', '2027-01-03', '09:00'), users: ['a'] },
      restrictions: [{ days: ['sunday'], from, to }],
    });
    const at = (s: string) => Date.parse(s);
    // Autumn: 00:00–01:30 ends at the first 01:30 (00:30Z); the second 01:00–01:30 (GMT) is outside.
    const autumn = layer('00:00', '01:30');
    expect(layerUserAt(autumn, at('2027-10-31T00:29:00Z'))).toBe('a');
    expect(layerUserAt(autumn, at('2027-10-31T00:30:00Z'))).toBeNull();
    expect(layerUserAt(autumn, at('2027-10-31T01:15:00Z'))).toBeNull();
    expect(layerShifts(autumn, at('2027-10-30T12:00:00Z'), at('2027-10-31T12:00:00Z'))).toEqual([
      { user: null, start: at('2027-10-30T12:00:00Z'), end: at('2027-10-30T23:00:00Z') },
      { user: 'a', start: at('2027-10-30T23:00:00Z'), end: at('2027-10-31T00:30:00Z') },
      { user: null, start: at('2027-10-31T00:30:00Z'), end: at('2027-10-31T12:00:00Z') },
    ]);
    // Spring: a window from 01:30 (in the gap) starts at 01:30Z (02:30 BST), like a 01:30 handoff.
    const spring = layer('01:30', '06:00');
    expect(layerUserAt(spring, at('2027-03-28T01:29:00Z'))).toBeNull();
    expect(layerUserAt(spring, at('2027-03-28T01:30:00Z'))).toBe('a');
    expect(layerShifts(spring, at('2027-03-28T00:00:00Z'), at('2027-03-28T12:00:00Z'))).toEqual([
      { user: null, start: at('2027-03-28T00:00:00Z'), end: at('2027-03-28T01:30:00Z') },
      { user: 'a', start: at('2027-03-28T01:30:00Z'), end: at('2027-03-28T05:00:00Z') },
      { user: null, start: at('2027-03-28T05:00:00Z'), end: at('2027-03-28T12:00:00Z') },
    ]);
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
