/** The long-running query page names the query and shows the start of its text (promtool renders it). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { promtoolTest } from '../check/promtool-tests.ts';
import { compileRuleGroups, runbookUrl } from '../compile/rules.ts';
import { seedCatalog } from './index.ts';

describe('RedshiftLongRunningQuery', () => {
  it('puts the query id and the start of the query text in the alert body', async () => {
    const catalog = seedCatalog();
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-redshift-'));
    const group = compileRuleGroups(catalog).find((g) => g.name === 'klaxon-redshift')!;
    writeFileSync(join(dir, 'redshift.rules.yml'), stringify({ groups: [group] }));
    const job = 'job="klaxon-redshift-exporter"';
    const labels = 'cluster="analytics-dw",query_id="91",user_name="etl",database="game"';
    writeFileSync(
      join(dir, 'redshift.test.yml'),
      stringify({
        rule_files: ['redshift.rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              { series: `redshift_running_query_seconds{${job},${labels}}`, values: '400x10' },
              {
                series: `redshift_running_query_info{${job},cluster="analytics-dw",query_id="91",pid="30001",query_text="SELECT player_id FROM purchases WHERE region = '?'"}`,
                values: '1x10',
              },
            ],
            alert_rule_test: [
              {
                eval_time: '5m',
                alertname: 'RedshiftLongRunningQuery',
                exp_alerts: [
                  {
                    exp_labels: {
                      cluster: 'analytics-dw',
                      query_id: '91',
                      user_name: 'etl',
                      database: 'game',
                      service: 'redshift',
                      team: 'data',
                      tier: 'T2',
                      severity: 'warning',
                    },
                    exp_annotations: {
                      summary: 'Redshift query 91 by etl has run for over 5 minutes',
                      description:
                        "Query 91 on analytics-dw/game (user etl) is still running after 5 minutes. Text: SELECT player_id FROM purchases WHERE region = '?' (pid 30001)",
                      runbook_url: runbookUrl(
                        catalog,
                        catalog.alerts.find((a) => a.name === 'RedshiftLongRunningQuery')!,
                      ),
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const [run] = await promtoolTest([join(dir, 'redshift.test.yml')]);
    expect(run!.ok, run!.output).toBe(true);
  });
});
