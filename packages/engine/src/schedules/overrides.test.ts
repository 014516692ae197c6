/**
 * The overrides API through app.inject on SQLite and PostgreSQL: who may change a schedule's overrides,
 * whom they may put on call, over what range, the schedule's timeline of those changes, and which
 * schedules, calendars and escalation policies each team sees.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, DIALECTS, skipPostgres } from '@klaxon/testing';

const T = {
  admin: 'ovr-admin-token-0000000000001',
  responder: 'ovr-responder-token-00000002',
  platform: 'ovr-platform-bot-token-000003',
  games: 'ovr-games-bot-token-000000004',
  gamesViewer: 'ovr-games-viewer-token-00005',
  platformViewer: 'ovr-platform-viewer-token-06',
};

const all = (phone: string, who: string) =>
  `[{ type: voice, address: '${phone}' }, { type: sms, address: '${phone}' }, { type: push, address: 'ntfy:${who}' }, { type: email, address: ${who}@example.com }]`;

/** Tuesday 2026-03-31 10:00Z. T1 (high) pages primary then games-primary; T2 (low) pages shared. */
const OVERRIDES_YAML = `
server: { publicUrl: 'https://klaxon.example.com', feedSecret: feed-secret-0123456789 }
users:
  - { id: alice, name: Alice, contactMethods: ${all('+15550000001', 'alice')} }
  - { id: bob, name: Bob, contactMethods: ${all('+15550000002', 'bob')} }
  - { id: gina, name: Gina, contactMethods: ${all('+15550000004', 'gina')} }
  - { id: lee, name: Lee, contactMethods: [{ type: push, address: 'ntfy:lee' }, { type: email, address: lee@example.com }] }
  - { id: vic, name: Vic, role: viewer }
  - { id: root, name: Root, role: admin, contactMethods: ${all('+15550000009', 'root')} }
teams:
  - { id: platform, name: Platform, members: [alice, bob, lee, vic] }
  - { id: games, name: Games, members: [gina] }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T2 }
  - { id: game-api, name: Game API, team: games, defaultTier: T1 }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: t1 }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: t2 }
  T3: { name: Advisory, urgency: none, pages: false }
schedules:
  - { id: primary, name: Primary, timezone: UTC, team: platform, layers: [{ name: w, users: [alice, bob], rotation: { type: weekly, start: '2026-03-30' } }] }
  - { id: games-primary, name: Games primary, timezone: UTC, team: games, layers: [{ name: w, users: [gina, alice], rotation: { type: weekly, start: '2026-03-30' } }] }
  - { id: shared, name: Shared, timezone: UTC, layers: [{ name: w, users: [alice, gina], rotation: { type: weekly, start: '2026-03-30' } }] }
  - { id: open, name: Open, timezone: UTC, overridesBy: responders, overrideMaxDays: 7, layers: [{ name: w, users: [bob], rotation: { type: weekly, start: '2026-03-30' } }] }
escalationPolicies:
  - { id: t1, name: T1, steps: [{ targets: [{ schedule: primary }] }, { targets: [{ schedule: games-primary }] }] }
  - { id: t2, name: T2, steps: [{ targets: [{ schedule: shared }] }] }
  - { id: games-only, name: Games only, steps: [{ targets: [{ schedule: games-primary }] }] }
  - { id: platform-only, name: Platform only, steps: [{ targets: [{ user: lee }] }] }
apiTokens:
  - { name: admin, token: ${T.admin}, role: admin }
  - { name: responder, token: ${T.responder}, role: responder }
  - { name: platform-bot, token: ${T.platform}, role: responder, teams: [platform] }
  - { name: games-bot, token: ${T.games}, role: responder, teams: [games] }
  - { name: games-viewer, token: ${T.gamesViewer}, role: viewer, teams: [games] }
  - { name: platform-viewer, token: ${T.platformViewer}, role: viewer, teams: [platform] }
`;

const SOON = { from: '2026-03-31T11:00:00Z', to: '2026-03-31T15:00:00Z' };

describe.each(DIALECTS)('schedule overrides on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    t = await buildTestApp(dialect, { start: '2026-03-31T10:00:00Z', configYaml: OVERRIDES_YAML });
  });
  afterEach(async () => {
    await t?.close();
  });
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
    t.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });
  const create = (schedule: string, token: string, body: object) =>
    call('POST', `/api/v1/schedules/${schedule}/overrides`, token, body);
  const error = (res: { json(): unknown }) =>
    (res.json() as { error: { code: string; message: string } }).error;
  const onCall = async (schedule: string, at = '2026-03-31T12:00:00Z') =>
    (await call('GET', `/api/v1/oncall?schedule=${schedule}&at=${at}`, T.admin)).json().oncall[0].user;

  it("takes overrides on a team's schedule only from that team (or an admin); another team's is not found", async () => {
    const foreign = await create('primary', T.games, { user: 'gina', ...SOON });
    expect(foreign.statusCode).toBe(404);
    expect(error(foreign).code).toBe('not_found');
    expect(error(foreign).message).toBe('No schedule "primary". Known: games-primary, shared, open.');
    expect(await onCall('primary')).toBe('alice');

    const own = await create('primary', T.platform, { user: 'bob', ...SOON });
    expect(own.statusCode).toBe(201);
    expect(own.json().override).toMatchObject({
      schedule: 'primary',
      user: 'bob',
      createdBy: 'platform-bot',
      createdAt: '2026-03-31T10:00:00.000Z',
    });
    expect(await onCall('primary')).toBe('bob');
    const id = own.json().override.id as number;
    // Removing it follows the same rule.
    expect((await call('DELETE', `/api/v1/schedules/primary/overrides/${id}`, T.games)).statusCode).toBe(404);
    expect(
      (await call('DELETE', `/api/v1/schedules/primary/overrides/${id}`, T.platformViewer)).statusCode,
    ).toBe(403);
    expect(await onCall('primary')).toBe('bob');
    expect((await call('DELETE', `/api/v1/schedules/primary/overrides/${id}`, T.admin)).statusCode).toBe(204);
    expect(await onCall('primary')).toBe('alice');
    expect((await create('primary', T.admin, { user: 'bob', ...SOON })).statusCode).toBe(201);
  });

  it('takes overrides on a schedule without a team only from admins, unless it says overridesBy: responders', async () => {
    for (const token of [T.platform, T.games, T.responder]) {
      const refused = await create('shared', token, { user: 'alice', ...SOON });
      expect(refused.statusCode).toBe(403);
      expect(error(refused)).toEqual({
        code: 'forbidden',
        message:
          'Schedule "shared" has no team, so only an admin may change its overrides. Give it a team (schedules[].team) or set schedules[].overridesBy: responders in the config.',
      });
    }
    expect(await onCall('shared')).toBe('alice');
    const admin = await create('shared', T.admin, { user: 'gina', ...SOON });
    expect(admin.statusCode).toBe(201);
    expect(await onCall('shared')).toBe('gina');
    const id = admin.json().override.id as number;
    expect((await call('DELETE', `/api/v1/schedules/shared/overrides/${id}`, T.platform)).statusCode).toBe(
      403,
    );
    expect(await onCall('shared')).toBe('gina');

    expect((await create('open', T.games, { user: 'gina', ...SOON })).statusCode).toBe(201);
    expect(await onCall('open')).toBe('gina');
  });

  it('refuses to put on call someone who cannot be paged at the urgency the schedule pages at', async () => {
    // vic is a viewer without contact methods; lee has push and email only: T1 (high) calls and texts.
    for (const user of ['vic', 'lee']) {
      const refused = await create('primary', T.platform, { user, ...SOON });
      expect(refused.statusCode).toBe(400);
      expect(error(refused).code).toBe('override_unreachable');
      expect(error(refused).message).toContain(
        `${user} has no voice, sms contact method for their high-urgency notification rules, so they cannot be paged at high urgency (T1 pages schedule "primary" through policy "t1")`,
      );
    }
    expect(await onCall('primary')).toBe('alice');
    // shared pages only for T2 (low: push, then email): lee can be paged there, vic cannot.
    expect((await create('shared', T.admin, { user: 'lee', ...SOON })).statusCode).toBe(201);
    const vic = await create('shared', T.admin, { user: 'vic', ...SOON });
    expect(error(vic)).toMatchObject({
      code: 'override_unreachable',
      message: expect.stringContaining('vic has no push, email contact method'),
    });
    // open is paged by no tier: anyone who exists may stand in.
    expect((await create('open', T.platform, { user: 'vic', ...SOON })).statusCode).toBe(201);
    expect(error(await create('primary', T.platform, { user: 'ghost', ...SOON }))).toMatchObject({
      code: 'invalid_payload',
      message: expect.stringContaining('No user "ghost"'),
    });
  });

  it('bounds the range: from at most an hour ago, to after from, at most overrideMaxDays long', async () => {
    const cases: [string, object, RegExp][] = [
      [
        'primary',
        { from: '1970-01-01T00:00:00Z', to: '9999-12-31T00:00:00Z' },
        /more than 60 minutes in the past/,
      ],
      [
        'primary',
        { from: '2026-03-31T08:30:00Z', to: '2026-03-31T12:00:00Z' },
        /more than 60 minutes in the past/,
      ],
      ['primary', { from: '2026-03-31T11:00:00Z', to: '9999-12-31T00:00:00Z' }, /at most 90 days/],
      ['primary', { from: '9999-01-01T00:00:00Z', to: '9999-01-02T00:00:00Z' }, /more than 366 days ahead/],
      ['primary', { from: '2026-03-31T12:00:00Z', to: '2026-03-31T11:00:00Z' }, /to must be after from/],
      ['open', { from: '2026-03-31T11:00:00Z', to: '2026-04-08T11:00:00Z' }, /at most 7 days/],
    ];
    for (const [schedule, range, message] of cases) {
      const res = await create(schedule, T.admin, { user: 'bob', ...range });
      expect(res.statusCode, JSON.stringify(range)).toBe(400);
      expect(error(res).code).toBe('invalid_override_range');
      expect(error(res).message).toMatch(message);
    }
    expect(
      (
        await call(
          'GET',
          '/api/v1/schedules/primary/overrides?from=1970-01-02T00:00:00Z&to=1970-12-01T00:00:00Z',
          T.admin,
        )
      ).json().overrides,
    ).toEqual([]);
    // Just inside the limits.
    const edge = await create('primary', T.admin, {
      user: 'bob',
      from: '2026-03-31T09:00:00Z',
      to: '2026-06-29T09:00:00Z',
    });
    expect(edge.statusCode).toBe(201);
  });

  it("keeps every override change on the schedule's timeline with its author", async () => {
    const created = await create('primary', T.platform, { user: 'bob', ...SOON });
    const id = created.json().override.id as number;
    t.clock.advance(5 * 60_000);
    expect((await call('DELETE', `/api/v1/schedules/primary/overrides/${id}`, T.admin)).statusCode).toBe(204);
    expect((await create('games-primary', T.games, { user: 'gina', ...SOON })).statusCode).toBe(201);

    const res = await call('GET', '/api/v1/schedules/primary/events', T.platformViewer);
    expect(res.statusCode).toBe(200);
    const override = {
      id,
      user: 'bob',
      from: '2026-03-31T11:00:00.000Z',
      to: '2026-03-31T15:00:00.000Z',
      createdBy: 'platform-bot',
    };
    expect(res.json()).toEqual({
      schedule: 'primary',
      nextBefore: null,
      events: [
        {
          id: expect.any(Number),
          at: '2026-03-31T10:05:00.000Z',
          kind: 'override.deleted',
          actor: 'admin',
          message: `admin removed override ${id} (bob from 2026-03-31T11:00:00.000Z to 2026-03-31T15:00:00.000Z, added by platform-bot)`,
          data: { override },
        },
        {
          id: expect.any(Number),
          at: '2026-03-31T10:00:00.000Z',
          kind: 'override.created',
          actor: 'platform-bot',
          message: `platform-bot put bob on call from 2026-03-31T11:00:00.000Z to 2026-03-31T15:00:00.000Z (override ${id})`,
          data: { override },
        },
      ],
    });
    const [newest, oldest] = res.json().events as { id: number }[];
    const page = (await call('GET', '/api/v1/schedules/primary/events?limit=1', T.admin)).json();
    expect(page.events.map((e: { id: number }) => e.id)).toEqual([newest!.id]);
    expect(page.nextBefore).toBe(newest!.id);
    const next = await call(
      'GET',
      `/api/v1/schedules/primary/events?limit=1&before=${page.nextBefore}`,
      T.admin,
    );
    expect(next.json().events.map((e: { id: number }) => e.id)).toEqual([oldest!.id]);
    // A refused change leaves no trace; another team's timeline is not found.
    await create('primary', T.platform, { user: 'vic', ...SOON });
    expect((await call('GET', '/api/v1/schedules/primary/events', T.admin)).json().events).toHaveLength(2);
    expect((await call('GET', '/api/v1/schedules/primary/events', T.gamesViewer)).statusCode).toBe(404);
    expect(
      (await call('GET', '/api/v1/schedules/games-primary/events', T.gamesViewer)).json().events,
    ).toHaveLength(1);
    const rows = await t.store.db.selectFrom('schedule_events').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.schedule_id, r.kind, r.actor])).toEqual([
      ['primary', 'override.created', 'platform-bot'],
      ['primary', 'override.deleted', 'admin'],
      ['games-primary', 'override.created', 'games-bot'],
    ]);
  });
});

describe('what each team sees of schedules, calendars and policies', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeEach(async () => {
    t = await buildTestApp('sqlite', { start: '2026-03-31T10:00:00Z', configYaml: OVERRIDES_YAML });
  });
  afterEach(async () => {
    await t.close();
  });
  const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: auth(token) });
  const ids = async (url: string, token: string, key: string, field = 'id') =>
    ((await get(url, token)).json()[key] as Record<string, string>[]).map((x) => x[field]);

  it("shows a team its own schedules and those without a team; another team's is a 404 everywhere", async () => {
    expect(await ids('/api/v1/schedules', T.admin, 'schedules')).toEqual([
      'primary',
      'games-primary',
      'shared',
      'open',
    ]);
    expect(await ids('/api/v1/schedules', T.gamesViewer, 'schedules')).toEqual([
      'games-primary',
      'shared',
      'open',
    ]);
    expect(await ids('/api/v1/schedules', T.platform, 'schedules')).toEqual(['primary', 'shared', 'open']);
    expect(await ids('/api/v1/oncall', T.gamesViewer, 'oncall', 'schedule')).toEqual([
      'games-primary',
      'shared',
      'open',
    ]);
    expect(await ids('/api/v1/oncall', T.responder, 'oncall', 'schedule')).toHaveLength(4);
    for (const url of [
      '/api/v1/oncall?schedule=primary',
      '/api/v1/schedules/primary/shifts',
      '/api/v1/schedules/primary/gaps',
      '/api/v1/schedules/primary/overrides',
      '/api/v1/schedules/primary/events',
      '/api/v1/schedules/primary/calendar.ics',
      '/api/v1/users/alice/calendar.ics',
    ]) {
      const res = await get(url, T.gamesViewer);
      expect(res.statusCode, url).toBe(404);
      // The answer does not list the schedules the caller may not see.
      expect(res.body, url).not.toMatch(/Known: (.*, )?primary[,.]/);
      expect((await get(url, T.platformViewer)).statusCode, url).toBe(200);
    }
    expect((await get('/api/v1/oncall?schedule=nope', T.gamesViewer)).json().error.message).toBe(
      'No schedule "nope". Known: games-primary, shared, open.',
    );
  });

  it("limits a person's calendar to the schedules the caller may see, and the feed list to what it may read", async () => {
    const gina = (await get('/api/v1/users/gina/calendar.ics', T.gamesViewer)).body;
    expect(gina).toContain('SUMMARY:On call: Games primary (gina)');
    expect(gina).toContain('SUMMARY:On call: Shared (gina)');
    expect((await get('/api/v1/users/gina/calendar.ics', T.platformViewer)).statusCode).toBe(404);
    const feeds = (await get('/api/v1/calendar-feeds', T.gamesViewer)).json();
    expect(feeds.schedules.map((s: { id: string }) => s.id)).toEqual(['games-primary', 'shared', 'open']);
    expect(feeds.users.map((u: { id: string }) => u.id)).toEqual(['gina']);
    expect((await get('/api/v1/calendar-feeds', T.admin)).json().users).toHaveLength(6);
    // A signed feed URL needs no header, and shows what its person may see.
    const alice = new URL(
      (await get('/api/v1/calendar-feeds', T.admin))
        .json()
        .users.find((u: { id: string }) => u.id === 'alice').url,
    );
    const feed = await t.app.inject({ method: 'GET', url: `${alice.pathname}${alice.search}` });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain('SUMMARY:On call: Primary (alice)');
    // alice also takes turns on the games team's schedule, which she is not a member of: not in her feed.
    expect(feed.body).not.toContain('Games primary');
    const asAdmin = await get('/api/v1/users/alice/calendar.ics', T.admin);
    expect(asAdmin.body).toContain('SUMMARY:On call: Games primary (alice)');
  });

  it("shows the policies that page a team's services or target it, with whom they page now among what it may see", async () => {
    type Policy = { id: string; steps: { now: string[] }[] };
    const policies = async (token: string) =>
      (await get('/api/v1/escalation-policies', token)).json().policies as Policy[];
    expect((await policies(T.admin)).map((p) => p.id)).toEqual(['t1', 't2', 'games-only', 'platform-only']);
    const games = await policies(T.gamesViewer);
    expect(games.map((p) => p.id)).toEqual(['t1', 't2', 'games-only']);
    // t1 pages the games team's services too, but its step 1 is platform's schedule: left out, as in /oncall.
    expect(games.find((p) => p.id === 't1')!.steps.map((s) => s.now)).toEqual([[], ['gina']]);
    const platform = await policies(T.platform);
    expect(platform.map((p) => p.id)).toEqual(['t1', 't2', 'platform-only']);
    expect(platform.find((p) => p.id === 't1')!.steps.map((s) => s.now)).toEqual([['alice'], []]);
    expect((await policies(T.admin)).find((p) => p.id === 't1')!.steps.map((s) => s.now)).toEqual([
      ['alice'],
      ['gina'],
    ]);
  });
});
