import { describe, expect, it } from 'vitest';
import { mapRestrictions, mapRotation } from './rotation.ts';

const at = (iso: string) => Date.parse(iso);

describe('mapRotation', () => {
  it('anchors at the turn containing the layer start, rotating the users to keep each turn’s person', () => {
    const r = mapRotation({
      zone: 'Europe/London',
      virtualStart: at('2026-01-05T09:00:00Z'),
      turnSeconds: 604_800,
      layerStart: at('2026-01-21T15:00:00Z'), // inside turn 2 (Monday 2026-01-19)
      users: ['a', 'b', 'c'],
    });
    expect(r).toEqual({
      rotation: {
        type: 'weekly',
        every: 1,
        start: '2026-01-19',
        handoffTime: '09:00',
        handoffWeekday: 'monday',
      },
      users: ['c', 'a', 'b'],
      anchor: at('2026-01-19T09:00:00Z'),
    });
  });

  it('steps back over a handoff that a DST gap moved (02:30 does not exist in New York on 2027-03-14)', () => {
    const r = mapRotation({
      zone: 'America/New_York',
      virtualStart: at('2027-03-01T07:30:00Z'), // 02:30 EST
      turnSeconds: 86_400,
      layerStart: at('2027-03-14T12:00:00Z'),
      users: ['a', 'b'],
    });
    expect(r).toMatchObject({
      rotation: { type: 'daily', every: 1, start: '2027-03-13', handoffTime: '02:30' },
      users: ['a', 'b'], // turn 12 (2027-03-13, the day before the gap) is a's
    });
  });

  it('maps 12-hour turns to fixed durations and refuses what Klaxon cannot express', () => {
    expect(
      mapRotation({ zone: 'UTC', virtualStart: 0, turnSeconds: 43_200, layerStart: 0, users: ['a'] }),
    ).toMatchObject({ rotation: { type: 'hourly', every: 12, start: '1970-01-01', handoffTime: '00:00' } });
    expect(
      mapRotation({ zone: 'UTC', virtualStart: 0, turnSeconds: 1_800, layerStart: 0, users: ['a'] }),
    ).toMatch(/not a whole number of hours/);
    expect(
      mapRotation({ zone: 'UTC', virtualStart: 0, turnSeconds: 60 * 3_600, layerStart: 0, users: ['a'] }),
    ).toMatch(/longer than Klaxon's longest/);
  });
});

describe('mapRestrictions', () => {
  it('splits a weekly restriction of several days into daily windows and groups equal times', () => {
    expect(
      mapRestrictions([
        {
          type: 'weekly_restriction',
          start_day_of_week: 5,
          start_time_of_day: '18:00:00',
          duration_seconds: 62 * 3600,
        },
      ]),
    ).toEqual([
      { days: ['friday'], from: '18:00', to: '00:00' },
      { days: ['saturday', 'sunday'], from: '00:00', to: '00:00' },
      { days: ['monday'], from: '00:00', to: '08:00' },
    ]);
    expect(
      mapRestrictions([
        { type: 'daily_restriction', start_time_of_day: '22:00:00', duration_seconds: 9 * 3600 },
      ]),
    ).toEqual([
      {
        days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
        from: '22:00',
        to: '07:00',
      },
    ]);
  });

  it('treats a full-day restriction as none, and refuses malformed ones', () => {
    expect(
      mapRestrictions([
        { type: 'daily_restriction', start_time_of_day: '09:00:00', duration_seconds: 86_400 },
      ]),
    ).toBeNull();
    expect(() =>
      mapRestrictions([{ type: 'daily_restriction', start_time_of_day: '09:00:30', duration_seconds: 60 }]),
    ).toThrow(/starts on a second/);
    expect(() =>
      mapRestrictions([{ type: 'monthly_restriction', start_time_of_day: '09:00:00', duration_seconds: 60 }]),
    ).toThrow(/type monthly_restriction is unknown/);
  });
});
