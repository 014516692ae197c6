import { describe, expect, it } from 'vitest';
import { parseConfig } from '@klaxon/engine';
import { scheduleWarnings } from './config.ts';

describe('check-config warnings', () => {
  it('names each gap in a schedule over the coming weeks', () => {
    const config = parseConfig(
      `
users: [{ id: a, name: A }]
teams: [{ id: t, name: T }]
services: [{ id: s, name: S, team: t }]
schedules:
  - { id: biz, name: Biz, timezone: Europe/London, layers: [{ name: l, users: [a], rotation: { type: weekly, start: '2026-01-05' }, restrictions: [{ days: [monday, tuesday, wednesday, thursday, friday], from: '09:00', to: '17:00' }] }] }
`,
      'k.yaml',
      {},
    );
    const warnings = scheduleWarnings(config, Date.parse('2026-06-15T00:00:00Z'), 7);
    expect(warnings[0]).toBe(
      'schedule biz: nobody is on call from 2026-06-15T00:00:00.000Z to 2026-06-15T08:00:00.000Z (8.0 h); add a layer or an override',
    );
    expect(warnings).toHaveLength(6);
  });
});
