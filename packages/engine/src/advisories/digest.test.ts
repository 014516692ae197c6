/**
 * The daily advisory digest on the injected clock, through the real ingest path and the engine loop:
 * a T3 at 23:00 on a Friday appears in Monday's digest at 09:00 in the team's zone (New York), and not
 * before; with Monday a holiday, Tuesday's; a restart between the digest's due time and its sending sends
 * it once; two replicas on PostgreSQL send it once.
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
import {
  digestEngine,
  digestNotifications,
  digestRows,
  digestYaml,
  FRIDAY_2300,
  MONDAY_0900,
  PUBLIC,
  TUESDAY_0900,
  type DigestEngine,
} from './digest.fixture.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const sqlite = (): DatabaseOptions => ({
  dialect: 'sqlite',
  path: join(mkdtempSync(join(tmpdir(), 'klaxon-digest-')), 'k.db'),
});
const digestsSent = (e: DigestEngine) => e.sent.filter((m) => m.subject.startsWith('Advisories for'));

describe('advisory digest', () => {
  const open: DigestEngine[] = [];
  afterEach(async () => {
    for (const e of open.splice(0)) await e.close();
  });
  const start = async (...args: Parameters<typeof digestEngine>) => {
    const e = await digestEngine(...args);
    open.push(e);
    return e;
  };
  /** Moves the clock to `at` in steps of `step`, cycling the engine after each. */
  const runUntil = async (e: DigestEngine, at: string, step = HOUR) => {
    const end = new Date(at).getTime();
    while (e.clock.now().getTime() + step <= end) {
      e.clock.advance(step);
      await e.cycle();
    }
    e.clock.set(end);
    await e.cycle();
  };

  it("puts a T3 from 23:00 on a Friday in Monday's digest at 09:00 New York time, and not before", async () => {
    const e = await start(sqlite(), digestYaml(), FRIDAY_2300);
    const id = await e.fire('CloudCostAnomaly', 'fri');
    await e.cycle();
    const digest = e.loop.modules.find((m) => m.name === 'advisory-digest')!;
    // The loop is told to wake at Monday 09:00 New York, not before.
    expect(await digest.nextDueAt!(e.store.db)).toBe(new Date(MONDAY_0900).getTime());
    // Through the weekend and up to 08:59 on Monday: nothing.
    await runUntil(e, '2026-12-07T13:59:00Z');
    expect(await digestRows(e.store)).toEqual([]);
    expect(digestsSent(e)).toEqual([]);

    await runUntil(e, MONDAY_0900);
    const rows = await digestRows(e.store);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      team_id: 'platform',
      day: '2026-12-07',
      due_at: new Date(MONDAY_0900).getTime(),
      sent_at: new Date(MONDAY_0900).getTime(),
      // The first digest covers from the previous business day's start: Friday 09:00 New York.
      covered_from: new Date('2026-12-04T14:00:00Z').getTime(),
      covered_until: new Date(MONDAY_0900).getTime(),
      advisories: 1,
    });
    const summary = JSON.parse(rows[0]!.summary);
    expect(summary.groups).toEqual([
      expect.objectContaining({ service: 'cost', alert: 'CloudCostAnomaly', count: 1, firing: true }),
    ]);
    const sent = digestsSent(e);
    expect(sent.map((m) => `${m.channel} ${m.address} ${m.urgency}`).sort()).toEqual([
      'email alice@example.com low',
      'email bob@example.com low',
      'slack C0DIGEST low',
    ]);
    const mail = sent.find((m) => m.channel === 'email')!;
    expect(mail.kind).toBe('notice');
    expect(mail.subject).toBe('Advisories for Platform: 1 new, 0 unreviewed from before (2026-12-07)');
    expect(mail.body.split('\n')).toEqual([
      'Advisory digest for Platform, Monday 7 December 2026. Times are EST.',
      '',
      'New since Fri 4 Dec 09:00: 1 advisory in 1 group.',
      `- Cloud cost / CloudCostAnomaly: 1, first Fri 4 Dec 23:00, last Fri 4 Dec 23:00, still firing ${PUBLIC}/advisories?team=platform&service=cost&alert=CloudCostAnomaly`,
      `${PUBLIC}/advisories?team=platform`,
    ]);
    expect(id).toBeGreaterThan(0);

    // Once a day: the rest of Monday sends nothing more.
    await runUntil(e, '2026-12-07T21:30:00Z');
    expect(await digestRows(e.store)).toHaveLength(1);
    expect(await digestNotifications(e.store)).toHaveLength(3);
  });

  it("on a holiday Monday sends nothing, and Tuesday's digest has Friday's advisory", async () => {
    const e = await start(sqlite(), digestYaml({ holidays: ['2026-12-07'] }), FRIDAY_2300);
    await e.fire('CloudCostAnomaly', 'fri');
    await e.cycle();
    await runUntil(e, '2026-12-08T13:59:00Z');
    expect(await digestRows(e.store)).toEqual([]);
    expect(digestsSent(e)).toEqual([]);
    await runUntil(e, TUESDAY_0900);
    const rows = await digestRows(e.store);
    expect(rows.map((r) => [r.day, r.advisories, r.covered_from])).toEqual([
      ['2026-12-08', 1, new Date('2026-12-04T14:00:00Z').getTime()],
    ]);
    expect(digestsSent(e)).toHaveLength(3);
    expect(digestsSent(e)[0]!.body).toContain('Cloud cost / CloudCostAnomaly: 1, first Fri 4 Dec 23:00');
  });

  it("covers from the previous digest's end: Tuesday's lists only what opened after Monday's", async () => {
    const e = await start(sqlite(), digestYaml(), FRIDAY_2300);
    await e.fire('CloudCostAnomaly', 'fri');
    await runUntil(e, MONDAY_0900);
    e.clock.advance(2 * HOUR);
    await e.fire('KafkaLagAdvisory', 'mon');
    await runUntil(e, TUESDAY_0900);
    const rows = await digestRows(e.store);
    expect(rows.map((r) => [r.day, r.covered_from, r.advisories])).toEqual([
      ['2026-12-07', new Date('2026-12-04T14:00:00Z').getTime(), 1],
      ['2026-12-08', new Date(MONDAY_0900).getTime(), 1],
    ]);
    const tuesday = digestsSent(e).filter((m) => m.channel === 'email' && m.subject.includes('2026-12-08'));
    expect(tuesday).toHaveLength(2);
    expect(tuesday[0]!.subject).toBe('Advisories for Platform: 1 new, 1 unreviewed from before (2026-12-08)');
    const body = tuesday[0]!.body;
    expect(body).toContain('- Cloud cost / KafkaLagAdvisory: 1, first Mon 7 Dec 11:00');
    expect(body).not.toContain('/ CloudCostAnomaly: 1, first');
    expect(body).toMatch(
      /Unreviewed from before: 1\. Oldest:\n- #\d+ Cloud cost \/ CloudCostAnomaly, opened Fri 4 Dec 23:00/,
    );
  });

  it("an empty day says so in one line ('say'), or sends nothing but keeps the row ('skip')", async () => {
    const say = await start(sqlite(), digestYaml(), MONDAY_0900);
    await say.cycle();
    expect(digestsSent(say).map((m) => `${m.channel}: ${m.body}`)).toEqual([
      `slack: No advisories need review for Platform on Monday 7 December 2026.\n${PUBLIC}/advisories?team=platform`,
      `email: No advisories need review for Platform on Monday 7 December 2026.\n${PUBLIC}/advisories?team=platform`,
      `email: No advisories need review for Platform on Monday 7 December 2026.\n${PUBLIC}/advisories?team=platform`,
    ]);
    const skip = await start(
      sqlite(),
      digestYaml({ extra: 'advisories: { emptyDigest: skip }' }),
      MONDAY_0900,
    );
    await skip.cycle();
    expect(digestsSent(skip)).toEqual([]);
    expect(await digestNotifications(skip.store)).toEqual([]);
    const rows = await digestRows(skip.store);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.summary)).toMatchObject({ empty: true, sent: 'skipped' });
    skip.clock.advance(HOUR);
    await skip.cycle();
    expect(await digestRows(skip.store)).toHaveLength(1);
  });

  it('sends nothing when the digest is turned off', async () => {
    const e = await start(sqlite(), digestYaml({ extra: 'advisories: { digest: false }' }), MONDAY_0900);
    await e.cycle();
    expect(e.loop.modules.map((m) => m.name)).not.toContain('advisory-digest');
    expect(await digestRows(e.store)).toEqual([]);
  });

  it('sends nothing to a team that does not say where it reads advisories', async () => {
    const yaml = digestYaml().replace('    advisories: { slack: C0DIGEST }\n', '');
    expect(yaml).not.toContain('C0DIGEST');
    const e = await start(sqlite(), yaml, FRIDAY_2300);
    await e.fire('CloudCostAnomaly', 'fri');
    await runUntil(e, TUESDAY_0900);
    expect(await digestRows(e.store)).toEqual([]);
    expect(e.sent).toEqual([]);
    // With no team opted in, the module is not even run.
    expect(e.loop.modules.map((m) => m.name)).not.toContain('advisory-digest');
  });

  it("mails the members when the team's advisories name no Slack channel", async () => {
    const yaml = digestYaml().replace('advisories: { slack: C0DIGEST }', 'advisories: {}');
    const e = await start(sqlite(), yaml, MONDAY_0900);
    await e.cycle();
    expect(digestsSent(e).map((m) => `${m.channel} ${m.address}`)).toEqual([
      'email alice@example.com',
      'email bob@example.com',
    ]);
  });

  it('a restart after the digest was committed does not send it again', async () => {
    const database = sqlite();
    const clock = new FakeClock(FRIDAY_2300);
    const first = await digestEngine(database, digestYaml(), clock);
    await first.fire('CloudCostAnomaly', 'fri');
    clock.set(MONDAY_0900);
    await first.cycle();
    expect(digestsSent(first)).toHaveLength(3);
    await first.close();
    clock.advance(5 * MIN);
    const second = await start(database, digestYaml(), clock);
    await second.cycle();
    clock.advance(HOUR);
    await second.cycle();
    expect(digestsSent(second)).toEqual([]);
    expect(await digestRows(second.store)).toHaveLength(1);
    expect(await digestNotifications(second.store)).toHaveLength(3);
  });

  it('a crash after the digest was queued but before it was sent: the next instance sends it once', async () => {
    const database = sqlite();
    const clock = new FakeClock(FRIDAY_2300);
    // No delivery: the digest's rows are committed, queued, and nothing is sent.
    const first = await digestEngine(database, digestYaml(), clock, { delivery: false });
    await first.fire('CloudCostAnomaly', 'fri');
    clock.set(MONDAY_0900);
    await first.cycle();
    expect((await digestNotifications(first.store)).map((n) => n.status)).toEqual([
      'queued',
      'queued',
      'queued',
    ]);
    await first.close();
    const second = await start(database, digestYaml(), clock);
    await second.cycle();
    clock.advance(MIN);
    await second.cycle();
    expect(digestsSent(second)).toHaveLength(3);
    expect(await digestRows(second.store)).toHaveLength(1);
    expect((await digestNotifications(second.store)).map((n) => n.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('the due time passes while the engine is stopped: the new instance sends exactly one digest', async () => {
    const database = sqlite();
    const clock = new FakeClock(FRIDAY_2300);
    const first = await digestEngine(database, digestYaml(), clock);
    await first.fire('CloudCostAnomaly', 'fri');
    await first.cycle();
    await first.close();
    clock.set('2026-12-07T15:30:00Z'); // Monday 10:30 New York
    const second = await start(database, digestYaml(), clock);
    await second.cycle();
    await second.cycle();
    clock.advance(MIN);
    await second.cycle();
    const rows = await digestRows(second.store);
    expect(rows.map((r) => [r.day, r.due_at, r.sent_at, r.advisories])).toEqual([
      ['2026-12-07', new Date(MONDAY_0900).getTime(), new Date('2026-12-07T15:30:00Z').getTime(), 1],
    ]);
    expect(digestsSent(second)).toHaveLength(3);
  });
});

describe.skipIf(skipPostgres('postgres'))('advisory digest, two replicas on PostgreSQL', () => {
  it('sends the digest once while both replicas tick at once', async () => {
    const database = await freshDatabase('postgres');
    const clock = new FakeClock(FRIDAY_2300);
    const replicas = [
      await digestEngine(database, digestYaml(), clock),
      await digestEngine(database, digestYaml(), clock),
    ];
    try {
      await replicas[0]!.fire('CloudCostAnomaly', 'fri');
      await replicas[1]!.fire('KafkaLagAdvisory', 'fri-2');
      clock.set('2026-12-07T13:59:59Z');
      await Promise.all(replicas.map((r) => r.cycle()));
      clock.set(MONDAY_0900);
      for (let i = 0; i < 5; i++) {
        await Promise.all(replicas.flatMap((r) => [r.cycle(), r.cycle()]));
        clock.advance(MIN);
      }
      const rows = await digestRows(replicas[0]!.store);
      expect(rows.map((r) => [r.team_id, r.day, r.advisories])).toEqual([['platform', '2026-12-07', 2]]);
      expect(await digestNotifications(replicas[0]!.store)).toHaveLength(3);
      const sent = replicas.flatMap((r) => digestsSent(r));
      expect(sent.map((m) => `${m.channel} ${m.address}`).sort()).toEqual([
        'email alice@example.com',
        'email bob@example.com',
        'slack C0DIGEST',
      ]);
    } finally {
      for (const r of replicas) await r.close();
    }
  }, 60_000);

  it('two transactions racing past the module lock insert the day once (ON CONFLICT DO NOTHING)', async () => {
    const database = await freshDatabase('postgres');
    const clock = new FakeClock(FRIDAY_2300);
    const replicas = [
      await digestEngine(database, digestYaml(), clock, { delivery: false }),
      await digestEngine(database, digestYaml(), clock, { delivery: false }),
    ];
    try {
      await replicas[0]!.fire('CloudCostAnomaly', 'fri');
      clock.set(MONDAY_0900);
      // Each replica's digest tick in its own transaction, at once, without the engine's module lock.
      // The first pass holds its transaction open while the second one reads and writes: the second
      // waits on the first's row (lock or key), then must see it was done.
      const [one, two] = replicas.map((r) => r.loop.modules.find((m) => m.name === 'advisory-digest')!);
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
      expect(await digestRows(replicas[0]!.store)).toHaveLength(1);
      expect(await digestNotifications(replicas[0]!.store)).toHaveLength(3);
    } finally {
      for (const r of replicas) await r.close();
    }
  }, 60_000);
});
