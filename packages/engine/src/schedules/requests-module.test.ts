/**
 * The shift requests module on the real engine loop (SQLite, FakeClock): an unfilled cover request warns
 * its requester and the team lead once, however often the module runs and across a restart; open
 * requests expire at their start; and when the warning is due for a request made late.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardModules } from '../app/modules.ts';
import { EngineLoop } from '../engine/loop.ts';
import { warnAt } from './requests-module.ts';
import {
  errorOf,
  selfServiceApp,
  shiftNotices,
  signIn,
  type Caller,
  type SelfServiceApp,
} from './self-service.fixture.ts';

const URL = '/api/v1/schedules/primary/requests';
const HOUR = 3_600_000;

describe('shift requests module', () => {
  let t: SelfServiceApp;
  beforeEach(async () => {
    t = await selfServiceApp('sqlite');
  });
  afterEach(async () => {
    await t.close();
  });
  /** A fresh engine, as after a restart: the standard modules, without delivery. */
  const engine = () =>
    new EngineLoop({
      store: t.store,
      clock: t.clock,
      modules: standardModules(t.config, t.store, { clock: t.clock, delivery: false }).modules.filter(
        (m) => m.name === 'shift-requests',
      ),
      intervalMs: 1000,
      onError: (_module, err) => {
        throw err;
      },
    });
  const at = (iso: string) => t.clock.set(new Date(iso));
  /** Signs in afresh each time: the test's clock moves past a session's lifetime. */
  const alice: Caller = async (...args) => (await signIn(t, 'alice'))(...args);
  const bob: Caller = async (...args) => (await signIn(t, 'bob'))(...args);
  const warnings = async () => (await shiftNotices(t)).filter((n) => n.subject.startsWith('Unfilled'));

  it('warns the requester and the team lead once, warnBeforeHours (24) before an unfilled cover starts', async () => {
    const cover = (
      await alice('POST', URL, { kind: 'cover', from: '2026-04-03T12:00:00Z', to: '2026-04-03T18:00:00Z' })
    ).json();
    // A swap is not warned about: the person asked answers it.
    await alice('POST', URL, {
      kind: 'swap',
      from: '2026-04-02T12:00:00Z',
      to: '2026-04-02T18:00:00Z',
      with: 'bob',
      swapFrom: '2026-04-07T12:00:00Z',
      swapTo: '2026-04-07T18:00:00Z',
    });
    const loop = engine();
    await loop.runOnce();
    at('2026-04-02T11:59:59Z');
    await loop.runOnce();
    expect(await warnings()).toEqual([]);

    // Due now: it goes out once, whether the module runs again (a restarted engine, a second replica) or
    // the first engine's next cycle comes.
    at('2026-04-02T12:00:00Z');
    await engine().runOnce();
    await engine().runOnce();
    at('2026-04-02T12:01:00Z');
    expect((await loop.runOnce()).ran).toEqual(['shift-requests']);
    const warned = await warnings();
    expect(warned.map((n) => [n.user, n.channel])).toEqual([
      ['alice', 'push'],
      ['alice', 'email'],
      ['alice', 'slack'],
      ['olga', 'push'],
      ['olga', 'email'],
      ['olga', 'slack'],
    ]);
    expect(warned[0]).toMatchObject({
      urgency: 'low',
      subject: 'Unfilled cover request: Primary, 2026-04-03 12:00 UTC',
      text: "Nobody has accepted alice's request for cover for Primary from 2026-04-03 12:00 UTC to 2026-04-03 18:00 UTC yet. If nobody does, alice stays on call.",
      url: `https://klaxon.example.com/schedules/primary?request=${cover.id}`,
    });
    const row = await t.store.db
      .selectFrom('shift_requests')
      .select('warned_at')
      .where('id', '=', cover.id)
      .executeTakeFirstOrThrow();
    expect(row.warned_at).toBe(Date.parse('2026-04-02T12:00:00Z'));
  });

  it('expires open requests at their start, once, and then refuses answers', async () => {
    const cover = (
      await alice('POST', URL, { kind: 'cover', from: '2026-04-01T12:00:00Z', to: '2026-04-01T18:00:00Z' })
    ).json();
    const taken = (
      await alice('POST', URL, { kind: 'cover', from: '2026-04-01T18:00:00Z', to: '2026-04-01T20:00:00Z' })
    ).json();
    expect((await bob('POST', `${URL}/${taken.id}/accept`)).statusCode).toBe(200);
    at('2026-04-01T11:59:59Z');
    await engine().runOnce();
    expect((await alice('GET', URL)).json().requests.map((r: { id: number }) => r.id)).toEqual([cover.id]);

    at('2026-04-01T12:00:00Z');
    // Even before the module runs, the request cannot be taken once it starts.
    expect(errorOf(await bob('POST', `${URL}/${cover.id}/accept`))).toEqual({
      code: 'request_closed',
      message: `Request ${cover.id} was already expired; only an open request can be answered.`,
    });
    await engine().runOnce();
    await engine().runOnce();
    expect((await alice('GET', URL)).json().requests).toEqual([]);
    const all = (await alice('GET', `${URL}?state=all`)).json().requests;
    expect(all.map((r: { id: number; state: string }) => [r.id, r.state])).toEqual([
      [taken.id, 'accepted'],
      [cover.id, 'expired'],
    ]);
    expect(all[1].resolvedAt).toBe('2026-04-01T12:00:00.000Z');
    const events = (await alice('GET', '/api/v1/schedules/primary/events')).json().events;
    expect(events.filter((e: { kind: string }) => e.kind === 'request.expired')).toEqual([
      expect.objectContaining({
        actor: 'klaxon',
        message: `Nobody took cover for alice from 2026-04-01T12:00:00.000Z to 2026-04-01T18:00:00.000Z (request ${cover.id}) before it started; it expired`,
      }),
    ]);
    const told = (await shiftNotices(t)).filter((n) => n.subject === 'Request expired: Primary');
    expect(told.map((n) => n.user)).toEqual(['alice', 'alice', 'alice']);
    // It was warned about before it expired (alice and olga, three channels each), and never again.
    at('2026-04-05T00:00:00Z');
    await engine().runOnce();
    expect(await warnings()).toHaveLength(6);
  });

  it('warns about a request made inside the warning window halfway to its start', () => {
    const start = Date.parse('2026-04-03T12:00:00Z');
    expect(warnAt({ starts_at: start, created_at: start - 48 * HOUR }, 24 * HOUR)).toBe(start - 24 * HOUR);
    expect(warnAt({ starts_at: start, created_at: start - 24 * HOUR }, 24 * HOUR)).toBe(start - 24 * HOUR);
    expect(warnAt({ starts_at: start, created_at: start - 10 * HOUR }, 24 * HOUR)).toBe(start - 5 * HOUR);
  });

  it('sends the late warning at that midpoint', async () => {
    // Made 10 h before its start, with the 24 h warning already past: warned 5 h before.
    at('2026-04-01T02:00:00Z');
    await alice('POST', URL, { kind: 'cover', from: '2026-04-01T12:00:00Z', to: '2026-04-01T14:00:00Z' });
    await engine().runOnce();
    at('2026-04-01T06:59:59Z');
    await engine().runOnce();
    expect(await warnings()).toEqual([]);
    at('2026-04-01T07:00:00Z');
    await engine().runOnce();
    expect((await warnings()).map((n) => n.user)).toEqual([
      'alice',
      'alice',
      'alice',
      'olga',
      'olga',
      'olga',
    ]);
  });
});
