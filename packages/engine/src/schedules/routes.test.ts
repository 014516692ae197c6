import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, ONCALL_API_YAML, TOKENS } from '@klaxon/testing';

describe('on-call API', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeEach(async () => {
    // Tuesday 2026-03-31 10:00Z: alice is primary (week 1), bob backup.
    t = await buildTestApp('sqlite', { start: '2026-03-31T10:00:00Z', configYaml: ONCALL_API_YAML });
  });
  afterEach(async () => {
    await t.close();
  });
  const get = (url: string, token: string = TOKENS.viewer) =>
    t.app.inject({ method: 'GET', url, headers: auth(token) });

  it('answers who is on call now and at an instant', async () => {
    expect((await get('/api/v1/oncall')).json().oncall).toEqual([
      { schedule: 'primary', user: 'alice' },
      { schedule: 'backup', user: 'bob' },
    ]);
    // The next Monday 09:00 London (BST = 08:00Z) hands over.
    expect((await get('/api/v1/oncall?schedule=primary&at=2026-04-06T07:59:59Z')).json().oncall[0].user).toBe(
      'alice',
    );
    expect((await get('/api/v1/oncall?schedule=primary&at=2026-04-06T08:00:00Z')).json().oncall[0].user).toBe(
      'bob',
    );
    expect((await get('/api/v1/oncall?schedule=nope')).json().error.code).toBe('not_found');
    expect((await get('/api/v1/oncall?at=yesterday')).json().error.code).toBe('invalid_query');
  });

  it('lists shifts and the next handoff, at local wall-clock time across the DST change', async () => {
    const res = (
      await get('/api/v1/schedules/primary/shifts?from=2026-03-23T00:00:00Z&to=2026-04-13T00:00:00Z')
    ).json();
    // Before the rotation starts (2026-03-30 09:00 BST) nobody is on call: a gap. Then weekly at 09:00 local.
    expect(res.shifts).toEqual([
      { user: null, start: '2026-03-23T00:00:00.000Z', end: '2026-03-30T08:00:00.000Z' },
      { user: 'alice', start: '2026-03-30T08:00:00.000Z', end: '2026-04-06T08:00:00.000Z' },
      { user: 'bob', start: '2026-04-06T08:00:00.000Z', end: '2026-04-13T00:00:00.000Z' },
    ]);
    const gaps = (
      await get('/api/v1/schedules/primary/gaps?from=2026-03-23T00:00:00Z&to=2026-04-13T00:00:00Z')
    ).json();
    expect(gaps.shifts).toHaveLength(1);
    const list = (await get('/api/v1/schedules')).json().schedules;
    expect(list[0]).toMatchObject({
      id: 'primary',
      onCall: 'alice',
      nextHandoff: { user: 'bob', start: '2026-04-06T08:00:00.000Z' },
    });
  });

  it('serves iCal feeds per schedule and per user', async () => {
    const ics = await get(
      '/api/v1/schedules/primary/calendar.ics?from=2026-03-30T00:00:00Z&to=2026-04-20T00:00:00Z',
    );
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.body).toContain('BEGIN:VCALENDAR');
    expect(ics.body.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(ics.body).toContain('DTSTART:20260330T080000Z');
    expect(ics.body).toContain('SUMMARY:On call: Primary (alice)');
    const mine = (
      await get('/api/v1/users/bob/calendar.ics?from=2026-03-30T00:00:00Z&to=2026-04-13T00:00:00Z')
    ).body;
    expect(mine).toContain('SUMMARY:On call: Backup (bob)');
    expect(mine).toContain('SUMMARY:On call: Primary (bob)');
  });

  it('changes who is on call with an override, and back when it is removed', async () => {
    // primary has no team: only admins may change its overrides (schedules/overrides.test.ts has the rest).
    const body = { user: 'erin', from: '2026-03-31T09:30:00Z', to: '2026-03-31T12:00:00Z' };
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/schedules/primary/overrides',
          headers: auth(TOKENS.viewer),
          payload: body,
        })
      ).statusCode,
    ).toBe(403);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedules/primary/overrides',
      headers: auth(TOKENS.admin),
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    expect((await get('/api/v1/oncall?schedule=primary')).json().oncall[0].user).toBe('erin');
    expect((await get('/api/v1/oncall?schedule=primary&at=2026-03-31T12:00:00Z')).json().oncall[0].user).toBe(
      'alice',
    );
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/schedules/primary/overrides/${created.json().override.id}`,
      headers: auth(TOKENS.admin),
    });
    expect(del.statusCode).toBe(204);
    expect((await get('/api/v1/oncall?schedule=primary')).json().oncall[0].user).toBe('alice');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedules/primary/overrides',
      headers: auth(TOKENS.admin),
      payload: { ...body, user: 'ghost' },
    });
    expect(bad.json().error).toMatchObject({
      code: 'invalid_payload',
      message: expect.stringContaining('ghost'),
    });
  });

  it('opens and ends maintenance windows', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/maintenance',
      headers: auth(TOKENS.responder),
      payload: { service: 'kafka', to: '2026-03-31T12:00:00Z', reason: 'broker upgrade' },
    });
    expect(created.statusCode).toBe(201);
    expect((await get('/api/v1/maintenance')).json().windows).toEqual([
      expect.objectContaining({
        service: 'kafka',
        from: '2026-03-31T10:00:00.000Z',
        reason: 'broker upgrade',
        createdBy: 'responder',
      }),
    ]);
    const id = created.json().window.id;
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/maintenance/${id}`,
          headers: auth(TOKENS.responder),
        })
      ).statusCode,
    ).toBe(204);
    expect((await get('/api/v1/maintenance')).json().windows).toEqual([]);
  });

  it('lists escalation policies with their tiers', async () => {
    const policies = (await get('/api/v1/escalation-policies')).json().policies;
    expect(policies.map((p: { id: string; tiers: string[] }) => [p.id, p.tiers])).toEqual([
      ['t1', ['T1']],
      ['t2', ['T2']],
    ]);
  });

  it('serves signed feed URLs that calendar apps can subscribe to without a token header', async () => {
    const yaml = `${ONCALL_API_YAML}server: { publicUrl: 'https://klaxon.example.com', feedSecret: feed-secret-0123456789 }\n`;
    const app = await buildTestApp('sqlite', { start: '2026-03-31T10:00:00Z', configYaml: yaml });
    try {
      const feeds = (
        await app.app.inject({ method: 'GET', url: '/api/v1/calendar-feeds', headers: auth(TOKENS.viewer) })
      ).json();
      const bob = new URL(feeds.users.find((u: { id: string }) => u.id === 'bob').url);
      expect(bob.origin + bob.pathname).toBe('https://klaxon.example.com/api/v1/users/bob/calendar.ics');
      const ok = await app.app.inject({ method: 'GET', url: `${bob.pathname}${bob.search}` });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('SUMMARY:On call: Backup (bob)');
      // The token is bound to its path: it does not open alice's feed, and a forged one opens nothing.
      expect(
        (await app.app.inject({ method: 'GET', url: `/api/v1/users/alice/calendar.ics${bob.search}` }))
          .statusCode,
      ).toBe(401);
      expect((await app.app.inject({ method: 'GET', url: `${bob.pathname}?token=forged` })).statusCode).toBe(
        401,
      );
    } finally {
      await app.close();
    }
    expect((await get('/api/v1/calendar-feeds')).json().error.message).toContain('server.feedSecret');
  });
});
