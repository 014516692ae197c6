/**
 * The review deadline on the injected clock: an advisory still unreviewed at the end of the next
 * business day tells the team lead once, by Slack (else email), never by a call, a text or a push; one
 * notice per lead per pass lists every advisory due; a team with no lead to tell is logged and marked.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, skipPostgres } from '@klaxon/testing';
import type { Transaction } from 'kysely';
import { FakeClock } from '../clock/clock.ts';
import type { Database } from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import type { DatabaseOptions } from '../db/database.ts';
import { digestEngine, digestYaml, FRIDAY_2300, PUBLIC, type DigestEngine } from './digest.fixture.ts';

const MIN = 60_000;
/** Monday 2026-12-07 17:00 New York: the end of the business day after Friday 23:00. */
const MONDAY_1700 = '2026-12-07T22:00:00Z';
const NO_DIGEST = 'advisories: { digest: false }';
const sqlite = (): DatabaseOptions => ({
  dialect: 'sqlite',
  path: join(mkdtempSync(join(tmpdir(), 'klaxon-deadline-')), 'k.db'),
});
const notified = (e: DigestEngine) =>
  e.store.db
    .selectFrom('advisories')
    .select(['incident_id', 'deadline_at', 'deadline_notified_at'])
    .orderBy('incident_id')
    .execute();
const deadlineRows = (e: DigestEngine) =>
  e.store.db.selectFrom('notifications').selectAll().where('kind', '=', 'advisory_deadline').execute();

describe('advisory review deadline', () => {
  const open: DigestEngine[] = [];
  afterEach(async () => {
    for (const e of open.splice(0)) await e.close();
  });
  const start = async (...args: Parameters<typeof digestEngine>) => {
    const e = await digestEngine(...args);
    open.push(e);
    return e;
  };

  it("tells the lead by Slack once, at Monday's end of day, listing every advisory due, and never pages", async () => {
    const e = await start(sqlite(), digestYaml({ team: 'lead: erin', extra: NO_DIGEST }), FRIDAY_2300);
    const a = await e.fire('CloudCostAnomaly', 'a');
    e.clock.advance(30 * MIN);
    const b = await e.fire('DiskNoise', 'b');
    const c = await e.fire('Reviewed', 'c');
    await e.cycle();
    const deadline = new Date(MONDAY_1700).getTime();
    expect((await notified(e)).map((r) => r.deadline_at)).toEqual([deadline, deadline, deadline]);
    // Reviewed in time: no notice for that one.
    await e.store.db
      .updateTable('advisories')
      .set({ state: 'reviewed', decided_at: deadline - MIN })
      .where('incident_id', '=', c)
      .execute();
    const deadlineModule = e.loop.modules.find((m) => m.name === 'advisory-deadline')!;
    expect(await deadlineModule.nextDueAt!(e.store.db)).toBe(deadline);

    e.clock.set(deadline - MIN);
    await e.cycle();
    expect(e.sent).toEqual([]);
    e.clock.set(MONDAY_1700);
    await e.cycle();
    expect(e.sent).toHaveLength(1);
    const notice = e.sent[0]!;
    expect(notice).toMatchObject({ channel: 'slack', address: 'U0ERIN', urgency: 'low', kind: 'notice' });
    expect(notice.subject).toBe('Advisories past their review deadline: Platform (2)');
    expect(notice.body).toBe(
      [
        '2 advisories of Platform passed the review deadline unreviewed:',
        `- #${a} Cloud cost / CloudCostAnomaly, opened Fri 4 Dec 23:00 EST, due Mon 7 Dec 17:00 EST`,
        `- #${b} Cloud cost / DiskNoise, opened Fri 4 Dec 23:30 EST, due Mon 7 Dec 17:00 EST`,
        `${PUBLIC}/advisories?team=platform`,
      ].join('\n'),
    );
    expect((await notified(e)).map((r) => r.deadline_notified_at)).toEqual([deadline, deadline, null]);
    // Once: later passes, and a fresh instance on the same database, send nothing more.
    e.clock.advance(10 * MIN);
    await e.cycle();
    await e.cycle();
    expect(e.sent).toHaveLength(1);
    expect(await deadlineModule.nextDueAt!(e.store.db)).toBeNull();
    const rows = await deadlineRows(e);
    expect(rows.map((r) => [r.channel, r.user_id, r.urgency, r.incident_id])).toEqual([
      ['slack', 'erin', 'low', null],
    ]);
  });

  it('uses email when the lead has no Slack contact method', async () => {
    const erin =
      "[{ type: voice, address: '+15550000005' }, { type: sms, address: '+15550000005' }, { type: push, address: 'ntfy:erin' }, { type: email, address: erin@example.com }]";
    const e = await start(sqlite(), digestYaml({ team: 'lead: erin', erin, extra: NO_DIGEST }), FRIDAY_2300);
    await e.fire('CloudCostAnomaly', 'a');
    await e.cycle();
    e.clock.set(MONDAY_1700);
    await e.cycle();
    expect(e.sent.map((m) => `${m.channel} ${m.address} ${m.urgency}`)).toEqual([
      'email erin@example.com low',
    ]);
  });

  it('logs a team with no lead, and a lead with neither Slack nor email, and marks the advisories all the same', async () => {
    const warnings: { obj: object; msg: string }[] = [];
    const e = await start(sqlite(), digestYaml({ extra: NO_DIGEST }), FRIDAY_2300, { warnings });
    await e.fire('CloudCostAnomaly', 'a');
    await e.cycle();
    e.clock.set(MONDAY_1700);
    await e.cycle();
    expect(e.sent).toEqual([]);
    expect(warnings).toEqual([
      {
        obj: { team: 'platform', advisories: 1 },
        msg: 'advisories passed their review deadline, but the team has no lead to tell (teams[].lead)',
      },
    ]);
    expect((await notified(e)).map((r) => r.deadline_notified_at)).toEqual([new Date(MONDAY_1700).getTime()]);
    await e.cycle();
    expect(warnings).toHaveLength(1);

    const pagerOnly =
      "[{ type: voice, address: '+15550000005' }, { type: sms, address: '+15550000005' }, { type: push, address: 'ntfy:erin' }]";
    const warned: { obj: object; msg: string }[] = [];
    const f = await start(
      sqlite(),
      digestYaml({ team: 'lead: erin', erin: pagerOnly, extra: NO_DIGEST }),
      FRIDAY_2300,
      { warnings: warned },
    );
    await f.fire('CloudCostAnomaly', 'a');
    await f.cycle();
    f.clock.set(MONDAY_1700);
    await f.cycle();
    expect(f.sent).toEqual([]);
    expect(warned.map((w) => w.msg)).toEqual([
      'advisories passed their review deadline, but the team lead has no Slack or email contact method',
    ]);
    expect(await deadlineRows(f)).toEqual([]);
    expect((await notified(f))[0]!.deadline_notified_at).toBe(new Date(MONDAY_1700).getTime());
  });
});

describe.skipIf(skipPostgres('postgres'))('advisory review deadline, two replicas on PostgreSQL', () => {
  it('two passes racing past the module lock tell the lead once', async () => {
    const database = await freshDatabase('postgres');
    const clock = new FakeClock(FRIDAY_2300);
    const yaml = digestYaml({ team: 'lead: erin', extra: NO_DIGEST });
    const replicas = [
      await digestEngine(database, yaml, clock, { delivery: false }),
      await digestEngine(database, yaml, clock, { delivery: false }),
    ];
    try {
      await replicas[0]!.fire('CloudCostAnomaly', 'a');
      await replicas[0]!.cycle();
      clock.set(MONDAY_1700);
      // The first pass holds its transaction open while the second one reads and writes: the second
      // waits on the first's row (lock or key), then must see it was done.
      const [one, two] = replicas.map((r) => r.loop.modules.find((m) => m.name === 'advisory-deadline')!);
      const tick = (m: EngineModule, trx: Transaction<Database>) =>
        m.tick({ trx, now: clock.now(), rowLocks: true, afterCommit: () => undefined });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let ticked!: () => void;
      const firstTicked = new Promise<void>((r) => (ticked = r));
      const first = replicas[0]!.store.db.transaction().execute(async (trx) => {
        await tick(one!, trx);
        ticked();
        await held;
      });
      await firstTicked;
      const second = replicas[1]!.store.db.transaction().execute((trx) => tick(two!, trx));
      await new Promise((r) => setTimeout(r, 300));
      release();
      await Promise.all([first, second]);
      expect((await deadlineRows(replicas[0]!)).map((r) => `${r.channel} ${r.address}`)).toEqual([
        'slack U0ERIN',
      ]);
    } finally {
      for (const r of replicas) await r.close();
    }
  }, 60_000);
});
