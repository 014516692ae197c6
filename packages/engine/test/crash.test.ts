/**
 * Durability: the engine is killed with SIGKILL in the middle of ingest and restarted. Every alert that
 * got a 2xx before the kill is in the database afterwards.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DIALECTS,
  freePort,
  freshDatabase,
  KEYS,
  skipPostgres,
  spawnEngine,
  TEST_CONFIG_YAML,
  waitFor,
} from '@klaxon/testing';
import { createDatabase } from '../src/index.ts';

describe.each(DIALECTS)('SIGKILL mid-ingest on %s', (dialect) => {
  it.skipIf(skipPostgres(dialect))(
    'keeps every alert that was answered with a 2xx',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'klaxon-crash-'));
      const configFile = join(dir, 'klaxon.yaml');
      writeFileSync(configFile, TEST_CONFIG_YAML);
      const db = await freshDatabase(dialect);
      const engineOpts = {
        configFile,
        port: await freePort(),
        database: db.dialect === 'sqlite' ? db.path : db.url,
      };
      let engine = spawnEngine(engineOpts);
      const base = engine.url;
      await engine.ready();

      const acknowledged: string[] = [];
      let attempted = 0;
      let killed = false;
      const worker = async (w: number) => {
        for (let i = 0; !killed; i++) {
          const dedupKey = `crash-${w}-${i}`;
          attempted++;
          try {
            const res = await fetch(`${base}/v2/enqueue`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                routing_key: KEYS.pagerduty,
                event_action: 'trigger',
                dedup_key: dedupKey,
                payload: { summary: `alert ${dedupKey}`, source: 'crash-test', severity: 'critical' },
              }),
            });
            if (res.status === 202) acknowledged.push(dedupKey);
          } catch {
            return; // the connection died with the engine
          }
        }
      };
      const workers = Array.from({ length: 16 }, (_, w) => worker(w));
      await waitFor('some acknowledged alerts', () => Promise.resolve(acknowledged.length >= 400), 30_000);
      const dead = engine.kill();
      killed = true;
      await dead;
      await Promise.all(workers);
      // Every worker had a request in flight at the kill; some may still have been answered from socket
      // buffers, the rest failed. Only the answered ones are promised.
      const answered = [...acknowledged];
      expect(answered.length).toBeGreaterThanOrEqual(400);
      expect(attempted).toBeGreaterThanOrEqual(answered.length);

      engine = spawnEngine(engineOpts);
      try {
        await engine.ready();
        const store = createDatabase(db);
        const rows = await store.db.selectFrom('alerts').select(['dedup_key', 'incident_id']).execute();
        await store.close();
        const stored = new Map(rows.map((r) => [r.dedup_key, r.incident_id]));
        const lost = answered.filter((k) => !stored.has(k));
        expect(lost, `${lost.length} of ${answered.length} acknowledged alerts were lost`).toEqual([]);
        expect(answered.every((k) => stored.get(k) !== null)).toBe(true);
      } finally {
        await engine.kill();
      }
    },
    90_000,
  );
});
