/**
 * The digest as the outside world sees it: through the real Slack provider to a local fake of Slack's Web
 * API, and through the SMTP provider to a real SMTP server, each request asserted exactly. The digest
 * carries the new advisories, the unreviewed ones from before, and the alerts most often dismissed as
 * noise with their rule's threshold (from the rule expression in Prometheus's generator URL, or a
 * `threshold` annotation).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, startFake, type FakeServer } from '@klaxon/testing';
import { digestEngine, digestYaml, MONDAY_0900, PUBLIC, type DigestEngine } from './digest.fixture.ts';

const DAY = 24 * 60 * 60_000;
const prom = (expr: string) =>
  `https://prometheus.example.com/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

describe('advisory digest through Slack and SMTP', () => {
  let slack: FakeServer;
  let smtp: SMTPServer;
  let mails: { to: string; subject: string; text: string }[];
  let engine: DigestEngine;

  beforeEach(async () => {
    slack = await startFake((req, res) => {
      const body = JSON.parse(req.body) as { channel: string };
      json(res, 200, { ok: true, channel: body.channel, ts: '1775000000.000100' });
    });
    mails = [];
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        void simpleParser(stream).then((m) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: m.subject ?? '',
            text: m.text ?? '',
          });
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const port = (smtp.server.address() as { port: number }).port;
    const extra = `advisories: { deadline: false }
notifications:
  timeoutSeconds: 2
  providers:
    - { id: slack, type: slack, botToken: xoxb-test-token, signingSecret: slack-signing-secret, baseUrl: '${slack.url}' }
    - { id: smtp, type: smtp, host: 127.0.0.1, port: ${port}, from: 'klaxon@example.com' }
`;
    // Wednesday 2026-12-02 20:00 New York: after hours, no digest.
    engine = await digestEngine(
      { dialect: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'klaxon-digest-')), 'k.db') },
      digestYaml({ extra }),
      '2026-12-03T01:00:00Z',
      { providersFromConfig: true },
    );
  });

  afterEach(async () => {
    await engine?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
    await slack.close();
  });

  it("posts Monday's digest to the team's channel and mails each member, with the noise candidates and their thresholds", async () => {
    const e = engine;
    const disk = { generatorURL: prom('(avg by (instance) (node_disk_io_busy)) > 0.9') };
    const d1 = await e.fire('DiskNoise', 'd1', disk);
    const d2 = await e.fire('DiskNoise', 'd2', disk);
    const c1 = await e.fire('CostSpike', 'c1', {
      annotations: { summary: 'Cost spike', threshold: '250 USD/h' },
    });
    const old = await e.fire('OldOne', 'o1');
    await e.cycle();
    // Thursday: the team dismisses three as noise (the review API's writes, done here directly).
    const thursday = new Date('2026-12-03T16:00:00Z').getTime();
    await e.store.db
      .updateTable('advisories')
      .set({
        state: 'dismissed',
        reason: 'noise',
        decided_at: thursday,
        decided_by: 'alice',
        updated_at: thursday,
      })
      .where('incident_id', 'in', [d1, d2, c1])
      .execute();
    e.clock.set('2026-12-05T04:00:00Z'); // Friday 23:00 New York
    const fri = await e.fire('CloudCostAnomaly', 'fri');
    await e.cycle();
    expect(slack.requests).toEqual([]);
    e.clock.set(MONDAY_0900);
    await e.cycle();

    const subject = 'Advisories for Platform: 1 new, 1 unreviewed from before (2026-12-07)';
    const posts = slack.requests.filter((r) => r.path === '/api/chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.authorization).toBe('Bearer xoxb-test-token');
    const body = JSON.parse(posts[0]!.body);
    expect(body.channel).toBe('C0DIGEST');
    expect(body.text).toBe(subject);
    expect(body.unfurl_links).toBe(false);
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: subject } });
    expect(body.blocks[1].type).toBe('section');
    expect(body.blocks[1].text.type).toBe('mrkdwn');
    expect(body.blocks[1].text.text.split('\n')).toEqual([
      'Advisory digest for Platform, Monday 7 December 2026. Times are EST.',
      '',
      'New since Fri 4 Dec 09:00: 1 advisory in 1 group.',
      `- Cloud cost / CloudCostAnomaly: 1, first Fri 4 Dec 23:00, last Fri 4 Dec 23:00, still firing <${PUBLIC}/advisories?team=platform&amp;service=cost&amp;alert=CloudCostAnomaly|open>`,
      '',
      'Unreviewed from before: 1. Oldest:',
      `- #${old} Cloud cost / OldOne, opened Wed 2 Dec 20:00`,
      '',
      'Dismissed as noise most often in the last 30 days (candidates to tune):',
      '- Cloud cost / DiskNoise: 2 times; rule DiskNoise, threshold &gt; 0.9',
      '- Cloud cost / CostSpike: 1 time; rule CostSpike, threshold 250 USD/h',
      `${PUBLIC}/advisories?team=platform`,
    ]);
    // No buttons: the digest is about no one incident.
    expect(body.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section']);

    expect(mails.map((m) => m.to).sort()).toEqual(['alice@example.com', 'bob@example.com']);
    for (const mail of mails) {
      expect(mail.subject).toBe(subject);
      expect(mail.text.trimEnd().split('\n')).toEqual([
        'Advisory digest for Platform, Monday 7 December 2026. Times are EST.',
        '',
        'New since Fri 4 Dec 09:00: 1 advisory in 1 group.',
        `- Cloud cost / CloudCostAnomaly: 1, first Fri 4 Dec 23:00, last Fri 4 Dec 23:00, still firing ${PUBLIC}/advisories?team=platform&service=cost&alert=CloudCostAnomaly`,
        '',
        'Unreviewed from before: 1. Oldest:',
        `- #${old} Cloud cost / OldOne, opened Wed 2 Dec 20:00`,
        '',
        'Dismissed as noise most often in the last 30 days (candidates to tune):',
        '- Cloud cost / DiskNoise: 2 times; rule DiskNoise, threshold > 0.9',
        '- Cloud cost / CostSpike: 1 time; rule CostSpike, threshold 250 USD/h',
        `${PUBLIC}/advisories?team=platform`,
      ]);
    }
    expect(fri).toBeGreaterThan(old);
    // The row keeps what it said.
    const row = await e.store.db.selectFrom('advisory_digests').selectAll().executeTakeFirstOrThrow();
    expect(JSON.parse(row.summary)).toMatchObject({
      newCount: 1,
      unreviewedBefore: 1,
      noise: [
        { alert: 'DiskNoise', count: 2, threshold: '> 0.9', thresholdFrom: 'expr' },
        { alert: 'CostSpike', count: 1, threshold: '250 USD/h', thresholdFrom: 'annotation' },
      ],
      slack: 'C0DIGEST',
      emails: 2,
    });
  });

  it('leaves out dismissals older than the noise window', async () => {
    const e = engine;
    const d1 = await e.fire('DiskNoise', 'd1');
    await e.cycle();
    const longAgo = new Date(MONDAY_0900).getTime() - 31 * DAY;
    await e.store.db
      .updateTable('advisories')
      .set({ state: 'dismissed', decided_at: longAgo, updated_at: longAgo })
      .where('incident_id', '=', d1)
      .execute();
    e.clock.set('2026-12-05T04:00:00Z'); // Friday 23:00 New York
    await e.fire('CloudCostAnomaly', 'fri');
    e.clock.set(MONDAY_0900);
    await e.cycle();
    expect(mails).toHaveLength(2);
    expect(mails[0]!.subject).toBe('Advisories for Platform: 1 new, 0 unreviewed from before (2026-12-07)');
    expect(mails[0]!.text).toContain('Cloud cost / CloudCostAnomaly: 1');
    expect(mails[0]!.text).not.toContain('DiskNoise');
    expect(mails[0]!.text).not.toContain('Dismissed as noise');
  });
});
