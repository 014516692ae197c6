/**
 * Escalation with a fake clock, following the seed: T1 calls and texts the primary at once, the backup at
 * 5 min and the lead at 10; T2 pushes to the primary and reaches the backup at 30; T3 never pages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestStore,
  DIALECTS,
  ONCALL_API_YAML,
  ONCALL_YAML,
  skipPostgres,
  testConfig,
} from '@klaxon/testing';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { EngineLoop } from '../engine/loop.ts';
import { standardModules } from '../app/modules.ts';
import { IngestQueue } from '../ingest/queue.ts';
import { acknowledgeIncident, getIncident, resolveIncident } from '../incidents/store.ts';
import { ackTimeoutFor } from './policy.ts';

const MIN = 60_000;
// Monday 2026-03-30 10:00 London: alice is primary, bob backup (weekly from Monday 2026-03-30 09:00).
const START = '2026-03-30T09:00:00Z';

describe.each(DIALECTS)('escalation on %s', (dialect) => {
  let store: KlaxonDatabase;
  let clock: FakeClock;
  let config: KlaxonConfig;
  let queue: IngestQueue;
  let loop: EngineLoop;

  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    store = await createTestStore(dialect);
    clock = new FakeClock(START);
    clock.advance(60 * MIN); // 10:00 London (BST), 09:00Z
    useConfig(ONCALL_YAML);
  });
  afterEach(async () => {
    await store?.close();
  });

  /** Rebuilds the ingest queue and the engine loop on a config. */
  const useConfig = (yaml: string) => {
    config = testConfigFrom(yaml);
    queue = new IngestQueue(store, clock, { reopenWindowMs: 60 * MIN, config });
    loop = new EngineLoop({
      store,
      clock,
      modules: standardModules(config, store, { clock, delivery: false }).modules,
      intervalMs: 1000,
    });
    return config;
  };

  const fire = async (tier: string, key = 'a1', service = 'kafka') => {
    const [r] = await queue.submit([
      {
        serviceId: service,
        source: 'alertmanager',
        integration: 'am',
        actor: 'am',
        defaultTier: 'T2',
        alert: {
          action: 'trigger',
          dedupKey: key,
          groupKey: key,
          summary: `${tier} alert`,
          labels: { tier },
          annotations: {},
          details: {},
          generatorUrl: null,
          startsAt: null,
          endsAt: null,
        },
      },
    ]);
    return r!.incidentId!;
  };
  /** Advances the clock minute by minute, running the engine each minute, as a live engine would. */
  const runFor = async (minutes: number) => {
    await loop.runOnce();
    for (let i = 0; i < minutes; i++) {
      clock.advance(MIN);
      await loop.runOnce();
    }
  };
  const pages = async (incidentId: number) =>
    (
      await store.db
        .selectFrom('notifications')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('id')
        .execute()
    ).map((n) => ({
      user: n.user_id,
      channel: n.channel,
      at: (n.due_at - Date.parse(START) - 60 * MIN) / MIN,
      status: n.status,
    }));

  it('T1 unacknowledged: primary by call and SMS at 0, backup at 5 min, lead at 10 min', async () => {
    const id = await fire('T1');
    await runFor(15);
    const sent = await pages(id);
    const firstAt = (user: string) => Math.min(...sent.filter((p) => p.user === user).map((p) => p.at));
    expect(firstAt('alice')).toBe(0);
    expect(firstAt('bob')).toBe(5);
    expect(firstAt('erin')).toBe(10);
    expect(
      sent
        .filter((p) => p.user === 'alice' && p.at === 0)
        .map((p) => p.channel)
        .sort(),
    ).toEqual(['sms', 'voice']);
    // The default high-urgency rules repeat call and SMS at 2 minutes.
    expect(
      sent
        .filter((p) => p.user === 'alice' && p.at === 2)
        .map((p) => p.channel)
        .sort(),
    ).toEqual(['sms', 'voice']);
    const timeline = (await getIncident(store, id)).timeline.filter((e) => e.kind.startsWith('escalation'));
    expect(timeline.map((e) => [e.kind, e.at])).toEqual([
      ['escalation.step', '2026-03-30T10:00:00.000Z'],
      ['escalation.step', '2026-03-30T10:05:00.000Z'],
      ['escalation.step', '2026-03-30T10:10:00.000Z'],
    ]);
    expect(timeline[1]!.message).toContain('bob');
  });

  it('a step whose person cannot be reached escalates at once, and the timeline says who and why', async () => {
    // vic is a viewer with no contact methods, put on call by an override made before overrides were
    // checked (or by config drift): step 1 reaches nobody, so the backup is paged now, not at 5 minutes.
    useConfig(ONCALL_YAML.replace('teams:\n', '  - { id: vic, name: Vic, role: viewer }\nteams:\n'));
    const now = clock.now().getTime();
    await store.db
      .insertInto('schedule_overrides')
      .values({
        schedule_id: 'primary',
        user_id: 'vic',
        starts_at: now - MIN,
        ends_at: now + 60 * MIN,
        created_by: 'sam',
        created_at: now - MIN,
      })
      .execute();
    const id = await fire('T1');
    await loop.runOnce();
    await loop.runOnce(); // no time passes
    const sent = await pages(id);
    expect(sent.some((p) => p.user === 'vic')).toBe(false);
    expect(
      sent
        .filter((p) => p.user === 'bob' && p.at === 0)
        .map((p) => p.channel)
        .sort(),
    ).toEqual(['sms', 'voice']);
    const timeline = (await getIncident(store, id)).timeline.filter((e) => e.kind.startsWith('escalation'));
    expect(timeline.map((e) => [e.kind, e.at])).toEqual([
      ['escalation.unreachable', '2026-03-30T10:00:00.000Z'],
      ['escalation.step', '2026-03-30T10:00:00.000Z'],
    ]);
    expect(timeline[0]!.message).toBe(
      'Step 1/3 reached nobody: vic has no voice, sms contact method for their high-urgency notification rules (schedule primary); escalating at once',
    );
    expect(timeline[0]!.data).toMatchObject({
      unreachable: [{ user: 'vic', reason: expect.stringContaining('no voice, sms contact method') }],
    });
    expect(timeline[1]!.message).toContain('Step 2/3: paging bob');
  });

  it('T1 acknowledged at 3 min: the backup is never notified and pending pages are canceled', async () => {
    const id = await fire('T1');
    await runFor(1);
    clock.advance(2 * MIN);
    await acknowledgeIncident(store, id, 'alice', clock.now().getTime());
    await runFor(20);
    const sent = await pages(id);
    expect(sent.some((p) => p.user === 'bob' || p.user === 'erin')).toBe(false);
    // The 2-minute repeat was already due (and is the delivery pipeline's to send); nothing later stays queued.
    expect(sent.filter((p) => p.at > 3).every((p) => p.status === 'canceled')).toBe(true);
    const esc = await store.db
      .selectFrom('escalations')
      .selectAll()
      .where('incident_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(esc).toMatchObject({ state: 'canceled', next_at: null });
  });

  it('T2: a push to the primary, and the backup only at 30 min', async () => {
    const id = await fire('T2');
    await runFor(29);
    expect((await pages(id)).map((p) => [p.user, p.channel, p.at])).toEqual([
      ['alice', 'push', 0],
      ['alice', 'email', 10],
    ]);
    await runFor(1);
    expect((await pages(id)).filter((p) => p.user === 'bob').map((p) => [p.channel, p.at])).toEqual([
      ['push', 30],
      ['email', 40],
    ]);
  });

  it('T3: records the incident and pages nobody', async () => {
    const id = await fire('T3');
    await runFor(60);
    expect(await pages(id)).toEqual([]);
    expect(await store.db.selectFrom('escalations').selectAll().execute()).toEqual([]);
  });

  it('a resolve cancels everything pending', async () => {
    const id = await fire('T1');
    await runFor(1);
    await resolveIncident(store, id, 'alice', clock.now().getTime());
    await runFor(20);
    expect((await pages(id)).every((p) => p.user === 'alice')).toBe(true);
    expect((await pages(id)).filter((p) => p.at > 1).every((p) => p.status === 'canceled')).toBe(true);
  });

  it('an ack timeout re-triggers the incident and restarts the escalation', async () => {
    const withTimeout = useConfig(
      ONCALL_YAML.replace('escalationPolicy: t1 }', 'escalationPolicy: t1, ackTimeoutMinutes: 20 }'),
    );
    const id = await fire('T1');
    await runFor(1);
    await acknowledgeIncident(store, id, 'alice', clock.now().getTime(), {
      ackTimeout: (tier) => ackTimeoutFor(withTimeout, tier),
    });
    await runFor(19);
    expect((await getIncident(store, id)).incident.state).toBe('acknowledged');
    await runFor(1);
    const detail = await getIncident(store, id);
    expect(detail.incident.state).toBe('triggered');
    expect(detail.timeline.map((e) => e.kind)).toContain('incident.retriggered');
    expect(
      (await pages(id))
        .filter((p) => p.user === 'alice' && p.at === 21)
        .map((p) => p.channel)
        .sort(),
    ).toEqual(['sms', 'voice']);
  });

  it('records alerts during a maintenance window and pages nobody', async () => {
    const now = clock.now().getTime();
    await store.db
      .insertInto('maintenance_windows')
      .values({
        service_id: 'kafka',
        starts_at: now - MIN,
        ends_at: now + 60 * MIN,
        reason: 'broker upgrade',
        created_by: 'alice',
        created_at: now,
      })
      .execute();
    const id = await fire('T1');
    await runFor(15);
    expect(await pages(id)).toEqual([]);
    expect((await getIncident(store, id)).timeline.map((e) => e.kind)).toContain('maintenance.suppressed');
  });

  it('repeats the whole policy when asked', async () => {
    useConfig(ONCALL_YAML.replace('{ id: t2, name: T2, steps:', '{ id: t2, name: T2, repeat: 1, steps:'));
    const id = await fire('T2');
    await runFor(120);
    const pushes = (await pages(id)).filter((p) => p.channel === 'push').map((p) => [p.user, p.at]);
    // The last step waits its own escalateAfterMinutes (default 5) before the policy starts over.
    expect(pushes).toEqual([
      ['alice', 0],
      ['bob', 30],
      ['alice', 35],
      ['bob', 65],
    ]);
  });

  it('tells the incoming person at a handoff, once', async () => {
    clock.set('2026-04-06T07:58:00Z'); // Monday 08:58 London; bob takes primary at 09:00 local
    await runFor(5);
    await loop.runOnce();
    const notices = await store.db
      .selectFrom('notifications')
      .selectAll()
      .where('kind', '=', 'handoff')
      .execute();
    expect(notices.map((n) => [n.user_id, n.channel, new Date(n.due_at).toISOString()])).toEqual([
      ['bob', 'push', '2026-04-06T08:00:00.000Z'],
      ['alice', 'push', '2026-04-06T08:00:00.000Z'],
    ]);
    expect(JSON.parse(notices[0]!.detail)).toMatchObject({
      schedule: 'primary',
      until: Date.parse('2026-04-13T08:00:00Z'),
    });
  });

  it('opens a T1 "monitoring pipeline is down" incident when the Watchdog stops, and resolves it when it returns', async () => {
    // The am key feeds the monitoring service, so its Watchdog is the heartbeat.
    useConfig(
      `${ONCALL_API_YAML}heartbeat: { alertname: Watchdog, service: monitoring, timeoutMinutes: 5 }\n`,
    );
    const watchdog = (action: 'trigger' | 'resolve' = 'trigger') =>
      queue.submit([
        {
          serviceId: 'monitoring',
          source: 'alertmanager',
          integration: 'am',
          actor: 'am',
          defaultTier: 'T1',
          alert: {
            action,
            dedupKey: 'wd',
            groupKey: 'wd',
            summary: 'Watchdog',
            labels: { alertname: 'Watchdog', severity: 'none' },
            annotations: {},
            details: {},
            generatorUrl: null,
            startsAt: null,
            endsAt: null,
          },
        },
      ]);
    expect((await watchdog())[0]!.outcome).toBe('heartbeat');
    await runFor(5);
    expect(await store.db.selectFrom('incidents').selectAll().execute()).toEqual([]);
    await runFor(1);
    const [down] = await store.db.selectFrom('incidents').selectAll().execute();
    expect(down).toMatchObject({ tier: 'T1', service_id: 'monitoring', state: 'triggered' });
    expect(down!.title).toContain('Monitoring pipeline is down');
    expect((await pages(down!.id)).some((p) => p.user === 'alice' && p.channel === 'voice')).toBe(true);
    await watchdog();
    await runFor(1);
    expect((await getIncident(store, down!.id)).incident.state).toBe('resolved');
  });
});

function testConfigFrom(yaml: string) {
  return testConfig('', yaml);
}
