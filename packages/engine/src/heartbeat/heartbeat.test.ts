/**
 * The heartbeat is fed only by the integration keys the config names (`heartbeat.integrations`, by default
 * the keys of the heartbeat's service): a Watchdog from any other key is ignored, so it can neither keep
 * the "monitoring pipeline is down" incident from opening nor open an always-firing incident of its own.
 */
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  amPayload,
  auth,
  buildTestApp,
  DIALECTS,
  freshDatabase,
  KEYS,
  skipPostgres,
  TEST_CONFIG_YAML,
  testConfig,
} from '@klaxon/testing';
import { buildApp } from '../app/build.ts';
import { standardModules } from '../app/modules.ts';
import { FakeClock } from '../clock/clock.ts';
import { ConfigError, parseConfig } from '../config/load.ts';
import { createDatabase } from '../db/database.ts';
import { migrateTo } from '../db/migrations.ts';
import { EngineLoop } from '../engine/loop.ts';

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

const MIN = 60_000;
const HEARTBEAT = 'heartbeat: { alertname: Watchdog, service: monitoring, timeoutMinutes: 5 }\n';

describe.each(DIALECTS)('heartbeat integrations on %s', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** The test app (keys: am feeds monitoring, grafana feeds kafka) and a running engine loop. */
  async function start(heartbeat: string, skip: () => void) {
    if (skipPostgres(dialect)) return skip();
    t = await buildTestApp(dialect, { configExtra: heartbeat });
    const app = t;
    const loop = new EngineLoop({
      store: app.store,
      clock: app.clock,
      modules: standardModules(app.config, app.store, { clock: app.clock, delivery: false }).modules,
      intervalMs: 1000,
    });
    const watchdog = async (via: 'alertmanager' | 'grafana') => {
      const payload = amPayload([{ labels: { alertname: 'Watchdog' }, fingerprint: 'wd' }]);
      const res = await app.app.inject({
        method: 'POST',
        url: `/api/v1/ingest/${via}`,
        headers: auth(via === 'alertmanager' ? KEYS.alertmanager : KEYS.grafana),
        payload: via === 'grafana' ? { ...payload, version: '1' } : payload,
      });
      expect(res.statusCode).toBe(200);
      return res.json<{ results: { outcome: string }[] }>().results[0]!.outcome;
    };
    /** Each minute the Watchdog arrives through `via`, and the engine runs. */
    const minutes = async (n: number, via: 'alertmanager' | 'grafana') => {
      for (let i = 0; i < n; i++) {
        app.clock.advance(MIN);
        await watchdog(via);
        await loop.runOnce();
      }
    };
    const incidents = () =>
      app.store.db.selectFrom('incidents').select(['id', 'title', 'tier', 'state', 'source']).execute();
    await loop.runOnce();
    return { watchdog, minutes, incidents, loop };
  }

  it('a Watchdog from a key of another service does not refresh the heartbeat: the pipeline-down incident opens on time', async (ctx) => {
    const h = (await start(HEARTBEAT, () => ctx.skip()))!;
    expect(await h.watchdog('grafana')).toBe('ignored');
    await h.minutes(5, 'grafana');
    expect(await h.incidents()).toEqual([]);
    await h.minutes(1, 'grafana');
    const [down] = await h.incidents();
    expect(down).toMatchObject({ tier: 'T1', state: 'triggered', source: 'heartbeat' });
    expect(down!.title).toContain('Monitoring pipeline is down');
    // Only the pipeline-down incident: the stray Watchdog opened nothing of its own.
    expect(await h.incidents()).toHaveLength(1);

    // From a key of the heartbeat's service, it is the heartbeat, and the incident resolves.
    expect(await h.watchdog('alertmanager')).toBe('heartbeat');
    t!.clock.advance(10_000);
    await h.loop.runOnce();
    expect((await h.incidents())[0]!.state).toBe('resolved');
  });

  it('a Watchdog from a named key keeps the heartbeat alive', async (ctx) => {
    const h = (await start(HEARTBEAT, () => ctx.skip()))!;
    await h.minutes(15, 'alertmanager');
    expect(await h.incidents()).toEqual([]);
  });

  it('heartbeat.integrations names the keys that feed it, instead of the keys of its service', async (ctx) => {
    const h = (await start(
      'heartbeat: { alertname: Watchdog, service: monitoring, timeoutMinutes: 5, integrations: [grafana] }\n',
      () => ctx.skip(),
    ))!;
    expect(await h.watchdog('alertmanager')).toBe('ignored');
    await h.minutes(15, 'grafana');
    expect(await h.incidents()).toEqual([]);
    await h.minutes(6, 'alertmanager');
    expect(await h.incidents()).toMatchObject([{ source: 'heartbeat', state: 'triggered' }]);
  });
});

describe.each(DIALECTS)('the heartbeat across the upgrade to integration-scoped alerts on %s', (dialect) => {
  it('resolves the "monitoring pipeline is down" incident open before the upgrade when the Watchdog returns', async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    const T0 = Date.parse('2026-03-28T01:00:00Z');
    const store = createDatabase(await freshDatabase(dialect));
    try {
      await migrateTo(store.db as Kysely<unknown>, store.dialect, '0006_live_feed');
      // As the heartbeat module wrote them before migration 0007.
      await store.db.insertInto('heartbeats').values({ name: 'Watchdog', last_seen_at: T0 }).execute();
      const { id } = await store.db
        .insertInto('incidents')
        .values({
          service_id: 'monitoring',
          group_ref: 'monitoring/heartbeat:Watchdog',
          tier: 'T1',
          state: 'triggered',
          title: 'Monitoring pipeline is down',
          source: 'heartbeat',
          created_at: T0 + 6 * MIN,
          updated_at: T0 + 6 * MIN,
          acknowledged_at: null,
          acknowledged_by: null,
          resolved_at: null,
          resolved_by: null,
          reopen_count: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await store.db
        .insertInto('alerts')
        .values({
          alert_key: 'monitoring/heartbeat:Watchdog',
          service_id: 'monitoring',
          dedup_key: 'heartbeat:Watchdog',
          incident_id: id,
          source: 'heartbeat',
          status: 'firing',
          tier: 'T1',
          summary: 'Monitoring pipeline is down',
          labels: '{}',
          annotations: '{}',
          details: '{}',
          generator_url: null,
          starts_at: T0,
          ends_at: null,
          first_seen_at: T0 + 6 * MIN,
          last_seen_at: T0 + 6 * MIN,
          fire_count: 1,
        })
        .execute();
      await store.migrate();
      const config = testConfig(HEARTBEAT);
      const clock = new FakeClock('2026-03-28T02:00:00Z');
      const { app } = await buildApp({ config, store, clock, processMetrics: false });
      const loop = new EngineLoop({
        store,
        clock,
        modules: standardModules(config, store, { clock, delivery: false }).modules,
        intervalMs: 1000,
      });
      try {
        // Still silent: the open incident stands, and no second one opens.
        await loop.runOnce();
        const all = () => store.db.selectFrom('incidents').select(['id', 'state']).execute();
        expect(await all()).toEqual([{ id, state: 'triggered' }]);
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/ingest/alertmanager',
          headers: auth(KEYS.alertmanager),
          payload: amPayload([{ labels: { alertname: 'Watchdog' }, fingerprint: 'wd' }]),
        });
        expect(res.json()).toMatchObject({ results: [{ outcome: 'heartbeat' }] });
        clock.advance(10_000);
        await loop.runOnce();
        expect(await all()).toEqual([{ id, state: 'resolved' }]);
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
    }
  });
});

describe('heartbeat.integrations in the config', () => {
  const problems = (yaml: string) => {
    try {
      parseConfig(yaml, 'klaxon.yaml', {});
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
    return [];
  };

  it('defaults to the keys of the heartbeat service', () => {
    expect(problems(TEST_CONFIG_YAML + HEARTBEAT)).toEqual([]);
  });

  it('must name integration keys', () => {
    expect(
      problems(
        `${TEST_CONFIG_YAML}heartbeat: { alertname: Watchdog, service: monitoring, integrations: [am, prometheus] }\n`,
      ),
    ).toEqual([expect.stringContaining('heartbeat.integrations[1]: unknown integration key "prometheus"')]);
  });

  it('must name a key when none feeds the heartbeat service', () => {
    const lonely = TEST_CONFIG_YAML.replace(
      'services:\n',
      'services:\n  - { id: lonely, name: Lonely, team: platform }\n',
    );
    expect(problems(`${lonely}heartbeat: { alertname: Watchdog, service: lonely }\n`)).toEqual([
      expect.stringContaining('heartbeat.integrations: no integration key feeds service "lonely"'),
    ]);
  });
});
