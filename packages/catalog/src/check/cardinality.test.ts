/**
 * Label bounds: `klaxon check` refuses a rule or dashboard that groups by, writes or keeps a label the
 * contract names unbounded, and passes the seed, whose only such label lives in an annotation template.
 */
import { describe, expect, it } from 'vitest';
import { lokiRules } from '../compile/deploy.ts';
import { UNBOUNDED_LABELS } from '../contract.ts';
import { dashboard, stat, timeseries } from '../dashboards/build.ts';
import type { AlertDefinition } from '../model/alert.ts';
import { seedCatalog } from '../seed/index.ts';
import { checkCardinality, checkDashboardCardinality, CONTRACT_BOUNDS } from './cardinality.ts';
import { unboundedLabelUses } from './label-flow.ts';

const seed = seedCatalog();
const seedLoki = lokiRules(seed.runbookBaseUrl).groups.flatMap((g) => g.rules);
const FIX = 'aggregate it away, or put it in an exemplar, a log line or an info series';
const uses = (expr: string) => unboundedLabelUses(expr, CONTRACT_BOUNDS).map((u) => `${u.label}: ${u.how}`);
const QUERY_INFO = 'redshift_running_query_info{job="redshift-query-exporter"}';
const JOINED = `redshift_running_query_seconds * on (cluster, query_id) group_left (query_text) ${QUERY_INFO}`;

describe('label bounds', () => {
  it('passes the seed rules, Loki rules and dashboards', () => {
    expect(checkCardinality({ catalog: seed, lokiRules: seedLoki })).toEqual([]);
  });

  it('exempts annotation templates: the Redshift query text would fail as an expression', () => {
    const redshift = seed.alerts.find((a) => a.description.includes('query_text'))!;
    const template = /printf `([^`]*)`/.exec(redshift.description)![1]!.replace(/%s/g, 'x');
    expect(uses(template)).toEqual(['query_text: groups by query_text (by (pid, query_text))']);
    expect(checkCardinality({ catalog: { ...seed, alerts: [redshift] } })).toEqual([]);
  });

  it('finds each way an expression groups by, writes or keeps an unbounded label', () => {
    expect(uses('sum by (region, player_id) (rate(game_server_connection_failures_total[5m]))')).toEqual([
      'player_id: groups by player_id (by (region, player_id))',
    ]);
    expect(uses('sum(x) by (trace_id)')).toEqual(['trace_id: groups by trace_id (by (trace_id))']);
    // Copying it is refused even where a later aggregation drops it: the copy has no other purpose.
    for (const expr of [JOINED, `max by (cluster) (${JOINED})`])
      expect(uses(expr)).toEqual(['query_text: copies query_text onto the result (group_left (query_text))']);
    expect(uses('count_values("user_id", x)')).toEqual([
      'user_id: writes user_id with count_values("user_id", …), one series per value',
    ]);
    expect(uses('label_replace(x, "session_id", "$1", "a", "(.*)")')).toEqual([
      'session_id: writes session_id with label_replace',
    ]);
    expect(uses('label_join(x, "request_id", ",", "a")')).toEqual([
      'request_id: writes request_id with label_join',
    ]);
    const kept = `query_text: keeps query_text: the result carries it from redshift_running_query_info, one series per value`;
    expect(uses(QUERY_INFO)).toEqual([kept]);
    expect(uses(`max without (pid) (${QUERY_INFO})`)).toEqual([kept]);
    expect(uses(`${QUERY_INFO} > 0 and on (cluster) up`)).toEqual([kept]);
    expect(uses(`topk(5, ${QUERY_INFO})`)).toEqual([kept]);
  });

  it('accepts what drops the label, and bounded labels', () => {
    for (const expr of [
      `max without (query_text) (${QUERY_INFO})`,
      `count by (cluster) (${QUERY_INFO})`,
      `count(${QUERY_INFO})`,
      `${QUERY_INFO} * on (cluster, query_id) group_left () redshift_running_query_seconds`.replace(
        'group_left ()',
        'group_right ()',
      ),
      'max by (cluster, query_id) (redshift_running_query_seconds)',
      'sum by (service, anomaly_id) (aws_cost_anomaly_impact_usd)',
      'x * on (request_id) y',
    ])
      expect(uses(expr), expr).toEqual([]);
    // The list comes from the contract: a label it does not name passes, and would fail if it did.
    const region = 'sum by (region) (game_server_players_online)';
    expect(uses(region)).toEqual([]);
    expect(
      unboundedLabelUses(region, { ...CONTRACT_BOUNDS, unbounded: new Set([...UNBOUNDED_LABELS, 'region']) }),
    ).toHaveLength(1);
  });

  it('names the file, the alert and the fix; and recording and Loki rules', () => {
    const alert: AlertDefinition = {
      ...seed.alerts[0]!,
      name: 'PlayerErrors',
      group: 'game',
      expr: 'sum by (player_id) (rate(game_server_connection_failures_total[5m]))',
      source: 'catalog/klaxon.catalog.ts',
    };
    const problems = checkCardinality({
      catalog: {
        alerts: [alert],
        recordingRules: [{ group: 'game', record: 'player:failures:rate5m', expr: alert.expr }],
      },
      lokiRules: [
        {
          alert: 'PlayerLogErrors',
          expr: 'sum by (namespace, user_id) (count_over_time({namespace="game"} | logfmt [5m])) > 3',
        },
      ],
    });
    const tiers = alert.thresholds.map((t) => t.tier).join(', ');
    expect(problems).toEqual([
      {
        subject: `catalog/klaxon.catalog.ts: alert PlayerErrors, expr (thresholds ${tiers})`,
        message: `groups by player_id (by (player_id)), and player_id is unbounded (metrics.md, "Label bounds"): ${FIX}`,
      },
      {
        subject: 'recording rule player:failures:rate5m (group game)',
        message: expect.stringContaining('groups by player_id (by (player_id))'),
      },
      { subject: 'Loki rule PlayerLogErrors', message: expect.stringContaining('user_id is unbounded') },
    ]);
    expect(checkCardinality({ catalog: { alerts: [], recordingRules: [] }, lokiRules: seedLoki })).toEqual(
      [],
    );
  });

  it('checks dashboard queries, legends and variables; a top-N table is fine', () => {
    const d = dashboard({
      uid: 'klaxon-players',
      title: 'Players',
      folder: 'Product',
      purpose: 'test',
      variables: {
        player: 'label_values(game_server_players_online, player_id)',
        region: 'label_values(game_server_players_online, region)',
      },
      items: [
        timeseries('per session', [
          'sum(game_server_players_online)',
          { expr: 'sum by (session_id) (story_sessions_active)', legend: '{{session_id}}' },
        ]),
        timeseries('legend only', [
          { expr: 'sum by (region) (game_server_players_online)', legend: '{{ user_id }}' },
        ]),
        stat('longest queries', { expr: `topk(10, ${JOINED})`, legend: '{{query_text}}' }),
        stat('all queries', `max by (cluster) (${JOINED}) or ${JOINED}`),
      ],
    });
    // In a rule, the same top-N is refused.
    expect(uses(`topk(10, ${JOINED})`)).toHaveLength(1);
    const problems = checkDashboardCardinality([d]).map(
      (p) => `${p.subject}: ${p.message.split(', and ')[0]}`,
    );
    expect(problems).toEqual([
      'dashboard klaxon-players: variable player: lists every value of player_id (label_values)',
      'dashboard klaxon-players: panel "per session", target B: groups by session_id (by (session_id))',
      'dashboard klaxon-players: panel "per session", target B: shows session_id in the legend ({{session_id}}), one line per value',
      'dashboard klaxon-players: panel "legend only", target A: shows user_id in the legend ({{user_id}}), one line per value',
      'dashboard klaxon-players: panel "all queries", target A: copies query_text onto the result (group_left (query_text))',
    ]);
  });
});
