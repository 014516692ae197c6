/**
 * Temporary schedules through the real API (SQLite, FakeClock): who may create and remove them, the
 * shifts' checks (inside the period, no overlap, no gap), overlapping temporary schedules, and who is on
 * call (GET /api/v1/oncall at instants inside and just outside, the iCal feed) while one is in place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  errorOf,
  onCallAt,
  selfServiceApp,
  signIn,
  TOKENS,
  withToken,
  type Caller,
  type SelfServiceApp,
} from './self-service.fixture.ts';

const URL = '/api/v1/schedules/primary/temporary';
// The week of 2026-03-30 is alice's on the rotation.
const LAUNCH = {
  name: 'Launch night',
  from: '2026-04-01T00:00:00Z',
  to: '2026-04-02T00:00:00Z',
  shifts: [
    { user: 'bob', from: '2026-04-01T12:00:00Z', to: '2026-04-02T00:00:00Z' },
    { user: 'carol', from: '2026-04-01T00:00:00Z', to: '2026-04-01T12:00:00Z' },
  ],
};

describe('temporary schedules', () => {
  let t: SelfServiceApp;
  let olga: Caller;
  beforeEach(async () => {
    t = await selfServiceApp('sqlite');
    olga = await signIn(t, 'olga');
  });
  afterEach(async () => {
    await t.close();
  });

  it('replaces the schedule exactly for its period, shows in the calendar and timeline, and goes away whole', async () => {
    const created = await olga('POST', URL, LAUNCH);
    expect(created.statusCode).toBe(201);
    const temp = created.json();
    expect(temp).toEqual({
      id: expect.any(Number),
      schedule: 'primary',
      name: 'Launch night',
      from: '2026-04-01T00:00:00.000Z',
      to: '2026-04-02T00:00:00.000Z',
      createdBy: 'olga',
      createdAt: '2026-03-31T10:00:00.000Z',
      shifts: [
        {
          user: 'carol',
          from: '2026-04-01T00:00:00.000Z',
          to: '2026-04-01T12:00:00.000Z',
          override: expect.any(Number),
        },
        {
          user: 'bob',
          from: '2026-04-01T12:00:00.000Z',
          to: '2026-04-02T00:00:00.000Z',
          override: expect.any(Number),
        },
      ],
    });
    for (const [at, who] of [
      ['2026-03-31T23:59:59.999Z', 'alice'],
      ['2026-04-01T00:00:00.000Z', 'carol'],
      ['2026-04-01T11:59:59.999Z', 'carol'],
      ['2026-04-01T12:00:00.000Z', 'bob'],
      ['2026-04-01T23:59:59.999Z', 'bob'],
      ['2026-04-02T00:00:00.000Z', 'alice'],
    ] as const)
      expect(await onCallAt(t, at), at).toBe(who);
    const viewer = await signIn(t, 'vic');
    expect((await viewer('GET', URL)).json()).toEqual({ temporarySchedules: [temp] });
    const ics = (await viewer('GET', '/api/v1/schedules/primary/calendar.ics')).body;
    expect(ics).toMatch(
      /DTSTART:20260401T000000Z\r\nDTEND:20260401T120000Z\r\n(.*\r\n)*?SUMMARY:On call: Primary \(carol\)/,
    );
    expect(ics).toMatch(
      /DTSTART:20260401T120000Z\r\nDTEND:20260402T000000Z\r\n(.*\r\n)*?SUMMARY:On call: Primary \(bob\)/,
    );
    const overrides = (await viewer('GET', '/api/v1/schedules/primary/overrides')).json().overrides;
    expect(
      overrides.map((o: { user: string; source: string; sourceId: number }) => [
        o.user,
        o.source,
        o.sourceId,
      ]),
    ).toEqual([
      ['carol', 'temporary', temp.id],
      ['bob', 'temporary', temp.id],
    ]);

    const alice = await signIn(t, 'alice');
    expect((await alice('DELETE', `${URL}/${temp.id}`)).statusCode).toBe(403);
    t.clock.advance(60_000);
    expect((await olga('DELETE', `${URL}/${temp.id}`)).statusCode).toBe(204);
    expect((await olga('DELETE', `${URL}/${temp.id}`)).statusCode).toBe(404);
    expect(await onCallAt(t, '2026-04-01T06:00:00Z')).toBe('alice');
    expect(await onCallAt(t, '2026-04-01T18:00:00Z')).toBe('alice');
    expect((await viewer('GET', URL)).json().temporarySchedules).toEqual([]);
    const events = (await viewer('GET', '/api/v1/schedules/primary/events')).json().events;
    expect(events.map((e: { kind: string; actor: string }) => `${e.kind} ${e.actor}`)).toEqual([
      'temporary.deleted olga',
      'override.deleted olga',
      'override.deleted olga',
      'temporary.created olga',
      'override.created olga',
      'override.created olga',
    ]);
    expect(events[0].message).toBe(
      `olga removed temporary schedule ${temp.id} "Launch night" (2026-04-01T00:00:00.000Z to 2026-04-02T00:00:00.000Z, 2 overrides, by olga)`,
    );
  });

  it('takes temporary schedules only from an admin or the team lead', async () => {
    for (const who of ['alice', 'vic', 'gina']) {
      const res = await (await signIn(t, who))('POST', URL, LAUNCH);
      expect(res.statusCode, who).toBe(who === 'gina' ? 404 : 403);
    }
    expect(errorOf(await withToken(t, TOKENS.platform)('POST', URL, LAUNCH))).toEqual({
      code: 'forbidden',
      message:
        'Only an admin or the lead of team "platform" can create or remove temporary schedules on Primary.',
    });
    expect((await withToken(t, TOKENS.admin)('POST', URL, LAUNCH)).statusCode).toBe(201);
    expect(await onCallAt(t, '2026-04-01T06:00:00Z')).toBe('carol');
  });

  it('refuses gaps, overlapping or stray shifts, unreachable people, too many shifts and overlapping periods', async () => {
    const [carol, bob] = LAUNCH.shifts.slice().reverse() as [
      (typeof LAUNCH.shifts)[0],
      (typeof LAUNCH.shifts)[0],
    ];
    const gap = await olga('POST', URL, {
      ...LAUNCH,
      shifts: [carol, { ...bob, from: '2026-04-01T13:00:00Z' }],
    });
    expect(gap.statusCode).toBe(400);
    expect(errorOf(gap)).toEqual({
      code: 'temporary_gap',
      message:
        'Nobody is on call from 2026-04-01T12:00:00.000Z to 2026-04-01T13:00:00.000Z: a temporary schedule replaces the schedule for its whole period, so its shifts must cover it without gaps. Add a shift for that time, or shorten the period.',
    });
    expect(errorOf(await olga('POST', URL, { ...LAUNCH, shifts: [bob] })).message).toMatch(
      /^Nobody is on call from 2026-04-01T00:00:00.000Z to 2026-04-01T12:00:00.000Z/,
    );
    expect(errorOf(await olga('POST', URL, { ...LAUNCH, shifts: [carol] })).message).toMatch(
      /^Nobody is on call from 2026-04-01T12:00:00.000Z to 2026-04-02T00:00:00.000Z/,
    );
    const overlap = await olga('POST', URL, {
      ...LAUNCH,
      shifts: [carol, { ...bob, from: '2026-04-01T11:00:00Z' }],
    });
    expect(errorOf(overlap)).toMatchObject({
      code: 'invalid_temporary_schedule',
      message: expect.stringContaining('overlaps the shift before it'),
    });
    const outside = await olga('POST', URL, {
      ...LAUNCH,
      shifts: [carol, { ...bob, to: '2026-04-02T01:00:00Z' }],
    });
    expect(errorOf(outside)).toMatchObject({
      code: 'invalid_temporary_schedule',
      message: expect.stringContaining('is outside the temporary schedule'),
    });
    const lee = await olga('POST', URL, { ...LAUNCH, shifts: [carol, { ...bob, user: 'lee' }] });
    expect(errorOf(lee)).toMatchObject({
      code: 'override_unreachable',
      message: expect.stringContaining('lee has no voice, sms contact method'),
    });
    expect(
      errorOf(await olga('POST', URL, { ...LAUNCH, shifts: [carol, { ...bob, user: 'ghost' }] })).code,
    ).toBe('invalid_payload');
    const many = Array.from({ length: 201 }, (_, i) => ({
      user: 'bob',
      from: new Date(Date.parse(LAUNCH.from) + i * 60_000).toISOString(),
      to: new Date(Date.parse(LAUNCH.from) + (i + 1) * 60_000).toISOString(),
    }));
    expect(errorOf(await olga('POST', URL, { ...LAUNCH, shifts: many })).code).toBe('invalid_payload');
    expect(errorOf(await olga('POST', URL, { ...LAUNCH, from: '2026-03-30T00:00:00Z' })).code).toBe(
      'invalid_override_range',
    );
    expect((await olga('POST', URL, { ...LAUNCH, name: '' })).statusCode).toBe(400);
    expect(await t.store.db.selectFrom('schedule_overrides').selectAll().execute()).toEqual([]);

    expect((await olga('POST', URL, LAUNCH)).statusCode).toBe(201);
    const clash = await olga('POST', URL, {
      name: 'Late',
      from: '2026-04-01T23:00:00Z',
      to: '2026-04-02T02:00:00Z',
      shifts: [{ user: 'bob', from: '2026-04-01T23:00:00Z', to: '2026-04-02T02:00:00Z' }],
    });
    expect(clash.statusCode).toBe(409);
    expect(errorOf(clash)).toMatchObject({
      code: 'temporary_overlap',
      message: expect.stringContaining('"Launch night"'),
    });
    const next = await olga('POST', URL, {
      name: 'Next day',
      from: '2026-04-02T00:00:00Z',
      to: '2026-04-02T02:00:00Z',
      shifts: [{ user: 'bob', from: '2026-04-02T00:00:00Z', to: '2026-04-02T02:00:00Z' }],
    });
    expect(next.statusCode).toBe(201);
    expect(await onCallAt(t, '2026-04-02T01:00:00Z')).toBe('bob');
  });
});
