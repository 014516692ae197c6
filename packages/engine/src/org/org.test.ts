import { afterEach, describe, expect, it } from 'vitest';
import { auth, SERVICES_YAML, startHarness, TOKENS, type Harness } from '@klaxon/testing';

describe('read views and escalate-now', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });
  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    h.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });

  it('lists services with open incidents and maintenance, teams, and people without contact details', async () => {
    h = await startHarness('sqlite', SERVICES_YAML);
    await h.fire({ alertname: 'Down', service: 'kafka', tier: 'T1' }, 'Kafka down', 'f1');
    await h.fire({ alertname: 'Lag', service: 'kafka', tier: 'T2' }, 'Kafka lag', 'f2');
    const started = await call('POST', '/api/v1/maintenance', TOKENS.responder, {
      service: 'cost',
      to: new Date(h.clock.now().getTime() + 3_600_000).toISOString(),
      reason: 'billing export migration',
    });
    expect(started.statusCode).toBe(201);

    const services = (await call('GET', '/api/v1/services', TOKENS.viewer)).json().services;
    const byId = Object.fromEntries(services.map((s: { id: string }) => [s.id, s]));
    expect(byId.kafka).toMatchObject({ team: 'platform', openIncidents: 2, maintenance: null });
    expect(byId['game-api']).toMatchObject({ dependsOn: ['kafka'], openIncidents: 0 });
    expect(byId.cost.maintenance).toMatchObject({
      reason: 'billing export migration',
      createdBy: 'responder',
    });

    const teams = (await call('GET', '/api/v1/teams', TOKENS.viewer)).json().teams;
    expect(teams).toEqual([{ id: 'platform', name: 'Platform', members: ['alice', 'bob'], lead: 'erin' }]);
    const users = (await call('GET', '/api/v1/users', TOKENS.viewer)).json().users;
    expect(users.find((u: { id: string }) => u.id === 'erin')).toEqual({
      id: 'erin',
      name: 'Erin',
      timezone: 'UTC',
      teams: ['platform'],
    });
    expect(JSON.stringify(users)).not.toContain('+1555');
  });

  it('escalates now: the next step pages at once instead of after its delay', async () => {
    h = await startHarness('sqlite', SERVICES_YAML);
    const id = await h.fire({ alertname: 'Down', service: 'kafka', tier: 'T1' }, 'Kafka down', 'f1');
    await h.cycle();
    const steps = async () =>
      (await call('GET', `/api/v1/incidents/${id}`, TOKENS.viewer))
        .json()
        .timeline.filter((e: { kind: string }) => e.kind === 'escalation.step').length;
    expect(await steps()).toBe(1);

    expect((await call('POST', `/api/v1/incidents/${id}/escalate`, TOKENS.viewer)).statusCode).toBe(403);
    const res = await call('POST', `/api/v1/incidents/${id}/escalate`, TOKENS.responder);
    expect(res.statusCode).toBe(200);
    await h.cycle();
    expect(await steps()).toBe(2); // no time passed: the backup was paged because someone asked
    const detail = (await call('GET', `/api/v1/incidents/${id}`, TOKENS.viewer)).json();
    expect(detail.timeline.find((e: { kind: string }) => e.kind === 'escalation.manual')).toMatchObject({
      actor: 'responder',
      message: 'Escalated now by responder',
    });

    await call('POST', `/api/v1/incidents/${id}/acknowledge`, TOKENS.responder);
    const refused = await call('POST', `/api/v1/incidents/${id}/escalate`, TOKENS.responder);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'not_escalating',
      message: expect.stringContaining('acknowledged'),
    });
  });

  it('shows whom each policy step pages now, and lists the overrides that change it', async () => {
    h = await startHarness('sqlite', SERVICES_YAML); // Tuesday 2026-03-31 10:00 UTC: alice primary, bob backup
    const policies = async () =>
      (await call('GET', '/api/v1/escalation-policies', TOKENS.viewer)).json().policies as {
        id: string;
        steps: { now: string[] }[];
        tiers: string[];
      }[];
    const t1 = (await policies()).find((p) => p.id === 't1')!;
    expect(t1.tiers).toEqual(['T1']);
    expect(t1.steps.map((s) => s.now)).toEqual([['alice'], ['bob'], ['erin']]);

    // primary has no team: only an admin may change its overrides.
    const created = await call('POST', '/api/v1/schedules/primary/overrides', TOKENS.admin, {
      user: 'erin',
      from: '2026-03-31T09:30:00Z',
      to: '2026-03-31T12:00:00Z',
    });
    expect(created.statusCode).toBe(201);
    expect((await policies()).find((p) => p.id === 't1')!.steps[0]!.now).toEqual(['erin']);
    const list = await call('GET', '/api/v1/schedules/primary/overrides', TOKENS.viewer);
    expect(list.json().overrides).toEqual([
      {
        id: created.json().override.id,
        schedule: 'primary',
        user: 'erin',
        from: '2026-03-31T09:30:00.000Z',
        to: '2026-03-31T12:00:00.000Z',
        createdBy: 'admin',
        createdAt: '2026-03-31T10:00:00.000Z',
        source: 'api',
        sourceId: null,
      },
    ]);
    const later = await call(
      'GET',
      '/api/v1/schedules/primary/overrides?from=2026-04-01T00:00:00Z',
      TOKENS.viewer,
    );
    expect(later.json().overrides).toEqual([]);
  });
});
