/**
 * Cover and swap requests through the real API (app.inject, signed-in people, FakeClock) on SQLite and
 * PostgreSQL: who may ask, accept, decline and cancel; the overrides an accept makes, seen by
 * GET /api/v1/oncall exactly over their range and by the iCal feed; the offers and answers queued; the
 * schedule's timeline.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, skipPostgres } from '@klaxon/testing';
import { registerDevice } from '../devices/store.ts';
import {
  errorOf,
  onCallAt,
  selfServiceApp,
  shiftNotices,
  signIn,
  TOKENS,
  withToken,
  type Caller,
  type SelfServiceApp,
} from './self-service.fixture.ts';

// alice is on call until Monday 2026-04-06 09:00Z, then bob until 04-13, then carol.
const COVER = { kind: 'cover', from: '2026-04-01T12:00:00Z', to: '2026-04-01T18:00:00Z' };
const SWAP = {
  kind: 'swap',
  from: '2026-04-02T00:00:00Z',
  to: '2026-04-03T00:00:00Z',
  with: 'bob',
  swapFrom: '2026-04-08T00:00:00Z',
  swapTo: '2026-04-09T00:00:00Z',
  note: 'dentist',
};
const URL = '/api/v1/schedules/primary/requests';

describe.each(DIALECTS)('shift requests on %s', (dialect) => {
  let t: SelfServiceApp;
  let alice: Caller, bob: Caller, carol: Caller;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    t = await selfServiceApp(dialect);
    [alice, bob, carol] = await Promise.all([signIn(t, 'alice'), signIn(t, 'bob'), signIn(t, 'carol')]);
  });
  afterEach(async () => {
    await t?.close();
  });

  it('offers a cover to the others, gives it to the first who accepts, and changes who is on call exactly for its range', async () => {
    await registerDevice(t.store.db, {
      userId: 'bob',
      name: 'Phone',
      subscription: { endpoint: 'https://push.example/b1', keys: { p256dh: 'k', auth: 'a' } },
      now: 0,
    });
    const created = await alice('POST', URL, { ...COVER, note: 'school play' });
    expect(created.statusCode).toBe(201);
    const request = created.json();
    expect(request).toEqual({
      id: expect.any(Number),
      schedule: 'primary',
      kind: 'cover',
      state: 'open',
      requester: 'alice',
      from: '2026-04-01T12:00:00.000Z',
      to: '2026-04-01T18:00:00.000Z',
      with: null,
      swapFrom: null,
      swapTo: null,
      note: 'school play',
      expiresAt: '2026-04-01T12:00:00.000Z',
      createdAt: '2026-03-31T10:00:00.000Z',
      resolvedBy: null,
      resolvedAt: null,
    });
    // Offered by push, Slack, email and devices (never voice or SMS) to the schedule's other people: not
    // alice, nor lee and olga of the team, who take no turns.
    const offers = await shiftNotices(t);
    expect(offers.map((n) => [n.user, n.channel, n.address])).toEqual([
      ['bob', 'push', 'ntfy:bob'],
      ['bob', 'email', 'bob@example.com'],
      ['bob', 'slack', 'U-bob'],
      ['bob', 'push', expect.stringMatching(/^webpush:device:\d+$/)],
      ['carol', 'push', 'ntfy:carol'],
      ['carol', 'email', 'carol@example.com'],
      ['carol', 'slack', 'U-carol'],
    ]);
    expect(offers[0]).toMatchObject({
      urgency: 'low',
      subject: 'Cover request: Primary, 2026-04-01 12:00 UTC',
      text: 'alice asks someone to cover Primary from 2026-04-01 12:00 UTC to 2026-04-01 18:00 UTC. The first to accept takes it. Note: "school play"',
      url: `https://klaxon.example.com/schedules/primary?request=${request.id}`,
    });
    expect((await alice('GET', URL)).json().requests.map((r: { id: number }) => r.id)).toEqual([request.id]);

    t.clock.advance(60_000);
    const accepted = await bob('POST', `${URL}/${request.id}/accept`);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      state: 'accepted',
      resolvedBy: 'bob',
      resolvedAt: '2026-03-31T10:01:00.000Z',
    });
    const second = await carol('POST', `${URL}/${request.id}/accept`);
    expect(second.statusCode).toBe(409);
    expect(errorOf(second)).toEqual({
      code: 'request_closed',
      message: `Request ${request.id} was already accepted by bob; only an open request can be answered.`,
    });

    expect(await onCallAt(t, '2026-04-01T11:59:59.999Z')).toBe('alice');
    expect(await onCallAt(t, '2026-04-01T12:00:00.000Z')).toBe('bob');
    expect(await onCallAt(t, '2026-04-01T17:59:59.999Z')).toBe('bob');
    expect(await onCallAt(t, '2026-04-01T18:00:00.000Z')).toBe('alice');
    const overrides = (await alice('GET', '/api/v1/schedules/primary/overrides')).json().overrides;
    expect(overrides).toEqual([
      expect.objectContaining({ user: 'bob', createdBy: 'bob', source: 'cover', sourceId: request.id }),
    ]);
    const ics = (await alice('GET', '/api/v1/schedules/primary/calendar.ics')).body;
    expect(ics).toMatch(
      /DTSTART:20260401T120000Z\r\nDTEND:20260401T180000Z\r\n(.*\r\n)*?SUMMARY:On call: Primary \(bob\)/,
    );
    expect(ics).toMatch(
      /DTSTART:20260401T180000Z\r\nDTEND:20260406T090000Z\r\n(.*\r\n)*?SUMMARY:On call: Primary \(alice\)/,
    );

    // The requester hears of it; the timeline has who did what.
    const told = (await shiftNotices(t)).slice(offers.length);
    expect(told.map((n) => [n.user, n.channel, n.subject])).toEqual([
      ['alice', 'push', 'Request accepted: Primary'],
      ['alice', 'email', 'Request accepted: Primary'],
      ['alice', 'slack', 'Request accepted: Primary'],
    ]);
    const events = (await alice('GET', '/api/v1/schedules/primary/events')).json().events;
    expect(events.map((e: { kind: string; actor: string }) => [e.kind, e.actor])).toEqual([
      ['request.accepted', 'bob'],
      ['override.created', 'bob'],
      ['request.created', 'alice'],
    ]);
    expect(events[1].message).toMatch(
      /^bob put bob on call from 2026-04-01T12:00:00.000Z to 2026-04-01T18:00:00.000Z \(override \d+ for cover \d+\)$/,
    );
    expect((await alice('GET', URL)).json().requests).toEqual([]);
    expect((await alice('GET', `${URL}?state=all`)).json().requests).toHaveLength(1);
  });

  it('lets exactly one of two simultaneous accepts win', async () => {
    const { id } = (await alice('POST', URL, COVER)).json();
    const results = await Promise.all([bob, carol].map((who) => who('POST', `${URL}/${id}/accept`)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.statusCode === 200)!.json().resolvedBy;
    const rows = await t.store.db.selectFrom('schedule_overrides').selectAll().execute();
    expect(rows.map((r) => [r.user_id, r.source, r.source_id])).toEqual([[winner, 'cover', id]]);
    expect(await onCallAt(t, '2026-04-01T15:00:00Z')).toBe(winner);
  });

  it('refuses requests from tokens and viewers, for time the requester is not on call, in the past, or overlapping their own', async () => {
    const token = await withToken(t, TOKENS.platform)('POST', URL, COVER);
    expect(token.statusCode).toBe(403);
    expect(errorOf(token).message).toMatch(
      /^Shift requests are made and answered by a signed-in person for themselves; API token "platform-bot" cannot/,
    );
    expect((await (await signIn(t, 'vic'))('POST', URL, COVER)).statusCode).toBe(403);
    const notMine = await bob('POST', URL, COVER);
    expect(notMine.statusCode).toBe(400);
    expect(errorOf(notMine)).toEqual({
      code: 'not_on_call',
      message:
        'From 2026-04-01T12:00:00.000Z to 2026-04-01T18:00:00.000Z alice is on call, so you are not on call for all of that range on Primary; pick a range inside your shift.',
    });
    // Across alice's handoff to bob: only part of it is hers.
    const across = await alice('POST', URL, {
      kind: 'cover',
      from: '2026-04-06T06:00:00Z',
      to: '2026-04-06T12:00:00Z',
    });
    expect(errorOf(across)).toMatchObject({
      code: 'not_on_call',
      message: expect.stringContaining(
        'From 2026-04-06T09:00:00.000Z to 2026-04-06T12:00:00.000Z bob is on call',
      ),
    });
    const past = await alice('POST', URL, {
      kind: 'cover',
      from: '2026-03-31T09:00:00Z',
      to: '2026-03-31T12:00:00Z',
    });
    expect(errorOf(past)).toMatchObject({
      code: 'invalid_override_range',
      message: expect.stringContaining('from is in the past'),
    });
    expect(errorOf(await alice('POST', URL, { ...COVER, to: COVER.from }))).toMatchObject({
      code: 'invalid_override_range',
    });
    expect((await alice('POST', URL, { ...COVER, extra: 1 })).statusCode).toBe(400);
    expect((await alice('POST', URL, { ...COVER, note: 'x'.repeat(501) })).statusCode).toBe(400);
    // Another team's schedule is not found.
    expect((await (await signIn(t, 'gina'))('POST', URL, COVER)).statusCode).toBe(404);

    const first = (await alice('POST', URL, COVER)).json();
    const again = await alice('POST', URL, {
      kind: 'cover',
      from: '2026-04-01T17:00:00Z',
      to: '2026-04-01T20:00:00Z',
    });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('request_overlap');
    expect(errorOf(again).message).toContain(`Your open request ${first.id}`);
    // Next to it is fine.
    expect(
      (await alice('POST', URL, { kind: 'cover', from: '2026-04-01T18:00:00Z', to: '2026-04-01T20:00:00Z' }))
        .statusCode,
    ).toBe(201);
    expect(await shiftNotices(t)).toHaveLength(12);
  });

  it('takes a cover only from another person of the schedule; cancel by the requester or the lead only', async () => {
    const { id } = (await alice('POST', URL, COVER)).json();
    const own = await alice('POST', `${URL}/${id}/accept`);
    expect(errorOf(own)).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('your own request'),
    });
    const olga = await signIn(t, 'olga');
    expect(errorOf(await olga('POST', `${URL}/${id}/accept`))).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('Only the people who take turns on Primary'),
    });
    expect(errorOf(await bob('POST', `${URL}/${id}/decline`))).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('A cover request cannot be declined'),
    });
    expect((await bob('POST', `${URL}/${id}/cancel`)).statusCode).toBe(403);
    const canceled = await alice('POST', `${URL}/${id}/cancel`);
    expect(canceled.json()).toMatchObject({ state: 'canceled', resolvedBy: 'alice' });
    expect(errorOf(await bob('POST', `${URL}/${id}/accept`)).code).toBe('request_closed');
    expect((await bob('POST', `${URL}/999/accept`)).statusCode).toBe(404);
    // The lead cancels another.
    const other = (await alice('POST', URL, COVER)).json();
    expect((await olga('POST', `${URL}/${other.id}/cancel`)).json()).toMatchObject({
      state: 'canceled',
      resolvedBy: 'olga',
    });
    expect(await onCallAt(t, '2026-04-01T15:00:00Z')).toBe('alice');
  });

  it('swaps two shifts when the person asked accepts; canceling it afterwards restores both', async () => {
    expect(errorOf(await alice('POST', URL, { ...SWAP, with: 'alice' }))).toMatchObject({
      code: 'invalid_payload',
      message: 'alice does not take turns on Primary; swap with one of: bob, carol.',
    });
    expect(errorOf(await alice('POST', URL, { ...SWAP, with: 'olga' })).code).toBe('invalid_payload');
    const notBobs = await alice('POST', URL, {
      ...SWAP,
      swapFrom: '2026-04-14T00:00:00Z',
      swapTo: '2026-04-15T00:00:00Z',
    });
    expect(errorOf(notBobs)).toEqual({
      code: 'not_on_call',
      message:
        'From 2026-04-14T00:00:00.000Z to 2026-04-15T00:00:00.000Z carol is on call, so bob is not on call for all of that range on Primary; pick a range inside their shift.',
    });
    const created = await alice('POST', URL, SWAP);
    expect(created.statusCode).toBe(201);
    const swap = created.json();
    expect(swap).toMatchObject({
      kind: 'swap',
      with: 'bob',
      swapFrom: '2026-04-08T00:00:00.000Z',
      swapTo: '2026-04-09T00:00:00.000Z',
      expiresAt: '2026-04-02T00:00:00.000Z',
      note: 'dentist',
    });
    expect((await shiftNotices(t)).map((n) => [n.user, n.subject])).toEqual([
      ['bob', 'Swap request: Primary'],
      ['bob', 'Swap request: Primary'],
      ['bob', 'Swap request: Primary'],
    ]);
    expect(errorOf(await carol('POST', `${URL}/${swap.id}/accept`))).toMatchObject({
      code: 'forbidden',
      message: 'Only bob can accept this swap; it asks them.',
    });
    expect((await bob('POST', `${URL}/${swap.id}/accept`)).json()).toMatchObject({
      state: 'accepted',
      resolvedBy: 'bob',
    });
    for (const [at, who] of [
      ['2026-04-01T23:59:59.999Z', 'alice'],
      ['2026-04-02T00:00:00.000Z', 'bob'],
      ['2026-04-02T23:59:59.999Z', 'bob'],
      ['2026-04-03T00:00:00.000Z', 'alice'],
      ['2026-04-07T23:59:59.999Z', 'bob'],
      ['2026-04-08T00:00:00.000Z', 'alice'],
      ['2026-04-08T23:59:59.999Z', 'alice'],
      ['2026-04-09T00:00:00.000Z', 'bob'],
    ] as const)
      expect(await onCallAt(t, at), at).toBe(who);
    const ics = (await alice('GET', '/api/v1/users/alice/calendar.ics')).body;
    expect(ics).toContain('DTSTART:20260408T000000Z\r\nDTEND:20260409T000000Z');

    const canceled = await (await signIn(t, 'olga'))('POST', `${URL}/${swap.id}/cancel`);
    expect(canceled.json()).toMatchObject({ state: 'canceled', resolvedBy: 'olga' });
    expect(await onCallAt(t, '2026-04-02T12:00:00Z')).toBe('alice');
    expect(await onCallAt(t, '2026-04-08T12:00:00Z')).toBe('bob');
    expect(await t.store.db.selectFrom('schedule_overrides').selectAll().execute()).toEqual([]);
    const kinds = (await alice('GET', '/api/v1/schedules/primary/events'))
      .json()
      .events.map((e: { kind: string; actor: string }) => `${e.kind} ${e.actor}`);
    expect(kinds).toEqual([
      'request.canceled olga',
      'override.deleted olga',
      'override.deleted olga',
      'request.accepted bob',
      'override.created bob',
      'override.created bob',
      'request.created alice',
    ]);
    // An accepted swap that has started is no longer undone.
    const later = (await alice('POST', URL, SWAP)).json();
    expect((await bob('POST', `${URL}/${later.id}/accept`)).statusCode).toBe(200);
    t.clock.set(new Date('2026-04-02T00:00:00Z'));
    const started = await withToken(t, TOKENS.admin)('POST', `${URL}/${later.id}/cancel`);
    expect(errorOf(started)).toMatchObject({
      code: 'request_closed',
      message: expect.stringContaining('has started'),
    });
    expect(await onCallAt(t, '2026-04-08T12:00:00Z')).toBe('alice');
    // Both alice and bob hear of the cancel.
    const last = (await shiftNotices(t)).filter((n) => n.subject === 'Request canceled: Primary');
    expect([...new Set(last.map((n) => n.user))]).toEqual(['alice', 'bob']);
  });

  it('lets only the person asked decline a swap, and tells the requester', async () => {
    const { id } = (await alice('POST', URL, SWAP)).json();
    expect((await carol('POST', `${URL}/${id}/decline`)).statusCode).toBe(403);
    const declined = await bob('POST', `${URL}/${id}/decline`);
    expect(declined.json()).toMatchObject({ state: 'declined', resolvedBy: 'bob' });
    expect(errorOf(await bob('POST', `${URL}/${id}/accept`)).code).toBe('request_closed');
    expect(errorOf(await alice('POST', `${URL}/${id}/cancel`)).code).toBe('request_closed');
    const told = (await shiftNotices(t)).filter((n) => n.user === 'alice');
    expect(told.map((n) => n.text)).toContain('bob declined the request for swap on Primary.');
    expect(await t.store.db.selectFrom('schedule_overrides').selectAll().execute()).toEqual([]);
  });
});
