/** Redshift, through YACE (CloudWatch) and Klaxon's running-query exporter. CloudWatch data is late: `for:` covers it. */
import type { AlertDefinition } from '../model/alert.ts';
import { gauge, input } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';

export function redshiftAlerts(s: Selectors): AlertDefinition[] {
  const y = selectorLabels(s.yace);
  const base = { group: 'redshift', service: 'redshift', team: 'data' };
  const cluster = `dimension_ClusterIdentifier="analytics-prod"`;
  const out = { dimension_ClusterIdentifier: 'analytics-prod' };
  return [
    {
      ...base,
      name: 'RedshiftDiskSpaceCritical',
      summary: 'Redshift cluster {{ $labels.dimension_ClusterIdentifier }} disk is nearly full',
      description:
        'Disk use on {{ $labels.dimension_ClusterIdentifier }} is at or above 90%; queries and loads will fail when it fills.',
      expr: `max by (dimension_ClusterIdentifier) (aws_redshift_percentage_disk_space_used_average{${s.yace}})`,
      thresholds: [{ tier: 'T1', op: '>=', value: 90, for: '15m' }],
      outputLabels: out,
      input: (v) => input(gauge(`aws_redshift_percentage_disk_space_used_average{${y},${cluster}}`, v)),
      metrics: ['aws_redshift_percentage_disk_space_used_average'],
      runbook: {
        meaning: 'CloudWatch PercentageDiskSpaceUsed is at or above 90%.',
        impact: 'Writes, ETL loads and large queries fail when the disk fills; billing and analytics stop.',
        diagnosis: [
          'Largest tables: SVV_TABLE_INFO order by size.',
          'Unvacuumed deletes: svv_table_info.unsorted / tbl_rows.',
        ],
        mitigation: [
          'VACUUM DELETE ONLY on the biggest tables.',
          'Unload and drop cold data, or resize the cluster.',
        ],
      },
    },
    {
      ...base,
      name: 'RedshiftLongRunningQuery',
      summary: 'Redshift query {{ $labels.query_id }} by {{ $labels.user_name }} has run for over 5 minutes',
      description:
        'Query {{ $labels.query_id }} on {{ $labels.cluster }}/{{ $labels.database }} (user {{ $labels.user_name }}) is still running after 5 minutes. ' +
        // The start of the query text, from the exporter's info series (absent once the query finished).
        `{{ with printf \`max by (pid, query_text) (redshift_running_query_info{${s.redshiftQueries},cluster="%s",query_id="%s"})\` $labels.cluster $labels.query_id | query }}{{ with first . }}Text: {{ label "query_text" . }} (pid {{ label "pid" . }}){{ end }}{{ end }}`,
      expr: `max by (cluster, query_id, user_name, database) (redshift_running_query_seconds{${s.redshiftQueries}})`,
      thresholds: [{ tier: 'T2', op: '>', value: 300, for: '1m' }],
      outputLabels: { cluster: 'analytics-prod', query_id: '4242', user_name: 'etl', database: 'game' },
      input: (v) =>
        input(
          gauge(
            `redshift_running_query_seconds{${selectorLabels(s.redshiftQueries)},cluster="analytics-prod",query_id="4242",user_name="etl",database="game"}`,
            v,
          ),
        ),
      metrics: ['redshift_running_query_seconds'],
      runbook: {
        meaning: 'A query has been running for more than 5 minutes.',
        impact: 'It holds a WLM slot and may block loads behind it.',
        diagnosis: [
          'SELECT * FROM stv_recents WHERE pid = … / SYS_QUERY_HISTORY WHERE query_id = <query_id> for the text and plan.',
        ],
        mitigation: ['CANCEL <pid> if it is runaway; fix the query or add a WLM query monitoring rule.'],
      },
    },
    {
      ...base,
      name: 'RedshiftWLMQueueContention',
      summary: 'Queries are queueing in WLM queue {{ $labels.dimension_QueueName }}',
      description:
        'More than 5 queries wait on average in {{ $labels.dimension_QueueName }} of {{ $labels.dimension_ClusterIdentifier }}.',
      expr: `max by (dimension_ClusterIdentifier, dimension_QueueName) (aws_redshift_wlmqueue_length_average{${s.yace}})`,
      thresholds: [{ tier: 'T3', op: '>', value: 5, for: '30m' }],
      outputLabels: { ...out, dimension_QueueName: 'etl' },
      input: (v) =>
        input(gauge(`aws_redshift_wlmqueue_length_average{${y},${cluster},dimension_QueueName="etl"}`, v)),
      metrics: ['aws_redshift_wlmqueue_length_average'],
      runbook: {
        meaning: 'WLM queue length is above 5 for 30 minutes.',
        impact: 'Slower dashboards and ETL; not urgent.',
        diagnosis: ['Which queries hold the slots? STV_WLM_QUERY_STATE.'],
        mitigation: ['Rebalance WLM slots or enable concurrency scaling.'],
      },
    },
    {
      ...base,
      name: 'RedshiftClusterUnhealthy',
      summary: 'Redshift cluster {{ $labels.dimension_ClusterIdentifier }} reports unhealthy',
      description: 'CloudWatch HealthStatus for {{ $labels.dimension_ClusterIdentifier }} is 0.',
      expr: `min by (dimension_ClusterIdentifier) (aws_redshift_health_status_average{${s.yace}})`,
      thresholds: [{ tier: 'T1', op: '<', value: 1, for: '10m' }],
      testValues: { firing: 0, quiet: 1 },
      outputLabels: out,
      input: (v) => input(gauge(`aws_redshift_health_status_average{${y},${cluster}}`, v)),
      metrics: ['aws_redshift_health_status_average'],
      runbook: {
        meaning: 'Redshift reports the cluster unhealthy.',
        impact: 'Queries fail; analytics and billing reports are down.',
        diagnosis: ['AWS console events for the cluster; maintenance or node replacement?'],
        mitigation: [
          'Open an AWS support case if it is not a maintenance window; fail over to a snapshot restore if needed.',
        ],
      },
    },
    {
      ...base,
      name: 'RedshiftHighCPU',
      summary: 'Redshift cluster {{ $labels.dimension_ClusterIdentifier }} CPU is above 90%',
      description: 'Sustained CPU above 90% on {{ $labels.dimension_ClusterIdentifier }}.',
      expr: `max by (dimension_ClusterIdentifier) (aws_redshift_cpuutilization_average{${s.yace}})`,
      thresholds: [{ tier: 'T3', op: '>', value: 90, for: '30m' }],
      outputLabels: out,
      input: (v) => input(gauge(`aws_redshift_cpuutilization_average{${y},${cluster}}`, v)),
      metrics: ['aws_redshift_cpuutilization_average'],
      runbook: {
        meaning: 'Cluster CPU is above 90% for half an hour.',
        impact: 'Queries slow down.',
        diagnosis: ['Top queries by CPU in SYS_QUERY_HISTORY.'],
        mitigation: ['Tune or reschedule heavy jobs; resize if it persists.'],
      },
    },
  ];
}
