/**
 * A rolling restart of two replicas on one PostgreSQL database under load: replica A gets SIGTERM, exits 0
 * and comes back, then B does the same, while a load balancer-like client keeps sending alerts and
 * escalation steps of 3 s keep firing. Afterwards: 0 lost (every acknowledged alert is stored, each alert
 * group has exactly one incident, every incident escalated through all its steps) and 0 duplicated pages
 * (the fake Twilio saw each (incident, step, person, channel) exactly once).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort, freshDatabase, skipPostgres, waitFor } from '@klaxon/testing';
import { configPath, fakeTwilio, lifecycleYaml, LoadClient, serve, type ServeProcess } from './lifecycle.ts';

const STEP_S = 3;
const STEPS = 3; // T1: primary, backup, the team lead

describe.skipIf(skipPostgres('postgres'))('rolling restart of two replicas on PostgreSQL', () => {
  it('loses no alert and duplicates no page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-rolling-'));
    const twilio = await fakeTwilio(100);
    writeFileSync(
      configPath(dir),
      lifecycleYaml({ stepSeconds: STEP_S, twilioUrl: twilio.url, shutdownDelaySeconds: 0.5 }),
    );
    const database = await freshDatabase('postgres');
    if (database.dialect !== 'postgres') throw new Error('unreachable');
    const ports = [await freePort(), await freePort()];
    const start = (i: number) =>
      serve({ configFile: configPath(dir), port: ports[i]!, database: database.url });
    const replicas: ServeProcess[] = [start(0), start(1)];
    const all: ServeProcess[] = [...replicas];
    const client = new pg.Client({ connectionString: database.url });
    const timings: string[] = [];
    try {
      await Promise.all(replicas.map((r) => r.ready()));
      await client.connect();
      const load = new LoadClient(() => replicas.map((r) => r.url), {
        concurrency: 4,
        perSecond: 15,
        giveUpMs: 30_000,
      });
      load.start();
      await new Promise((r) => setTimeout(r, 2000));
      for (const i of [0, 1]) {
        const began = performance.now();
        const exit = await replicas[i]!.terminate();
        expect(exit.code, replicas[i]!.log()).toBe(0);
        const next = start(i);
        all.push(next);
        replicas[i] = next;
        await next.ready();
        timings.push(
          `${i === 0 ? 'A' : 'B'}: exit 0 in ${exit.ms} ms, ready again ${Math.round(performance.now() - began)} ms after SIGTERM`,
        );
      }
      await new Promise((r) => setTimeout(r, 1500));
      await load.stop();

      // Every alert was accepted by one replica or the other: nothing was given up on or refused for good.
      const notAcked = load.sent.filter((s) => !s.acked);
      expect(notAcked.map((s) => ({ key: s.key, attempts: s.attempts }))).toEqual([]);
      const keys = load.sent.map((s) => s.key);
      const failovers = load.sent.filter((s) => s.attempts.length > 1).length;

      // Let every escalation run to its last step.
      await waitFor(
        'every escalation to finish',
        async () => {
          const { rows } = await client.query<{ n: string }>(
            `select count(*) as n from escalations where state <> 'done'`,
          );
          return rows[0]!.n === '0';
        },
        60_000,
      );
      await waitFor(
        'every page to be sent',
        async () => {
          const { rows } = await client.query<{ n: string }>(
            `select count(*) as n from notifications where status in ('queued', 'sending')`,
          );
          return rows[0]!.n === '0';
        },
        30_000,
      );

      // 0 lost: each acknowledged alert is stored, and its group has exactly one incident.
      const alerts = await client.query<{ dedup_key: string; incident_id: number | null }>(
        'select dedup_key, incident_id from alerts where dedup_key = any($1)',
        [keys],
      );
      expect(alerts.rows.length).toBe(keys.length);
      expect(alerts.rows.filter((a) => a.incident_id === null)).toEqual([]);
      const incidents = await client.query<{ group_ref: string; n: string }>(
        'select group_ref, count(*) as n from incidents group by group_ref',
      );
      expect(incidents.rows.filter((r) => r.n !== '1')).toEqual([]);
      expect(incidents.rows.length).toBe(keys.length);
      expect(new Set(alerts.rows.map((a) => a.incident_id)).size).toBe(keys.length);

      // 0 duplicated pages, and none missing: what Twilio saw, against the page rows.
      const pages = await client.query<{
        id: number;
        incident_id: number;
        step_index: number;
        user_id: string;
        channel: string;
        status: string;
      }>(
        `select id, incident_id, step_index, user_id, channel, status from notifications where kind = 'page'`,
      );
      const byId = new Map(pages.rows.map((p) => [Number(p.id), p]));
      const received = twilio.pages();
      const seen = new Map<string, number>();
      for (const r of received) {
        const p = byId.get(r.notificationId);
        expect(p, `Twilio got notification ${r.notificationId}, which is not a page row`).toBeDefined();
        const tuple = `${p!.incident_id}/${p!.step_index}/${p!.user_id}/${p!.channel}`;
        seen.set(tuple, (seen.get(tuple) ?? 0) + 1);
      }
      const duplicated = [...seen.entries()].filter(([, n]) => n > 1);
      expect(duplicated, 'pages Twilio received more than once').toEqual([]);
      expect(pages.rows.filter((p) => p.status !== 'sent')).toEqual([]);
      expect(received.length).toBe(pages.rows.length);
      expect(received.length).toBe(keys.length * STEPS);

      for (const r of replicas) expect((await r.terminate()).code).toBe(0);
      console.info(
        `[rolling] ${keys.length} alerts (${failovers} failed over to the other replica), ${incidents.rows.length} incidents, ${received.length} pages, 0 lost, 0 duplicated; ${timings.join('; ')}`,
      );
    } finally {
      for (const r of all) if (r.child.exitCode === null) r.child.kill('SIGKILL');
      await client.end().catch(() => undefined);
      await twilio.close();
    }
  }, 240_000);
});
