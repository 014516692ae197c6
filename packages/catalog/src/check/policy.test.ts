import { describe, expect, it } from 'vitest';
import { compileAlertmanager } from '../compile/alertmanager.ts';
import { CONTRACT_METRICS, DECLARED_METRICS } from '../contract.ts';
import type { AlertDefinition } from '../model/alert.ts';
import { gauge, input } from '../model/inputs.ts';
import { seedCatalog } from '../seed/index.ts';
import { checkAlertmanagerPolicy, checkCatalog } from './policy.ts';

const known = new Set([...CONTRACT_METRICS, ...DECLARED_METRICS]);

const mine = (over: Partial<AlertDefinition> = {}): AlertDefinition => ({
  name: 'MatchmakerQueueLong',
  group: 'matchmaker',
  service: 'game-api',
  team: 'game',
  summary: 'Matchmaking queue in {{ $labels.region }} is long',
  description: 'Players wait for a match in {{ $labels.region }}.',
  expr: 'max by (region) (game_server_players_online)',
  thresholds: [{ tier: 'T2', op: '>', value: 5000, for: '10m' }],
  outputLabels: { region: 'eu' },
  input: (v) => input(gauge('game_server_players_online{region="eu"}', v)),
  metrics: ['game_server_players_online'],
  runbook: { meaning: 'm', impact: 'i', diagnosis: ['d'], mitigation: ['x'] },
  ...over,
});

const problems = (a: AlertDefinition) => checkCatalog({ ...seedCatalog(), alerts: [a] }, known);

describe('tier policy checks', () => {
  it('passes the seed catalog and a well-formed alert', () => {
    expect(checkCatalog(seedCatalog(), known)).toEqual([]);
    expect(problems(mine())).toEqual([]);
  });

  it('names the alert and the metric when a metric name has a typo', () => {
    expect(problems(mine({ expr: 'max by (region) (game_server_player_online)' }))).toEqual([
      {
        subject: 'packages/catalog/src/seed/matchmaker.ts: alert MatchmakerQueueLong',
        message: expect.stringContaining('metric game_server_player_online is not in the metrics contract'),
      },
    ]);
  });

  it('refuses an alert without a runbook', () => {
    const [p] = problems(mine({ runbook: { meaning: '', impact: '', diagnosis: [], mitigation: [] } }));
    expect(p).toMatchObject({
      subject: 'packages/catalog/src/seed/matchmaker.ts: alert MatchmakerQueueLong',
      message: expect.stringContaining('missing runbook'),
    });
  });

  it('reports invalid PromQL with its position', () => {
    const [p] = problems(mine({ expr: 'max by (region (game_server_players_online)' }));
    expect(p!.subject).toBe('packages/catalog/src/seed/matchmaker.ts: alert MatchmakerQueueLong');
    expect(p!.message).toMatch(/^invalid PromQL at line 1, column \d+/);
  });

  it('requires a T1 without for: to say it is immediate, and unique names', () => {
    const t1 = mine({ thresholds: [{ tier: 'T1', op: '>', value: 1, for: '0m' }] });
    expect(problems(t1)[0]!.message).toContain('mark the alert immediate');
    expect(problems({ ...t1, immediate: true })).toEqual([]);
    const dup = checkCatalog({ ...seedCatalog(), alerts: [mine(), mine()] }, known);
    expect(dup.map((p) => p.message)).toContain('duplicate alert name; every alert name must be unique');
  });

  it('refuses a route that sends T3 to PagerDuty', () => {
    const config = compileAlertmanager(seedCatalog(), { target: 'pagerduty' });
    expect(checkAlertmanagerPolicy(config)).toEqual([]);
    const t3 = config.route.routes!.find((r) => r.matchers?.includes('tier="T3"'))!;
    t3.receiver = 'pagerduty-t1';
    expect(checkAlertmanagerPolicy(config)).toEqual([
      {
        subject: 'route tier="T3"',
        message: expect.stringContaining(
          'T3 is advisory and never pages, but this route sends it to receiver "pagerduty-t1"',
        ),
      },
    ]);
  });
});
