/**
 * An alert belongs to the integration key that sent it (issue #15, finding 3): another key's alert with the
 * same fingerprint or dedup_key is a different alert, so it can neither join, de-duplicate with, acknowledge
 * nor resolve an incident it did not open. Alerts firing before the upgrade (migration 0007) are still
 * matched, and resolved, by their sender after it.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
import { FakeClock } from '../clock/clock.ts';
import { ConfigError, parseConfig } from '../config/load.ts';
import { createDatabase, type KlaxonDatabase } from '../db/database.ts';
import { migrateTo } from '../db/migrations.ts';

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;
type Alert = Parameters<typeof amPayload>[0][number];

const SECOND_AM_KEY = 'am-second-key-0123456789abcdef';
const GROUP = '{}:{alertname="Test"}';

interface Peer {
  app: TestApp['app'];
  store: KlaxonDatabase;
}

function senders(t: () => Peer) {
  const am = (alerts: Alert[], groupKey = GROUP, key: string = KEYS.alertmanager) =>
    t().app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: auth(key),
      payload: amPayload(alerts, groupKey),
    });
  const pd = (action: 'trigger' | 'acknowledge' | 'resolve', dedupKey: string) =>
    t().app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      payload: {
        routing_key: KEYS.pagerduty,
        event_action: action,
        dedup_key: dedupKey,
        ...(action === 'trigger'
          ? { payload: { summary: `PD ${dedupKey}`, source: 'synthetic', severity: 'critical' } }
          : {}),
      },
    });
  const incidents = () =>
    t().store.db.selectFrom('incidents').select(['id', 'state', 'source']).orderBy('id').execute();
  const stateOf = async (id: number) =>
    (
      await t()
        .store.db.selectFrom('incidents')
        .select('state')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).state;
  return { am, pd, incidents, stateOf };
}

const outcomes = (res: { json: () => unknown }) =>
  (res.json() as { results: { outcome: string; incidentId: number | null }[] }).results;

describe.each(DIALECTS)('alerts are scoped to their integration on %s', (dialect) => {
  let t: TestApp;
  const { am, pd, incidents, stateOf } = senders(() => t);
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    t = await buildTestApp(dialect, {
      configYaml: TEST_CONFIG_YAML.replace(
        'integrationKeys:\n',
        `integrationKeys:\n  - { key: ${SECOND_AM_KEY}, name: am-second, service: kafka, source: alertmanager }\n`,
      ),
    });
  });
  afterEach(async () => {
    await t?.close();
  });

  it('an Alertmanager alert whose fingerprint is a PagerDuty dedup_key neither joins nor resolves the PagerDuty incident', async () => {
    expect((await pd('trigger', 'shared')).statusCode).toBe(202);
    const [pdIncident] = await incidents();
    expect(pdIncident).toMatchObject({ source: 'pagerduty', state: 'triggered' });

    // Routed to the PagerDuty key's service by label, with the same identity text.
    const fired = outcomes(
      await am([{ labels: { alertname: 'A', service: 'game-api' }, fingerprint: 'shared' }]),
    );
    expect(fired[0]).toMatchObject({ outcome: 'opened' });
    expect(fired[0]!.incidentId).not.toBe(pdIncident!.id);

    const resolved = outcomes(
      await am([
        { status: 'resolved', labels: { alertname: 'A', service: 'game-api' }, fingerprint: 'shared' },
      ]),
    );
    expect(resolved[0]).toMatchObject({ outcome: 'resolved', incidentId: fired[0]!.incidentId });
    expect(await stateOf(pdIncident!.id)).toBe('triggered');
    expect(await stateOf(fired[0]!.incidentId!)).toBe('resolved');
  });

  it('a PagerDuty dedup_key neither acknowledges nor resolves an Alertmanager alert of its service', async () => {
    const fired = outcomes(
      await am([{ labels: { alertname: 'A', service: 'game-api' }, fingerprint: 'fp-x' }]),
    );
    const id = fired[0]!.incidentId!;
    expect((await pd('acknowledge', 'fp-x')).statusCode).toBe(202);
    expect(await stateOf(id)).toBe('triggered');
    expect((await pd('resolve', 'fp-x')).statusCode).toBe(202);
    expect(await stateOf(id)).toBe('triggered');
  });

  it('two Alertmanager keys feeding one service keep their alerts and groups apart', async () => {
    const a = outcomes(await am([{ labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'fp' }]));
    const b = outcomes(await am([{ labels: { alertname: 'A' }, fingerprint: 'fp' }], GROUP, SECOND_AM_KEY));
    expect(a[0]).toMatchObject({ outcome: 'opened' });
    // Same fingerprint, same group key, same service: still another sender's alert, in its own incident.
    expect(b[0]).toMatchObject({ outcome: 'opened' });
    expect(b[0]!.incidentId).not.toBe(a[0]!.incidentId);
    await am([{ status: 'resolved', labels: { alertname: 'A' }, fingerprint: 'fp' }], GROUP, SECOND_AM_KEY);
    expect(await stateOf(a[0]!.incidentId!)).toBe('triggered');
    expect(await stateOf(b[0]!.incidentId!)).toBe('resolved');
  });

  it('the same integration still de-duplicates, groups and resolves its own alerts', async () => {
    const first = outcomes(await am([{ labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'fp1' }]));
    const repeat = outcomes(await am([{ labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'fp1' }]));
    const sibling = outcomes(
      await am([{ labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'fp2' }]),
    );
    expect(first[0]).toMatchObject({ outcome: 'opened' });
    expect(repeat[0]).toMatchObject({ outcome: 'updated', incidentId: first[0]!.incidentId });
    expect(sibling[0]).toMatchObject({ outcome: 'added', incidentId: first[0]!.incidentId });
    await am([
      { status: 'resolved', labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'fp1' },
      { status: 'resolved', labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'fp2' },
    ]);
    expect(await stateOf(first[0]!.incidentId!)).toBe('resolved');

    await pd('trigger', 'pd1');
    await pd('trigger', 'pd1');
    const [, pdIncident] = await incidents();
    expect((await incidents()).length).toBe(2);
    await pd('resolve', 'pd1');
    expect(await stateOf(pdIncident!.id)).toBe('resolved');
  });
});

describe.each(DIALECTS)('upgrading to integration-scoped alerts on %s', (dialect) => {
  let peer: Peer & { close: () => Promise<void> };
  const { am, pd, stateOf } = senders(() => peer);
  const T0 = Date.parse('2026-03-28T01:50:00Z');
  const LONG_GROUP = `{}:{alertname="Long",instance="${'x'.repeat(600)}"}`;
  const bounded = (key: string) =>
    Buffer.byteLength(key) > 512 ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;

  /** An incident and its firing alerts as the engine wrote them before migration 0007. */
  async function legacyIncident(
    store: KlaxonDatabase,
    service: string,
    source: string,
    groupKey: string,
    dedupKeys: string[],
  ): Promise<number> {
    const { id } = await store.db
      .insertInto('incidents')
      .values({
        service_id: service,
        group_ref: bounded(`${service}/${groupKey}`),
        tier: 'T1',
        state: 'triggered',
        title: `legacy ${groupKey}`,
        source,
        created_at: T0,
        updated_at: T0,
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        resolved_by: null,
        reopen_count: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const dedupKey of dedupKeys) {
      await store.db
        .insertInto('alerts')
        .values({
          alert_key: bounded(`${service}/${dedupKey}`),
          service_id: service,
          dedup_key: dedupKey,
          incident_id: id,
          source,
          status: 'firing',
          tier: 'T1',
          summary: dedupKey,
          labels: '{}',
          annotations: '{}',
          details: '{}',
          generator_url: null,
          starts_at: T0,
          ends_at: null,
          first_seen_at: T0,
          last_seen_at: T0,
          fire_count: 1,
        })
        .execute();
    }
    return id;
  }

  let pdLegacy: number;
  let amLegacy: number;
  let longLegacy: number;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    const store = createDatabase(await freshDatabase(dialect));
    await migrateTo(store.db as Kysely<unknown>, store.dialect, '0006_live_feed');
    pdLegacy = await legacyIncident(store, 'game-api', 'pagerduty', 'pd:shared', ['shared']);
    amLegacy = await legacyIncident(store, 'kafka', 'alertmanager', GROUP, ['fp-a', 'fp-b']);
    longLegacy = await legacyIncident(store, 'kafka', 'alertmanager', LONG_GROUP, ['fp-long']);
    await store.migrate();
    const built = await buildApp({
      config: testConfig(),
      store,
      clock: new FakeClock('2026-03-28T02:00:00Z'),
      processMetrics: false,
    });
    peer = {
      app: built.app,
      store,
      close: async () => {
        await built.app.close();
        await store.close();
      },
    };
  });
  afterEach(async () => {
    await peer?.close();
  });

  it('an incident open before the upgrade is still resolved by its sender after it, and by no other', async () => {
    // Another source's alert with the same key does not touch the PagerDuty incident.
    const stray = outcomes(
      await am([
        { status: 'resolved', labels: { alertname: 'A', service: 'game-api' }, fingerprint: 'shared' },
      ]),
    );
    expect(stray[0]).toMatchObject({ outcome: 'ignored', incidentId: null });
    expect(await stateOf(pdLegacy)).toBe('triggered');
    expect((await pd('resolve', 'shared')).statusCode).toBe(202);
    expect(await stateOf(pdLegacy)).toBe('resolved');

    // A repeat of a firing alert is still a repeat; a new alert of the group joins the open incident.
    const more = outcomes(
      await am([
        { labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'fp-a' },
        { labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'fp-c' },
      ]),
    );
    expect(more.map((r) => [r.outcome, r.incidentId])).toEqual([
      ['updated', amLegacy],
      ['added', amLegacy],
    ]);
    await am(
      ['fp-a', 'fp-b', 'fp-c'].map((fingerprint) => ({
        status: 'resolved' as const,
        labels: { alertname: 'A', service: 'kafka' },
        fingerprint,
      })),
    );
    expect(await stateOf(amLegacy)).toBe('resolved');

    // A group key long enough to have been stored as its SHA-256.
    const labels = { alertname: 'Long', service: 'kafka' };
    const joined = outcomes(await am([{ labels, fingerprint: 'fp-long2' }], LONG_GROUP));
    expect(joined[0]).toMatchObject({ outcome: 'added', incidentId: longLegacy });
    const long = outcomes(
      await am(
        [
          { status: 'resolved', labels, fingerprint: 'fp-long' },
          { status: 'resolved', labels, fingerprint: 'fp-long2' },
        ],
        LONG_GROUP,
      ),
    );
    expect(long.map((r) => [r.outcome, r.incidentId])).toEqual([
      ['resolved', longLegacy],
      ['resolved', longLegacy],
    ]);
    expect(await stateOf(longLegacy)).toBe('resolved');
  });

  it('a pre-upgrade alert, once resolved, is a new alert of its integration when it fires again', async () => {
    await pd('resolve', 'shared');
    expect(await stateOf(pdLegacy)).toBe('resolved');
    // Within the re-open window the incident re-opens, as before the upgrade.
    await pd('trigger', 'shared');
    expect(await stateOf(pdLegacy)).toBe('triggered');
    const alerts = await peer.store.db
      .selectFrom('alerts')
      .select(['alert_key', 'status'])
      .where('incident_id', '=', pdLegacy)
      .orderBy('id')
      .execute();
    expect(alerts.map((a) => a.status)).toEqual(['resolved', 'firing']);
    expect(alerts[1]!.alert_key).toContain('game-events');
  });
});

describe('integration key names', () => {
  const base = TEST_CONFIG_YAML;
  const problems = (yaml: string) => {
    try {
      parseConfig(yaml, 'klaxon.yaml', {});
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
    return [];
  };

  it('must be unique, since an alert belongs to the key it came from', () => {
    const found = problems(
      base.replace(
        'integrationKeys:\n',
        `integrationKeys:\n  - { key: ${SECOND_AM_KEY}, name: am, service: kafka, source: alertmanager }\n`,
      ),
    );
    expect(found).toEqual([expect.stringMatching(/^integrationKeys\[\d\]\.name: duplicate name "am"/)]);
  });

  it('may not take the name the engine uses for its own alerts', () => {
    const found = problems(
      base.replace(
        'integrationKeys:\n',
        `integrationKeys:\n  - { key: ${SECOND_AM_KEY}, name: klaxon-internal, service: kafka, source: alertmanager }\n`,
      ),
    );
    expect(found).toEqual([
      expect.stringContaining('integrationKeys[0].name: "klaxon-internal" is reserved'),
    ]);
  });
});
