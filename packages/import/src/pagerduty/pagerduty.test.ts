import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakePagerDuty, type FakePagerDuty } from '@klaxon/testing';
import { ImportSourceError } from './client.ts';
import { importPagerDuty } from './import.ts';

const TOKEN = 'y_BJAeCsWJ8rbi1PLnCm';
const NOW = Date.parse('2027-03-10T12:00:00Z');
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
const enc = encodeURIComponent;

let fake: FakePagerDuty;
let sleeps: number[];

beforeEach(async () => {
  fake = await startFakePagerDuty({
    token: TOKEN,
    now: NOW,
    maxLimit: 100,
    rateLimitOnce: '/escalation_policies',
  });
  sleeps = [];
});
afterEach(() => fake.close());

const run = (extra: Partial<Parameters<typeof importPagerDuty>[0]> = {}) =>
  importPagerDuty({
    token: TOKEN,
    apiUrl: fake.url,
    now: NOW,
    verifyWeeks: 8,
    pageSize: 2,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });

describe('klaxon import pagerduty: reading the API', () => {
  it('pages through every list with limit/offset, honours one 429, and sends the token and version headers', async () => {
    await run();
    const page = (path: string, offsets: number[], query = '') =>
      offsets.map((o) => `GET ${path}?${query}limit=2&offset=${o}`);
    const since = enc(iso(NOW));
    const until = enc(iso(NOW + 56 * DAY));
    const overridesUntil = enc(iso(NOW + 90 * DAY));
    const schedule = (id: string) => [
      `GET /schedules/${id}?since=${since}&until=${until}&time_zone=UTC`,
      `GET /schedules/${id}/overrides?since=${since}&until=${overridesUntil}`,
    ];
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      ...page('/users', [0, 2, 4, 6], 'include%5B%5D=contact_methods&include%5B%5D=notification_rules&'),
      ...page('/teams', [0]),
      ...page('/teams/PTPLATF/members', [0, 2, 4]),
      ...page('/teams/PTDATAA/members', [0]),
      ...page('/schedules', [0]),
      ...schedule('PSPLATF'),
      ...schedule('PSDATAO'),
      ...page('/escalation_policies', [0, 0]), // the first answer was a 429
      ...page('/services', [0, 2], 'include%5B%5D=integrations&'),
      ...page('/maintenance_windows', [0], 'filter=open&'),
    ]);
    for (const r of fake.requests) {
      expect(r.headers.authorization).toBe(`Token token=${TOKEN}`);
      expect(r.headers.accept).toBe('application/vnd.pagerduty+json;version=2');
    }
    expect(sleeps).toEqual([2000]); // ratelimit-reset: 2 (seconds)
  });

  it('says clearly when the token is refused, and when the API cannot be reached', async () => {
    await expect(run({ token: 'wrong-token-000000000' })).rejects.toThrow(
      /PagerDuty refused the token \(401: Unauthorized\); pass a valid REST API key with --token/,
    );
    expect(fake.requests).toHaveLength(1);
    const url = fake.url;
    await fake.close();
    const err = await run({ apiUrl: url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportSourceError);
    expect((err as Error).message).toMatch(/cannot reach the PagerDuty API at http:\/\/127\.0\.0\.1:\d+/);
    fake = await startFakePagerDuty({ token: TOKEN, now: NOW });
  });

  it('gives up after repeated 429s instead of looping for ever', async () => {
    const always429 = vi.fn(() =>
      Promise.resolve(
        new Response('{"error":{"message":"Rate Limit Exceeded","code":2020}}', { status: 429 }),
      ),
    );
    await expect(run({ fetch: always429 as unknown as typeof fetch })).rejects.toThrow(
      /kept rate-limiting GET \/users/,
    );
    expect(always429).toHaveBeenCalledTimes(9);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});

describe('klaxon import pagerduty: mapping', () => {
  it('maps users, contact methods and notification rules (high → T1 rules, low → T2 rules)', async () => {
    const { emitted, report } = await run();
    const user = (id: string) => emitted.config.users.find((u) => u.id === id)!;
    expect(user('alice')).toMatchObject({
      name: 'Alice Archer',
      email: 'alice@example.com',
      timezone: 'Europe/London',
      role: 'responder',
      contactMethods: [
        { type: 'voice', address: '+447700900001', label: 'Mobile' },
        { type: 'sms', address: '+447700900001', label: 'Mobile' },
        { type: 'email', address: 'alice@example.com', label: 'Default' },
      ],
      notificationRules: {
        high: [
          { type: 'voice', delayMinutes: 0 },
          { type: 'sms', delayMinutes: 0 },
          { type: 'voice', delayMinutes: 5 },
        ],
        low: [{ type: 'email', delayMinutes: 0 }],
      },
    });
    expect(user('erin').role).toBe('admin');
    expect(user('gita').role).toBe('viewer');
    // Bob's high rule uses his second phone: Klaxon would call the first; his only low rule is a push.
    const rule = report.entries.find((e) => e.sourceId === 'PR1B001')!;
    expect(rule.outcome).toBe('changed');
    expect(rule.notes[0]).toMatch(/first voice method \(\+447700900100\)/);
    expect(report.entries.find((e) => e.sourceId === 'PC1B004')).toMatchObject({ outcome: 'skipped' });
    expect(report.entries.find((e) => e.sourceId === 'PC1G002')).toMatchObject({ outcome: 'skipped' });
    expect(user('bob').notificationRules!.low).toEqual([{ type: 'email', delayMinutes: 0 }]);
    expect(report.entries.find((e) => e.sourceId === 'PUBOBBB')!.outcome).toBe('changed');
    expect(emitted.config.teams).toEqual([
      { id: 'platform', name: 'Platform', members: ['alice', 'bob', 'chen', 'dana', 'erin'], lead: 'erin' },
      { id: 'data', name: 'Data', members: ['farid', 'gita'], lead: 'farid' },
      { id: 'pagerduty-services', name: 'PagerDuty services without a team', members: [] },
    ]);
  });

  it('maps every layer of each schedule with its rotation, restrictions and zone, and the coming overrides', async () => {
    const { emitted, report } = await run();
    const [platform, data] = emitted.config.schedules;
    expect(platform).toMatchObject({ id: 'platform-primary', timezone: 'Europe/London', team: 'platform' });
    expect(platform!.layers).toEqual([
      {
        name: 'Weekly',
        users: ['alice', 'bob', 'chen', 'dana'],
        rotation: {
          type: 'weekly',
          every: 1,
          start: '2026-01-05',
          handoffTime: '09:00',
          handoffWeekday: 'monday',
        },
        restrictions: [],
      },
      {
        name: 'Business-hours lead',
        users: ['erin'],
        rotation: { type: 'daily', every: 1, start: '2026-01-05', handoffTime: '09:00' },
        restrictions: [
          { days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], from: '09:00', to: '18:00' },
        ],
      },
      {
        name: 'Evening cover',
        users: ['bob', 'chen'],
        rotation: { type: 'hourly', every: 12, start: '2026-01-03', handoffTime: '20:00' },
        restrictions: [{ days: expect.any(Array) as unknown, from: '18:00', to: '00:00' }],
      },
    ]);
    expect(platform!.layers[2]!.restrictions[0]!.days).toHaveLength(7);
    expect(report.entries.find((e) => e.sourceId === 'PLOLDLY')).toMatchObject({
      outcome: 'skipped',
      notes: ['it ended at 2026-01-05T09:00:00.000Z, before the import'],
    });
    expect(platform!.overrides).toEqual([
      { user: 'dana', from: '2027-03-20T09:00:00.000Z', to: '2027-03-21T09:00:00.000Z' },
      { user: 'farid', from: '2027-04-02T11:30:00.000Z', to: '2027-04-02T17:15:00.000Z' },
    ]);
    expect(data).toMatchObject({ id: 'data-on-call', timezone: 'America/New_York', team: 'data' });
    expect(data!.layers.map((l) => [l.name, l.rotation, l.restrictions])).toEqual([
      ['Every two days', { type: 'daily', every: 2, start: '2026-02-01', handoffTime: '09:00' }, []],
      [
        'Wednesday night',
        { type: 'weekly', every: 1, start: '2026-02-03', handoffTime: '19:00', handoffWeekday: 'tuesday' },
        [
          { days: ['wednesday'], from: '22:00', to: '00:00' },
          { days: ['thursday'], from: '00:00', to: '08:00' },
        ],
      ],
    ]);
  });

  it('maps policies, services, Events v2 keys (as ${ENV} with the same value) and open maintenance windows', async () => {
    const { emitted, input, report } = await run();
    const c = emitted.config;
    expect(c.escalationPolicies[0]).toEqual({
      id: 'platform-ep',
      name: 'Platform EP',
      repeat: 2,
      steps: [
        { targets: [{ schedule: 'platform-primary' }], escalateAfterMinutes: 5 },
        { targets: [{ user: 'erin' }], escalateAfterMinutes: 10 },
        { targets: [{ schedule: 'data-on-call' }, { user: 'dana' }], escalateAfterMinutes: 15 },
      ],
    });
    expect(c.tiers.T1).toMatchObject({ urgency: 'high', pages: true, escalationPolicy: 'platform-ep' });
    expect(c.tiers.T2).toMatchObject({ urgency: 'low', pages: true, escalationPolicy: 'platform-ep' });
    expect(c.services.map((s) => [s.id, s.team, s.defaultTier])).toEqual([
      ['game-api', 'platform', 'T1'],
      ['matchmaking', 'platform', 'T2'],
      ['data-pipeline', 'data', 'T1'],
      ['legacy-billing', 'pagerduty-services', 'T1'],
    ]);
    expect(report.entries.find((e) => e.sourceId === 'PSVDATA')!.notes[0]).toMatch(
      /escalation policy PEDATAA \(data-ep\): Klaxon pages per tier, so this service pages through platform-ep/,
    );
    expect(c.integrationKeys).toEqual([
      {
        key: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
        name: 'Game API: Alertmanager',
        service: 'game-api',
        source: 'pagerduty',
      },
      {
        key: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
        name: 'Matchmaking: Grafana',
        service: 'matchmaking',
        source: 'pagerduty',
      },
      {
        key: '11112222333344445555666677778888',
        name: 'Data pipeline: Airflow',
        service: 'data-pipeline',
        source: 'pagerduty',
      },
    ]);
    expect(emitted.text).toContain('key: ${KLAXON_PD_KEY_PIGAME1}');
    expect(emitted.text).not.toContain('a1b2c3d4e5f60718293a4b5c6d7e8f90');
    expect(emitted.envText).toContain('KLAXON_PD_KEY_PIGAME1=a1b2c3d4e5f60718293a4b5c6d7e8f90\n');
    expect(input.secrets.size).toBe(3);
    expect(c.maintenance).toEqual([
      {
        service: 'matchmaking',
        from: '2027-03-24T22:00:00.000Z',
        to: '2027-03-25T02:00:00.000Z',
        reason: 'Matchmaking database upgrade',
      },
    ]);
    expect(emitted.text).toMatch(/# PagerDuty user PUALICE\n\s+- id: alice/);
    expect(emitted.text).toContain('# PagerDuty escalation policy PEPLATF');
  });

  it('reports every source object exactly once: imported, changed or skipped with a reason', async () => {
    const { report } = await run();
    const a = fake.account;
    const kinds = (k: string) => report.entries.filter((e) => e.kind === k).length;
    const all = (key: 'contact_methods' | 'notification_rules') =>
      a.users.flatMap((u) => u[key] as unknown[]).length;
    expect(kinds('user')).toBe(a.users.length);
    expect(kinds('contact_method')).toBe(all('contact_methods'));
    expect(kinds('notification_rule')).toBe(all('notification_rules'));
    expect(kinds('team')).toBe(a.teams.length);
    expect(kinds('schedule')).toBe(a.schedules.length);
    expect(kinds('schedule_layer')).toBe(a.schedules.flatMap((s) => s.schedule_layers as unknown[]).length);
    expect(kinds('override')).toBe(3); // the fourth is beyond the 90 days read
    expect(kinds('escalation_policy')).toBe(a.escalationPolicies.length);
    expect(kinds('service')).toBe(a.services.length);
    expect(kinds('integration')).toBe(a.services.flatMap((s) => s.integrations as unknown[]).length);
    expect(kinds('maintenance_window')).toBe(1);
    for (const e of report.entries.filter((x) => x.outcome !== 'imported'))
      expect(e.notes.length).toBeGreaterThan(0);
    expect(report.counts()).toEqual({ imported: 58, changed: 4, skipped: 6 });
  });

  it('ignores fields it does not know, and reports a contact method of a type it does not know as skipped', async () => {
    const alice = fake.account.users[0]!;
    alice.favourite_colour = 'teal';
    alice.future_settings = { nested: [1, 2, 3] };
    (alice.contact_methods as Record<string, unknown>[]).push({
      id: 'PCPIGEON',
      type: 'carrier_pigeon_contact_method',
      summary: 'Loft',
      label: 'Loft',
      address: 'loft 3',
    });
    const { report, emitted } = await run();
    expect(report.entries.find((e) => e.kind === 'user' && e.sourceId === 'PUALICE')?.outcome).not.toBe(
      'skipped',
    );
    expect(emitted.config.users.map((u) => u.id)).toContain('alice');
    const method = report.entries.find((e) => e.sourceId === 'PCPIGEON');
    expect(method).toMatchObject({ kind: 'contact_method', outcome: 'skipped' });
    expect(method?.notes.join(' ')).toContain('carrier_pigeon_contact_method');
  });

  it('skips a malformed object with the reason instead of failing the import', async () => {
    const alice = fake.account.users[0]!;
    alice.contact_methods = 'not a list';
    const { report, emitted } = await run();
    expect(report.entries.find((e) => e.sourceId === 'PUALICE')).toMatchObject({
      outcome: 'skipped',
      notes: ['contact_methods is not a list'],
    });
    expect(emitted.config.users.map((u) => u.id)).not.toContain('alice');
    // The weekly layer named Alice, so it is skipped and said so; the rest of the schedule stays.
    expect(report.entries.find((e) => e.sourceId === 'PLWEEKL')).toMatchObject({ outcome: 'skipped' });
  });
});
