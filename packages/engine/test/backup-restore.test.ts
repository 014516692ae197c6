/**
 * A backup taken under load, restored, resumes its escalations: an engine on SQLite takes alerts while
 * `klaxon backup` copies its database; the engine stops; `klaxon restore` puts the copy at a new path; a
 * new engine on it (paging through a second fake Twilio) has every alert acknowledged before the backup
 * began, and fires each escalation step the backup had not fired yet, once, and none that it had.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@klaxon/testing';
import { fakeTwilio, lifecycleYaml, LoadClient, serve, type ServeProcess } from './lifecycle.ts';

const CLI = fileURLToPath(new URL('../../cli/bin/klaxon.js', import.meta.url));
const STEP_S = 8;
const STEPS = 3;

function klaxon(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: '' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((r) => child.on('exit', (code) => r({ code, out, err })));
}

/** (incident, step) pairs with a page row, and every incident, in a SQLite database file. */
function escalationState(path: string) {
  const db = new SQLite(path, { readonly: true });
  try {
    const fired = db
      .prepare(`select distinct incident_id, step_index from notifications where kind = 'page'`)
      .all() as { incident_id: number; step_index: number }[];
    const incidents = db.prepare('select id from incidents').pluck().all() as number[];
    const keys = db.prepare('select dedup_key from alerts').pluck().all() as string[];
    const open = db.prepare(`select count(*) from escalations where state <> 'done'`).pluck().get() as number;
    return { fired: new Set(fired.map((f) => `${f.incident_id}/${f.step_index}`)), incidents, keys, open };
  } finally {
    db.close();
  }
}

describe('backup under load, restore, resume', () => {
  it('the restored engine has every alert acknowledged before the backup and fires the steps still due', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-backup-restore-'));
    const [twilioA, twilioB] = await Promise.all([fakeTwilio(20), fakeTwilio(20)]);
    const configA = join(dir, 'a.yaml');
    const configB = join(dir, 'b.yaml');
    writeFileSync(configA, lifecycleYaml({ stepSeconds: STEP_S, twilioUrl: twilioA.url }));
    writeFileSync(configB, lifecycleYaml({ stepSeconds: STEP_S, twilioUrl: twilioB.url }));
    const original = join(dir, 'a', 'klaxon.db');
    const backup = join(dir, 'backups', 'klaxon-backup.db');
    const restored = join(dir, 'b', 'klaxon.db');
    const engines: ServeProcess[] = [];
    try {
      const a = serve({ configFile: configA, port: await freePort(), database: original });
      engines.push(a);
      await a.ready();
      const load = new LoadClient(() => [a.url], { concurrency: 4, perSecond: 20, giveUpMs: 1 });
      load.start();
      await new Promise((r) => setTimeout(r, 1500));
      // The backup runs while the engine keeps taking alerts and paging.
      const ackedBefore = load.sent.filter((s) => s.acked).map((s) => s.key);
      const taken = await klaxon(['backup', '--db', original, '--out', backup, '--json']);
      const ackedDuring = load.sent.filter((s) => s.acked).length - ackedBefore.length;
      await load.stop();
      expect(taken.code, taken.err).toBe(0);
      const result = JSON.parse(taken.out) as { pages: number; restarts: number; elapsedMs: number };
      expect((await a.terminate()).code).toBe(0);

      const restore = await klaxon(['restore', '--from', backup, '--db', restored]);
      expect(restore.code, restore.err).toBe(0);
      const atRestore = escalationState(restored);
      // Every alert acknowledged before the backup began is in it, each with its incident.
      expect(ackedBefore.filter((k) => !atRestore.keys.includes(k))).toEqual([]);
      expect(ackedBefore.length).toBeGreaterThan(5);
      expect(atRestore.open, 'the backup holds escalations still to run').toBeGreaterThan(0);

      const b = serve({ configFile: configB, port: await freePort(), database: restored });
      engines.push(b);
      await b.ready();
      await waitFor(
        'the restored escalations to finish',
        () => Promise.resolve(escalationState(restored).open === 0),
        60_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect((await b.terminate()).code).toBe(0);

      // What the restored engine paged: each step the backup had not fired, exactly once; none it had.
      const db = new SQLite(restored, { readonly: true });
      const rows = db
        .prepare(
          `select id, incident_id, step_index, user_id, channel from notifications where kind = 'page'`,
        )
        .all() as { id: number; incident_id: number; step_index: number; user_id: string; channel: string }[];
      db.close();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const firedByB = new Map<string, number>();
      for (const page of twilioB.pages()) {
        const row = byId.get(page.notificationId);
        expect(row, `notification ${page.notificationId}`).toBeDefined();
        const key = `${row!.incident_id}/${row!.step_index}`;
        firedByB.set(key, (firedByB.get(key) ?? 0) + 1);
      }
      expect(
        [...firedByB].filter(([, n]) => n > 1),
        'steps paged twice',
      ).toEqual([]);
      expect(
        [...firedByB.keys()].filter((k) => atRestore.fired.has(k)),
        'steps the backup had fired',
      ).toEqual([]);
      const missing = atRestore.incidents.flatMap((id) =>
        Array.from({ length: STEPS }, (_, s) => `${id}/${s}`).filter(
          (k) => !atRestore.fired.has(k) && !firedByB.has(k),
        ),
      );
      expect(missing, 'steps neither the backup nor the restored engine fired').toEqual([]);
      expect(firedByB.size).toBeGreaterThan(0);
      console.info(
        `[backup-restore] ${atRestore.incidents.length} incidents in a ${result.pages}-page backup taken in ${result.elapsedMs} ms (${result.restarts} restart(s)) while ${ackedDuring} more alerts were acknowledged; ${atRestore.fired.size} steps fired before it, ${firedByB.size} by the restored engine`,
      );
    } finally {
      for (const e of engines) if (e.child.exitCode === null) e.child.kill('SIGKILL');
      await Promise.all([twilioA.close(), twilioB.close()]);
    }
  }, 240_000);
});
