/**
 * The warehouse fails differently from the HTTP services (disk, WLM queues, long queries), so its alerts get
 * a drill-down of their own.
 */
import { dashboard, timeseries, type DashboardSpec } from './build.ts';

export function redshiftDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-redshift',
    title: 'Redshift',
    folder: 'Operations',
    purpose: 'Warehouse disk, health, CPU, WLM queues and long-running queries.',
    annotations: true,
    variables: {
      dimension_ClusterIdentifier:
        'label_values(aws_redshift_percentage_disk_space_used_average, dimension_ClusterIdentifier)',
    },
    items: [
      timeseries(
        'Disk used',
        [
          {
            expr: 'max by (dimension_ClusterIdentifier) (aws_redshift_percentage_disk_space_used_average{dimension_ClusterIdentifier=~"$dimension_ClusterIdentifier"})',
            legend: '{{dimension_ClusterIdentifier}}',
          },
        ],
        {
          unit: 'percent',
          thresholds: [{ value: 90, color: 'red' }],
        },
      ),
      timeseries(
        'Health (1 = healthy)',
        [
          {
            expr: 'min by (dimension_ClusterIdentifier) (aws_redshift_health_status_average{dimension_ClusterIdentifier=~"$dimension_ClusterIdentifier"})',
            legend: '{{dimension_ClusterIdentifier}}',
          },
        ],
        { min: 0, max: 1 },
      ),
      timeseries(
        'CPU',
        [
          {
            expr: 'max by (dimension_ClusterIdentifier) (aws_redshift_cpuutilization_average{dimension_ClusterIdentifier=~"$dimension_ClusterIdentifier"})',
            legend: '{{dimension_ClusterIdentifier}}',
          },
        ],
        {
          unit: 'percent',
          thresholds: [{ value: 90, color: 'orange' }],
        },
      ),
      timeseries(
        'WLM queue length',
        [
          {
            expr: 'max by (dimension_QueueName) (aws_redshift_wlmqueue_length_average{dimension_ClusterIdentifier=~"$dimension_ClusterIdentifier"})',
            legend: '{{dimension_QueueName}}',
          },
        ],
        {
          thresholds: [{ value: 5, color: 'orange' }],
        },
      ),
      timeseries(
        'WLM wait time',
        [
          {
            expr: 'max by (dimension_QueueName) (aws_redshift_wlmqueue_wait_time_average{dimension_ClusterIdentifier=~"$dimension_ClusterIdentifier"})',
            legend: '{{dimension_QueueName}}',
          },
        ],
        { unit: 'µs' },
      ),
      timeseries(
        'Query duration (average)',
        [
          {
            expr: 'max by (dimension_ClusterIdentifier) (aws_redshift_query_duration_average{dimension_ClusterIdentifier=~"$dimension_ClusterIdentifier"})',
            legend: '{{dimension_ClusterIdentifier}}',
          },
        ],
        { unit: 'µs' },
      ),
      timeseries(
        'Running queries (Klaxon exporter)',
        [
          {
            expr: 'max by (query_id, user_name, database) (redshift_running_query_seconds)',
            legend: '{{query_id}} {{user_name}}@{{database}}',
          },
        ],
        {
          unit: 's',
          thresholds: [{ value: 300, color: 'orange' }],
          width: 24,
        },
      ),
    ],
  });
}
