import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@klaxon/engine';
import { startFakeOnCall, ONCALL_FIXTURE_NOW, type FakeOnCall } from '@klaxon/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportReport } from '../report.ts';
import { OnCallApiError } from './client.ts';
import { mapOnCall, type OnCallData } from './map.ts';
import { runOnCallImport } from './run.ts';

let fake: FakeOnCall | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const out = () => join(mkdtempSync(join(tmpdir(), 'klaxon-oncall-')), 'klaxon.yaml');
const envOf = (file: string) =>
  Object.fromEntries(
    readFileSync(`${file}.env`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );

describe('klaxon import grafana-oncall against the fake OnCall', () => {
  it('reads every list page by page, waits out the 429, maps everything and proves both schedules', async () => {
    fake = await startFakeOnCall();
    const file = out();
    const sleeps: number[] = [];
    const r = await runOnCallImport({
      apiUrl: fake.url,
      token: fake.token,
      out: file,
      now: () => ONCALL_FIXTURE_NOW,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });

    // The exact requests: the OnCall header (no scheme), the lists in order with their pages, the 429
    // retried after Retry-After, then final_shifts of each imported schedule over 8 weeks.
    expect(fake.requests.every((q) => q.method === 'GET' && q.headers.authorization === fake!.token)).toBe(
      true,
    );
    const pages = (path: string, n: number) =>
      Array.from({ length: n }, (_, i) => (i === 0 ? path : `${path}?page=${i + 1}`));
    const from = ONCALL_FIXTURE_NOW;
    const finals = (id: string) => {
      const n = fake!.finalShifts(
        id,
        Date.parse('2027-03-01T00:00:00Z'),
        Date.parse('2027-04-28T00:00:00Z'),
      ).length;
      const path = `/api/v1/schedules/${id}/final_shifts?start_date=2027-03-01&end_date=2027-04-27`;
      return Array.from({ length: Math.max(1, Math.ceil(n / 50)) }, (_, i) =>
        i === 0 ? path : `${path}&page=${i + 1}`,
      );
    };
    expect(fake.requests.map((q) => q.path)).toEqual([
      ...pages('/api/v1/users/', 3),
      ...pages('/api/v1/personal_notification_rules/', 3),
      '/api/v1/teams/',
      '/api/v1/teams/',
      '/api/v1/schedules/',
      ...pages('/api/v1/on_call_shifts/', 2),
      '/api/v1/escalation_chains/',
      ...pages('/api/v1/escalation_policies/', 3),
      '/api/v1/integrations/',
      '/api/v1/routes/',
      '/api/v1/webhooks/',
      ...finals('SPRIMARY0001'),
      ...finals('SDATA0000002'),
    ]);
    expect(sleeps).toEqual([3000]);

    // The proof: every hour and every handoff of 8 weeks, across both DST changes, with no difference.
    expect(r.exitCode).toBe(0);
    expect(r.verification.map((v) => [v.scheduleId, v.differences.length])).toEqual([
      ['primary', 0],
      ['data-backup', 0],
    ]);
    expect(r.escalation).toEqual({ at: from, policies: 2, steps: 5, differences: [] });
    for (const v of r.verification) {
      expect(v.from).toBe(from);
      expect(v.instants).toBeGreaterThanOrEqual(8 * 7 * 24);
    }

    // The file: what check-config accepts, with the keys from the .env written beside it.
    const text = readFileSync(file, 'utf8');
    const env = envOf(file);
    const config = parseConfig(text, file, env);
    expect(text).toContain('# OnCall user UALEX0000001');
    expect(text).toContain('# OnCall schedule SPRIMARY0001');
    expect(text).not.toContain('Xk3mN8pQ2rT5vW9yZa1bC4dE');
    expect(config.users.map((u) => u.id)).toEqual(['alex', 'bob', 'chen', 'dana', 'erin']);
    const alex = config.users[0]!;
    expect(alex.notificationRules).toEqual({
      low: [{ type: 'email', delayMinutes: 5 }],
      high: [{ type: 'slack', delayMinutes: 1 }],
    });
    expect(config.users[3]!.notificationRules?.low).toEqual([
      { type: 'slack', delayMinutes: 0 },
      { type: 'email', delayMinutes: 15 },
    ]);
    expect(config.teams.find((t) => t.id === 'platform')?.members).toEqual(['alex', 'bob', 'dana']);
    const primary = config.schedules.find((s) => s.id === 'primary')!;
    expect(primary.timezone).toBe('Europe/London');
    expect(primary.layers.map((l) => l.users)).toEqual([['alex', 'bob', 'dana'], ['erin']]);
    expect(primary.overrides).toEqual([
      { user: 'chen', from: '2027-03-10T12:00:00Z', to: '2027-03-11T12:00:00Z' },
    ]);
    expect(config.escalationPolicies.find((p) => p.id === 'default')).toEqual({
      id: 'default',
      name: 'Default',
      repeat: 5,
      steps: [
        { targets: [{ schedule: 'primary' }], escalateAfterMinutes: 5 },
        { targets: [{ user: 'erin' }, { schedule: 'data-backup' }], escalateAfterMinutes: 10 },
        { targets: [{ team: 'platform' }], escalateAfterMinutes: 5 },
      ],
    });
    expect(config.tiers.T1.escalationPolicy).toBe('default');
    expect(config.integrationKeys.map((k) => [k.name, k.source, k.key])).toEqual([
      ['prod-alertmanager', 'alertmanager', 'Xk3mN8pQ2rT5vW9yZa1bC4dE'],
      ['grafana-alerting', 'grafana', 'Gr4fAn4AlErTiNgToKeN12'],
      ['deploy-hook', 'pagerduty', 'WebHookTokenABCDEFGH1234'],
    ]);
    expect(r.senders.map((s) => [s.oncallUrl, s.klaxonUrl])).toEqual([
      [
        `${fake.url}/integrations/v1/alertmanager/Xk3mN8pQ2rT5vW9yZa1bC4dE/`,
        'http://klaxon:8080/api/v1/ingest/alertmanager',
      ],
      [
        `${fake.url}/integrations/v1/grafana_alerting/Gr4fAn4AlErTiNgToKeN12/`,
        'http://klaxon:8080/api/v1/ingest/grafana',
      ],
      [`${fake.url}/integrations/v1/webhook/WebHookTokenABCDEFGH1234/`, 'http://klaxon:8080/v2/enqueue'],
    ]);

    // Nothing dropped silently: every object of every list has exactly one entry.
    const fx = fake.fixture;
    const ids = [
      fx.users,
      fx.personal_notification_rules,
      fx.teams,
      fx.schedules,
      fx.on_call_shifts,
      fx.escalation_chains,
      fx.escalation_policies,
      fx.integrations,
      fx.routes,
      fx.webhooks,
    ].flatMap((l) => l.map((o) => o.id));
    expect(r.report.entries.map((e) => e.sourceId).sort()).toEqual([...ids].sort());
    const outcome = (id: string) => r.report.entries.find((e) => e.sourceId === id)?.outcome;
    for (const id of [
      'SICAL0000003',
      'CZB000000004',
      'WHTICKET0001',
      'EMAIN7',
      'NALEX1',
      'NALEX4',
      'NBOB2',
      'NERIN2',
      'OOVERRIDE000',
      'RZB000000000',
    ])
      expect([id, outcome(id)]).toEqual([id, 'skipped']);
    for (const id of ['FDATA0000002', 'RAM000000001', 'EMAIN4', 'CWH000000003'])
      expect([id, outcome(id)]).toEqual([id, 'changed']);
  });

  it('exits 3 and writes nothing when OnCall has two people on call at once, unless differences are allowed', async () => {
    fake = await startFakeOnCall({
      throttleOnce: null,
      extraPolicies: [
        { id: 'EDATA4', escalation_chain_id: 'FDATA0000002', position: 3, type: 'wait', duration: 60 },
        {
          id: 'EDATA5',
          escalation_chain_id: 'FDATA0000002',
          position: 4,
          type: 'notify_person_next_each_time',
          important: false,
          persons_to_notify_next_each_time: ['UERIN0000005', 'UBOB00000002'],
        },
      ],
      extraShifts: [
        {
          id: 'OPAIR0000001',
          name: 'Pair',
          schedule: 'SPRIMARY0001',
          type: 'rolling_users',
          time_zone: 'Europe/London',
          level: 2,
          start: '2027-03-02T12:00:00',
          duration: 7200,
          frequency: 'weekly',
          interval: 1,
          week_start: 'MO',
          by_day: null,
          users: [],
          rolling_users: [['UALEX0000001', 'UBOB00000002']],
          start_rotation_from_user_index: null,
        },
      ],
    });
    const file = out();
    writeFileSync(file, 'the good config\n');
    const opts = {
      apiUrl: fake.url,
      token: fake.token,
      out: file,
      verifyWeeks: 2,
      now: () => ONCALL_FIXTURE_NOW,
      sleep: () => Promise.resolve(),
    };
    const r = await runOnCallImport(opts);
    expect(r.exitCode).toBe(3);
    expect(r.written).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('the good config\n');
    const pair = r.report.entries.find((e) => e.sourceId === 'OPAIR0000001')!;
    expect(pair.outcome).toBe('changed');
    expect(pair.notes.join()).toMatch(/2 people on call at once/);
    const diffs = r.verification.find((v) => v.scheduleId === 'primary')!.differences;
    // Tuesdays 12:00–14:00 London, 2 weeks: OnCall has alex and bob, Klaxon alex.
    expect(diffs.length).toBeGreaterThan(0);
    expect(diffs.every((d) => d.source.join() === 'alex,bob' && d.klaxon.join() === 'alex')).toBe(true);
    expect(new Set(diffs.map((d) => d.iso.slice(0, 10)))).toEqual(new Set(['2027-03-02', '2027-03-09']));
    // OnCall notifies the next person each time (erin first); Klaxon's imported step notifies both.
    expect(r.escalation?.differences).toEqual([
      { policy: 'data-team', chain: 'FDATA0000002', step: 2, source: ['erin'], klaxon: ['bob', 'erin'] },
    ]);
    expect(r.report.entries.find((e) => e.sourceId === 'EDATA5')?.outcome).toBe('changed');

    const allowed = await runOnCallImport({ ...opts, allowDifferences: true });
    expect([allowed.exitCode, allowed.written]).toEqual([0, true]);
    expect(readFileSync(file, 'utf8')).toContain('OnCall schedule SPRIMARY0001');
  });

  it('ignores fields it does not know, and reports a step of a type it does not know as skipped', async () => {
    fake = await startFakeOnCall({
      throttleOnce: null,
      extraPolicies: [
        {
          id: 'EDATA9',
          escalation_chain_id: 'FDATA0000002',
          position: 3,
          type: 'notify_by_carrier_pigeon',
          pigeon_speed: 'fast',
        },
      ],
    });
    const alice = fake.fixture.users[0] as Record<string, unknown>;
    alice.favourite_colour = 'teal';
    alice.future_settings = { nested: [1, 2, 3] };
    const r = await runOnCallImport({
      apiUrl: fake.url,
      token: fake.token,
      out: out(),
      verifyWeeks: 1,
      now: () => ONCALL_FIXTURE_NOW,
    });
    expect(r.written).toBe(true);
    const user = r.report.entries.find((e) => e.kind === 'user' && e.sourceId === alice.id);
    expect(user?.outcome).toBe('imported');
    const step = r.report.entries.find((e) => e.sourceId === 'EDATA9');
    expect(step).toMatchObject({ outcome: 'skipped' });
    expect(step?.notes.join(' ')).toContain('notify_by_carrier_pigeon');
  });

  it('a 401 is a clear error after one request, and nothing is written', async () => {
    fake = await startFakeOnCall();
    const file = out();
    await expect(
      runOnCallImport({ apiUrl: fake.url, token: 'wrong', out: file, now: () => ONCALL_FIXTURE_NOW }),
    ).rejects.toThrow(/OnCall refused the token \(401: Invalid token\.\)/);
    expect(fake.requests.map((q) => [q.path, q.headers.authorization])).toEqual([
      ['/api/v1/users/', 'wrong'],
    ]);
    expect(existsSync(file)).toBe(false);
  });

  it('an unreachable API is a clear error', async () => {
    const err = await runOnCallImport({
      apiUrl: 'http://127.0.0.1:9',
      token: 't',
      out: out(),
      now: () => 0,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnCallApiError);
    expect((err as Error).message).toMatch(/cannot reach the OnCall API at http:\/\/127\.0\.0\.1:9/);
  });

  it('a malformed object is a reported skip, not a crash', () => {
    const empty: OnCallData = {
      users: [],
      rules: [],
      teams: [],
      schedules: [],
      shifts: [],
      chains: [],
      policies: [],
      integrations: [],
      routes: [],
      webhooks: [],
    };
    const report = new ImportReport();
    const m = mapOnCall(
      { ...empty, users: [{ id: 'UBAD', username: 7 }, 'nonsense'], schedules: [{ id: 'S1', name: 'x' }] },
      { now: 0, klaxonUrl: 'http://k' },
      report,
    );
    expect(report.entries.map((e) => [e.kind, e.sourceId, e.outcome, e.notes[0]])).toEqual([
      ['user', 'UBAD', 'skipped', 'malformed user: username is not a string'],
      ['user', '(no id)', 'skipped', 'malformed user: not an object'],
      ['schedule', 'S1', 'skipped', 'malformed schedule: type is missing'],
    ]);
    expect(m.config.users).toEqual([]);
  });
});
