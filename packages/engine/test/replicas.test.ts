/**
 * Two engine processes on one PostgreSQL database, 1,000 incidents escalating through three steps: every
 * step fires exactly once, whichever replica runs it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fastOncallYaml,
  freePort,
  freshDatabase,
  KEYS,
  skipPostgres,
  spawnEngine,
  waitFor,
} from '@klaxon/testing';
import { createDatabase } from '../src/index.ts';

const INCIDENTS = 1000;

describe.skipIf(skipPostgres('postgres'))('two replicas on PostgreSQL', () => {
  it('fires every escalation step exactly once across 1,000 incidents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-replicas-'));
    const configFile = join(dir, 'klaxon.yaml');
    writeFileSync(configFile, fastOncallYaml(3, join(dir, 'outbox.jsonl')));
    const db = await freshDatabase('postgres');
    if (db.dialect !== 'postgres') throw new Error('unreachable');
    const engines = [
      spawnEngine({ configFile, database: db.url, port: await freePort() }),
      spawnEngine({ configFile, database: db.url, port: await freePort() }),
    ];
    const store = createDatabase(db);
    try {
      await Promise.all(engines.map((e) => e.ready()));
      // Alternate replicas; 16 requests in flight.
      let next = 0;
      const sender = async () => {
        while (next < INCIDENTS) {
          const n = next++;
          const res = await fetch(`${engines[n % 2]!.url}/v2/enqueue`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              routing_key: KEYS.pagerduty,
              event_action: 'trigger',
              dedup_key: `r-${n}`,
              payload: { summary: `incident ${n}`, source: 'replicas', severity: 'critical' },
            }),
          });
          expect(res.status).toBe(202);
        }
      };
      await Promise.all(Array.from({ length: 16 }, sender));
      await waitFor(
        'every escalation to finish',
        async () => {
          const open = await store.db
            .selectFrom('escalations')
            .select(store.db.fn.countAll<number>().as('n'))
            .where('state', '<>', 'done')
            .executeTakeFirstOrThrow();
          return Number(open.n) === 0;
        },
        60_000,
      );
      const incidents = await store.db.selectFrom('incidents').select('id').execute();
      expect(incidents).toHaveLength(INCIDENTS);
      const steps = await store.db
        .selectFrom('incident_events')
        .select(['incident_id', 'data'])
        .where('kind', '=', 'escalation.step')
        .execute();
      const perIncident = new Map<number, number[]>();
      for (const s of steps) {
        const list = perIncident.get(s.incident_id) ?? [];
        list.push((JSON.parse(s.data) as { step: number }).step);
        perIncident.set(s.incident_id, list);
      }
      const wrong = [...perIncident.entries()].filter(([, list]) => list.sort().join() !== '0,1,2');
      expect(wrong, 'incidents whose steps did not fire exactly once each').toEqual([]);
      expect(perIncident.size).toBe(INCIDENTS);
      const pages = await store.db
        .selectFrom('notifications')
        .select(['incident_id', 'step_index', 'user_id', 'channel', 'due_at'])
        .where('kind', '=', 'page')
        .execute();
      const keys = new Set(
        pages.map((p) => `${p.incident_id}/${p.step_index}/${p.user_id}/${p.channel}/${p.due_at}`),
      );
      expect(keys.size).toBe(pages.length);
      // Each step pages one person: call and SMS now, and again 2 minutes later.
      expect(pages.length).toBe(INCIDENTS * 3 * 4);
    } finally {
      await Promise.all(engines.map((e) => e.kill()));
      await store.close();
    }
  }, 120_000);
});
