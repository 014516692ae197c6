/**
 * SIGTERM under load, on PostgreSQL: the engine says "not ready" first, goes on serving through the drain
 * delay, then closes its socket; every request it answered 2xx is stored; provider calls in flight finish;
 * it exits 0 within the deadline and leaves no connection and no advisory lock on the database. Then, on
 * SQLite, the two ways out that are not clean: the deadline passing (exit 1, naming what was abandoned)
 * and a second signal (exit at once).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort, freshDatabase, KEYS, skipPostgres, waitFor } from '@klaxon/testing';
import { configPath, fakeTwilio, lifecycleYaml, LoadClient, pollReadiness, serve } from './lifecycle.ts';

const DELAY_S = 1;
const TIMEOUT_S = 15;

describe.skipIf(skipPostgres('postgres'))('SIGTERM on PostgreSQL under load', () => {
  it('stops ready, drains, stores every acknowledged alert, exits 0 and leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-sigterm-'));
    const twilio = await fakeTwilio(150);
    writeFileSync(
      configPath(dir),
      lifecycleYaml({
        stepSeconds: 60,
        twilioUrl: twilio.url,
        shutdownDelaySeconds: DELAY_S,
        shutdownTimeoutSeconds: TIMEOUT_S,
      }),
    );
    const database = await freshDatabase('postgres');
    if (database.dialect !== 'postgres') throw new Error('unreachable');
    const engine = serve({ configFile: configPath(dir), port: await freePort(), database: database.url });
    const client = new pg.Client({ connectionString: database.url });
    try {
      await engine.ready();
      await client.connect();
      // One replica only: what it refuses is not retried elsewhere, so "acknowledged" is exactly its 2xx.
      const load = new LoadClient(() => [engine.url], { concurrency: 6, perSecond: 60, giveUpMs: 1 });
      const readiness = pollReadiness(engine.url);
      load.start();
      await new Promise((r) => setTimeout(r, 2500));
      const signalAt = performance.now();
      const exit = await engine.terminate();
      await load.stop();
      await readiness.stop();

      expect(exit.code, engine.log()).toBe(0);
      expect(exit.ms).toBeLessThan(TIMEOUT_S * 1000);
      expect(engine.log()).toContain('SIGTERM: shutting down');
      expect(engine.log()).toMatch(/shut down in \d+ ms/);

      // /readyz: 200, then 503 from the signal on, then refused once the socket closed.
      const after = readiness.seen.filter((s) => s.at >= signalAt);
      const first503 = after.find((s) => s.outcome === 503);
      const firstRefused = after.find((s) => s.outcome === 'ECONNREFUSED');
      expect(first503, JSON.stringify(after.slice(0, 10))).toBeDefined();
      expect(firstRefused).toBeDefined();
      expect(first503!.at).toBeLessThan(firstRefused!.at);
      expect(firstRefused!.at - first503!.at).toBeGreaterThanOrEqual(DELAY_S * 1000 * 0.8);
      // …and ingest went on being served while /readyz said 503.
      const servedWhileDraining = load.sent.filter((s) =>
        s.attempts.some((a) => a.outcome === 202 && a.at > first503!.at && a.at < firstRefused!.at),
      );
      expect(servedWhileDraining.length).toBeGreaterThan(0);

      // 0 lost: every 2xx is a stored alert.
      const acked = load.sent.filter((s) => s.acked).map((s) => s.key);
      expect(acked.length).toBeGreaterThan(20);
      const { rows } = await client.query<{ dedup_key: string }>(
        'select dedup_key from alerts where dedup_key = any($1)',
        [acked],
      );
      expect(new Set(rows.map((r) => r.dedup_key)).size).toBe(acked.length);
      // Nothing answered with anything but 202 or a refusal (503 / connection error) after the close.
      const odd = load.sent.flatMap((s) =>
        s.attempts.filter((a) => typeof a.outcome === 'number' && a.outcome !== 202 && a.outcome !== 503),
      );
      expect(odd).toEqual([]);

      // Provider calls in flight finished: no page was left in `sending`.
      const sending = await client.query(`select id from notifications where status = 'sending'`);
      expect(sending.rows).toEqual([]);
      expect(twilio.requests.length).toBeGreaterThan(0);

      // No connection and no advisory lock left on this database.
      const activity = await client.query(
        'select pid, application_name, state from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      expect(activity.rows).toEqual([]);
      const locks = await client.query(
        `select l.pid, l.objid from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = current_database()`,
      );
      expect(locks.rows).toEqual([]);
      console.info(
        `[sigterm] ${acked.length} alerts acknowledged, all stored; ${servedWhileDraining.length} served while /readyz said 503; 503 → socket closed ${Math.round(firstRefused!.at - first503!.at)} ms; exit 0 after ${exit.ms} ms; ${twilio.requests.length} pages sent`,
      );
    } finally {
      if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
      await client.end().catch(() => undefined);
      await twilio.close();
    }
  }, 180_000);
});

describe('the ways out of a shutdown that are not clean', () => {
  it('past server.shutdownTimeoutSeconds it names the provider call it abandoned and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-deadline-'));
    const twilio = await fakeTwilio(20_000); // a provider that hangs
    writeFileSync(
      configPath(dir),
      lifecycleYaml({ stepSeconds: 60, twilioUrl: twilio.url, shutdownTimeoutSeconds: 1 }),
    );
    const engine = serve({
      configFile: configPath(dir),
      port: await freePort(),
      database: join(dir, 'k.db'),
    });
    try {
      await engine.ready();
      const res = await fetch(`${engine.url}/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          routing_key: KEYS.pagerduty,
          event_action: 'trigger',
          dedup_key: 'hangs',
          payload: { summary: 'a page the provider never answers', source: 'test', severity: 'critical' },
        }),
      });
      expect(res.status).toBe(202);
      await waitFor('the page to reach the provider', () => Promise.resolve(twilio.requests.length > 0));
      const exit = await engine.terminate();
      expect(exit.code, engine.log()).toBe(1);
      expect(exit.ms).toBeLessThan(5000);
      expect(engine.log()).toContain('shutdown incomplete');
      expect(engine.log()).toContain('delivery (provider calls)');
    } finally {
      if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
      await twilio.close();
    }
  }, 120_000);

  it('a second signal during the shutdown exits at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-second-signal-'));
    const twilio = await fakeTwilio();
    writeFileSync(
      configPath(dir),
      lifecycleYaml({
        stepSeconds: 60,
        twilioUrl: twilio.url,
        shutdownDelaySeconds: 20,
        shutdownTimeoutSeconds: 25,
      }),
    );
    const engine = serve({
      configFile: configPath(dir),
      port: await freePort(),
      database: join(dir, 'k.db'),
    });
    try {
      await engine.ready();
      const started = performance.now();
      engine.child.kill('SIGTERM');
      await waitFor('/readyz to say 503', async () => (await fetch(`${engine.url}/readyz`)).status === 503);
      engine.child.kill('SIGTERM');
      const code = await engine.exited;
      expect(code).toBe(1);
      expect(performance.now() - started, 'it did not wait out the 20 s delay').toBeLessThan(10_000);
      expect(engine.log()).toContain('SIGTERM again: exiting now');
    } finally {
      if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
      await twilio.close();
    }
  }, 120_000);
});
