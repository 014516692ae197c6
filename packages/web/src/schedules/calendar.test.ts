import { describe, expect, it } from 'vitest';
import { calendarDays } from './calendar.ts';

// The test process runs in UTC (vitest.config.ts sets TZ), so local days are UTC days.
const at = (s: string) => new Date(s);

describe('calendarDays', () => {
  it('cuts shifts at day boundaries, marks overrides, and fills what nobody covers with gaps', () => {
    const days = calendarDays(
      at('2026-11-23T00:00:00Z'),
      1,
      [
        { user: 'alice', start: '2026-11-22T09:00:00Z', end: '2026-11-23T09:00:00Z' },
        { user: 'bob', start: '2026-11-23T09:00:00Z', end: '2026-11-23T17:00:00Z' },
        { user: null, start: '2026-11-23T17:00:00Z', end: '2026-11-24T09:00:00Z' },
        { user: 'erin', start: '2026-11-24T09:00:00Z', end: '2026-11-24T12:00:00Z' },
      ],
      [
        {
          id: 1,
          schedule: 'primary',
          user: 'erin',
          from: '2026-11-24T09:00:00Z',
          to: '2026-11-24T12:00:00Z',
          createdBy: 'x',
          createdAt: '2026-11-20T09:00:00Z',
          source: 'api',
          sourceId: null,
        },
      ],
    );
    const monday = days[0]![0]!.segments.map((s) => [s.user, s.start.toISOString(), s.end.toISOString()]);
    expect(monday).toEqual([
      ['alice', '2026-11-23T00:00:00.000Z', '2026-11-23T09:00:00.000Z'],
      ['bob', '2026-11-23T09:00:00.000Z', '2026-11-23T17:00:00.000Z'],
      [null, '2026-11-23T17:00:00.000Z', '2026-11-24T00:00:00.000Z'],
    ]);
    const tuesday = days[0]![1]!.segments;
    expect(tuesday.map((s) => [s.user, s.override])).toEqual([
      [null, false],
      ['erin', true],
      [null, false], // no shift at all after 12:00 is a gap too
    ]);
    expect(days[0]![6]!.segments).toEqual([
      { user: null, start: at('2026-11-29T00:00:00Z'), end: at('2026-11-30T00:00:00Z'), override: false },
    ]);
  });
});
