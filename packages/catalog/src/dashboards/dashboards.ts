/**
 * The dashboards on-call engineers land on from every page. UIDs are stable: `klaxon-<service>` is the
 * drill-down for each service the catalog alerts on (the deep links and runbooks open it), and the others
 * are the design's core dashboards plus one per persona. Every query reads metrics of the contract.
 */
import { dashboard, stat, timeseries, type DashboardSpec } from './build.ts';

const R = '$__rate_interval';
const ratio = (num: string, den: string, by: string) =>
  `sum by (${by}) (rate(${num}[${R}])) / sum by (${by}) (rate(${den}[${R}]))`;
const p = (q: number, metric: string, by: string, sel = '') =>
  `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}_bucket${sel ? `{${sel}}` : ''}[${R}])))`;

/** Golden signals of the HTTP services (OpenTelemetry semantic conventions). */
const golden = (sel: string, by = 'service_name') => [
  timeseries(
    'Traffic (requests/s)',
    [
      {
        expr: `sum by (${by}) (rate(http_server_request_duration_seconds_count{${sel}}[${R}]))`,
        legend: `{{${by}}}`,
      },
    ],
    { unit: 'reqps' },
  ),
  timeseries(
    'Errors (5xx ratio)',
    [
      {
        expr: `sum by (${by}) (rate(http_server_request_duration_seconds_count{${sel},http_response_status_code=~"5.."}[${R}])) / sum by (${by}) (rate(http_server_request_duration_seconds_count{${sel}}[${R}])) or sum by (${by}) (rate(http_server_request_duration_seconds_count{${sel}}[${R}])) * 0`,
        legend: `{{${by}}}`,
      },
    ],
    {
      unit: 'percentunit',
      min: 0,
      thresholds: [
        { value: 0.01, color: 'orange' },
        { value: 0.05, color: 'red' },
      ],
      description: 'HTTP5xxRateHigh: T2 above 1 %, T1 above 5 %.',
    },
  ),
  timeseries(
    'Latency p99',
    [{ expr: p(0.99, 'http_server_request_duration_seconds', by, sel), legend: `{{${by}}}` }],
    {
      unit: 's',
      thresholds: [{ value: 0.5, color: 'orange' }],
      description: 'APILatencySLABreach (T2) above 500 ms.',
    },
  ),
];

export function seedDashboards(): DashboardSpec[] {
  return [
    dashboard({
      uid: 'klaxon-overview',
      title: 'Platform overview',
      folder: 'Operations',
      purpose:
        'Golden signals of every service on one page: where the on-call engineer starts when something pages.',
      annotations: true,
      items: [
        stat('Firing alerts T1', 'count(ALERTS{alertstate="firing", tier="T1"}) or vector(0)', {
          thresholds: [{ value: 1, color: 'red' }],
        }),
        stat('Firing alerts T2', 'count(ALERTS{alertstate="firing", tier="T2"}) or vector(0)', {
          thresholds: [{ value: 1, color: 'orange' }],
        }),
        stat('Players online', 'sum(game_server_players_online)'),
        stat('Targets down', 'count(up == 0) or vector(0)', { thresholds: [{ value: 1, color: 'red' }] }),
        { row: 'HTTP services' },
        ...golden('job=~".+"'),
        timeseries(
          'Saturation: HPA replicas / max',
          [
            {
              expr: 'max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas / kube_horizontalpodautoscaler_spec_max_replicas)',
              legend: '{{horizontalpodautoscaler}}',
            },
          ],
          { unit: 'percentunit', max: 1 },
        ),
        { row: 'Game, streaming and AI' },
        timeseries(
          'Game connection failures by region',
          [
            {
              expr: ratio(
                'game_server_connection_failures_total',
                'game_server_connection_attempts_total',
                'region',
              ),
              legend: '{{region}}',
            },
          ],
          {
            unit: 'percentunit',
            thresholds: [{ value: 0.1, color: 'red' }],
          },
        ),
        timeseries(
          'Kafka consumer lag (max per group)',
          [{ expr: 'max by (consumergroup) (kafka_consumergroup_lag_sum)', legend: '{{consumergroup}}' }],
          {
            thresholds: [
              { value: 5000, color: 'orange' },
              { value: 10000, color: 'red' },
            ],
          },
        ),
        timeseries(
          'Bedrock p95 latency',
          [
            {
              expr: 'max by (dimension_ModelId) (aws_bedrock_invocation_latency_p95) / 1000',
              legend: '{{dimension_ModelId}}',
            },
          ],
          {
            unit: 's',
            thresholds: [
              { value: 3, color: 'orange' },
              { value: 8, color: 'red' },
            ],
          },
        ),
        timeseries(
          'Synthetic checks',
          [{ expr: 'min by (instance) (probe_success{job="blackbox"})', legend: '{{instance}}' }],
          { min: 0, max: 1 },
        ),
      ],
    }),
    dashboard({
      uid: 'klaxon-kafka',
      title: 'Kafka operations',
      folder: 'Operations',
      purpose:
        'Lag per topic and consumer group, broker health, under-replicated partitions and throughput against its 7-day baseline.',
      annotations: true,
      variables: {
        consumergroup: 'label_values(kafka_consumergroup_lag_sum, consumergroup)',
        topic: 'label_values(kafka_topic_partitions, topic)',
      },
      items: [
        stat('Brokers', 'max(kafka_brokers)', { thresholds: [{ value: 3, color: 'green' }] }),
        stat('Active controllers', 'sum(kafka_controller_kafkacontroller_activecontrollercount)'),
        stat('Offline partitions', 'sum(kafka_controller_kafkacontroller_offlinepartitionscount)', {
          thresholds: [{ value: 1, color: 'red' }],
        }),
        stat(
          'Under-replicated partitions',
          'sum(kafka_topic_partition_under_replicated_partition{topic=~"$topic"})',
          { thresholds: [{ value: 1, color: 'red' }] },
        ),
        { row: 'Consumers' },
        timeseries(
          'Consumer lag by group and topic',
          [
            {
              expr: 'max by (consumergroup, topic) (kafka_consumergroup_lag_sum{consumergroup=~"$consumergroup", topic=~"$topic"})',
              legend: '{{consumergroup}} / {{topic}}',
            },
          ],
          {
            thresholds: [
              { value: 5000, color: 'orange' },
              { value: 10000, color: 'red' },
            ],
            description: 'KafkaConsumerLag: T2 above 5,000, T1 above 10,000.',
          },
        ),
        timeseries('Lag by partition', [
          {
            expr: 'max by (consumergroup, topic, partition) (kafka_consumergroup_lag{consumergroup=~"$consumergroup", topic=~"$topic"})',
            legend: '{{consumergroup}} / {{topic}} / {{partition}}',
          },
        ]),
        timeseries(
          'Consumer group members',
          [
            {
              expr: 'max by (consumergroup) (kafka_consumergroup_members{consumergroup=~"$consumergroup"})',
              legend: '{{consumergroup}}',
            },
          ],
          { min: 0 },
        ),
        { row: 'Brokers' },
        timeseries('Under-replicated partitions by topic', [
          {
            expr: 'sum by (topic) (kafka_topic_partition_under_replicated_partition{topic=~"$topic"})',
            legend: '{{topic}}',
          },
        ]),
        timeseries('Under-replicated / under min ISR per broker (JMX)', [
          {
            expr: 'max by (instance) (kafka_server_replicamanager_underreplicatedpartitions)',
            legend: 'URP {{instance}}',
          },
          {
            expr: 'max by (instance) (kafka_server_replicamanager_underminisrpartitioncount)',
            legend: 'under min ISR {{instance}}',
          },
        ]),
        timeseries(
          'Broker disk used',
          [
            {
              expr: 'max by (instance) (1 - node_filesystem_avail_bytes{mountpoint=~"/var/lib/kafka.*"} / node_filesystem_size_bytes{mountpoint=~"/var/lib/kafka.*"})',
              legend: '{{instance}}',
            },
          ],
          {
            unit: 'percentunit',
            max: 1,
            thresholds: [
              { value: 0.75, color: 'orange' },
              { value: 0.9, color: 'red' },
            ],
          },
        ),
        timeseries(
          'Producer request failures',
          [
            {
              expr: ratio(
                'kafka_server_brokertopicmetrics_failedproducerequests_total{topic=~"$topic"}',
                'kafka_server_brokertopicmetrics_totalproducerequests_total{topic=~"$topic"}',
                'topic',
              ),
              legend: '{{topic}}',
            },
          ],
          {
            unit: 'percentunit',
            thresholds: [
              { value: 0.01, color: 'orange' },
              { value: 0.05, color: 'red' },
            ],
          },
        ),
        { row: 'Throughput' },
        timeseries(
          'Messages in per topic vs 7-day average',
          [
            {
              expr: 'sum by (topic) (kafka:topic_messages_in:rate5m{topic=~"$topic"})',
              legend: '{{topic}} now',
            },
            {
              expr: 'sum by (topic) (avg_over_time(kafka:topic_messages_in:rate5m{topic=~"$topic"}[7d]))',
              legend: '{{topic}} 7-day average',
            },
          ],
          {
            unit: 'short',
            description: 'KafkaThroughputAnomaly (T2) when a topic falls under half its 7-day average.',
            width: 24,
          },
        ),
      ],
    }),
    dashboard({
      uid: 'klaxon-bedrock',
      title: 'AI inference',
      folder: 'ML',
      purpose:
        'Bedrock and GenAI client latency, p95, error rate, throttles, and tokens and spend per model.',
      annotations: true,
      variables: { model: 'label_values(aws_bedrock_invocations_sum, dimension_ModelId)' },
      items: [
        stat(
          'Bedrock spend this month',
          'sum(aws_billing_estimated_charges_maximum{dimension_ServiceName="AmazonBedrock"})',
          { unit: 'currencyUSD' },
        ),
        stat('Models answering the prober', 'sum(probe_success{probe="bedrock"})'),
        { row: 'Bedrock (CloudWatch via YACE)' },
        timeseries('Invocations per period', [
          {
            expr: 'sum by (dimension_ModelId) (aws_bedrock_invocations_sum{dimension_ModelId=~"$model"})',
            legend: '{{dimension_ModelId}}',
          },
        ]),
        timeseries(
          'Latency p95 and average',
          [
            {
              expr: 'max by (dimension_ModelId) (aws_bedrock_invocation_latency_p95{dimension_ModelId=~"$model"}) / 1000',
              legend: 'p95 {{dimension_ModelId}}',
            },
            {
              expr: 'max by (dimension_ModelId) (aws_bedrock_invocation_latency_average{dimension_ModelId=~"$model"}) / 1000',
              legend: 'avg {{dimension_ModelId}}',
            },
          ],
          {
            unit: 's',
            thresholds: [
              { value: 3, color: 'orange' },
              { value: 8, color: 'red' },
            ],
            description: 'BedrockLatencyHigh: T2 above 3 s, T1 above 8 s (p95).',
          },
        ),
        timeseries(
          'Error rate',
          [
            {
              expr: 'sum by (dimension_ModelId) (aws_bedrock_invocation_server_errors_sum{dimension_ModelId=~"$model"} + aws_bedrock_invocation_client_errors_sum{dimension_ModelId=~"$model"}) / sum by (dimension_ModelId) (aws_bedrock_invocations_sum{dimension_ModelId=~"$model"})',
              legend: '{{dimension_ModelId}}',
            },
          ],
          {
            unit: 'percentunit',
            thresholds: [
              { value: 0.01, color: 'orange' },
              { value: 0.05, color: 'red' },
            ],
          },
        ),
        timeseries('Throttles', [
          {
            expr: 'sum by (dimension_ModelId) (aws_bedrock_invocation_throttles_sum{dimension_ModelId=~"$model"})',
            legend: '{{dimension_ModelId}}',
          },
        ]),
        timeseries(
          'Time to first token',
          [
            {
              expr: 'max by (dimension_ModelId) (aws_bedrock_time_to_first_token_average{dimension_ModelId=~"$model"}) / 1000',
              legend: '{{dimension_ModelId}}',
            },
          ],
          {
            unit: 's',
            thresholds: [{ value: 2, color: 'orange' }],
          },
        ),
        timeseries('Tokens per period, in and out', [
          {
            expr: 'sum by (dimension_ModelId) (aws_bedrock_input_token_count_sum{dimension_ModelId=~"$model"})',
            legend: 'in {{dimension_ModelId}}',
          },
          {
            expr: 'sum by (dimension_ModelId) (aws_bedrock_output_token_count_sum{dimension_ModelId=~"$model"})',
            legend: 'out {{dimension_ModelId}}',
          },
        ]),
        timeseries(
          'Tokens vs 7-day average',
          [
            {
              expr: 'sum by (dimension_ModelId) (bedrock:tokens:sum{dimension_ModelId=~"$model"})',
              legend: '{{dimension_ModelId}} now',
            },
            {
              expr: 'sum by (dimension_ModelId) (avg_over_time(bedrock:tokens:sum{dimension_ModelId=~"$model"}[7d]))',
              legend: '{{dimension_ModelId}} 7-day average',
            },
          ],
          { description: 'BedrockTokenSpendSpike: T3 above 1.3×, T2 above 1.5× the 7-day average.' },
        ),
        timeseries(
          'Model availability probe',
          [{ expr: 'min by (model) (probe_success{probe="bedrock", model=~"$model"})', legend: '{{model}}' }],
          { min: 0, max: 1 },
        ),
        { row: 'GenAI client (OpenTelemetry semantic conventions)' },
        timeseries(
          'GenAI operation p95',
          [
            {
              expr: p(
                0.95,
                'gen_ai_client_operation_duration_seconds',
                'gen_ai_request_model',
                'gen_ai_request_model=~"$model"',
              ),
              legend: '{{gen_ai_request_model}}',
            },
          ],
          {
            unit: 's',
            thresholds: [{ value: 3, color: 'orange' }],
          },
        ),
        timeseries(
          'GenAI error rate by error type',
          [
            {
              expr: `sum by (gen_ai_request_model, error_type) (rate(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model=~"$model", error_type!=""}[${R}])) / ignoring (error_type) group_left sum by (gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model=~"$model"}[${R}]))`,
              legend: '{{gen_ai_request_model}} {{error_type}}',
            },
          ],
          { unit: 'percentunit' },
        ),
        timeseries('GenAI token usage p95 per call', [
          {
            expr: p(
              0.95,
              'gen_ai_client_token_usage',
              'gen_ai_request_model, gen_ai_token_type',
              'gen_ai_request_model=~"$model"',
            ),
            legend: '{{gen_ai_request_model}} {{gen_ai_token_type}}',
          },
        ]),
      ],
    }),
    dashboard({
      uid: 'klaxon-cost',
      title: 'Cost and spend',
      folder: 'Operations',
      purpose:
        'Daily spend by service, budget burn, forecasts and open cost anomalies, with the budget thresholds drawn in.',
      annotations: true,
      timeFrom: 'now-7d',
      variables: { service: 'label_values(aws_cost_daily_usd, service)' },
      overlays: [
        {
          name: 'Cost anomalies',
          expr: 'aws_cost_anomaly_impact_usd > 0',
          title: 'Cost anomaly {{service}} ({{anomaly_id}})',
          color: 'purple',
        },
        {
          name: 'Budget thresholds crossed',
          expr: 'aws_budget_utilization_ratio >= 0.8',
          title: 'Budget {{budget}} past 80 %',
          color: 'orange',
        },
      ],
      items: [
        stat('Open cost anomalies (USD impact)', 'sum(aws_cost_anomaly_impact_usd) or vector(0)', {
          unit: 'currencyUSD',
          thresholds: [{ value: 1, color: 'orange' }],
        }),
        stat('Month to date (all services)', 'sum(aws_billing_estimated_charges_maximum)', {
          unit: 'currencyUSD',
        }),
        timeseries(
          'Daily spend by service',
          [{ expr: 'sum by (service) (aws_cost_daily_usd{service=~"$service"})', legend: '{{service}}' }],
          {
            unit: 'currencyUSD',
            thresholds: [{ value: 5000, color: 'orange' }],
            description: 'DailyCostHigh (T3) above $5,000 a day.',
          },
        ),
        timeseries(
          'Budget used',
          [{ expr: 'max by (budget) (aws_budget_utilization_ratio)', legend: '{{budget}}' }],
          {
            unit: 'percentunit',
            thresholds: [
              { value: 0.8, color: 'orange' },
              { value: 1, color: 'red' },
            ],
            description: 'BudgetThresholdReached: T2 at 80 %, T1 at 100 %.',
          },
        ),
        timeseries(
          'Budget burn (share of the budget per day)',
          [
            {
              expr: 'max by (budget) (deriv(aws_budget_utilization_ratio[1h])) * 86400',
              legend: '{{budget}}',
            },
          ],
          { unit: 'percentunit' },
        ),
        timeseries(
          'Forecast at month end',
          [{ expr: 'max by (budget) (aws_budget_forecast_ratio)', legend: '{{budget}}' }],
          {
            unit: 'percentunit',
            thresholds: [{ value: 1, color: 'red' }],
          },
        ),
        timeseries(
          'Month-to-date charges by service',
          [
            {
              expr: 'max by (dimension_ServiceName) (aws_billing_estimated_charges_maximum)',
              legend: '{{dimension_ServiceName}}',
            },
          ],
          { unit: 'currencyUSD' },
        ),
        timeseries(
          'Cost anomalies',
          [
            {
              expr: 'max by (service, anomaly_id) (aws_cost_anomaly_impact_usd)',
              legend: '{{service}} {{anomaly_id}}',
            },
          ],
          { unit: 'currencyUSD' },
        ),
      ],
    }),
    dashboard({
      uid: 'klaxon-incident-timeline',
      title: 'Incident timeline',
      folder: 'Operations',
      purpose:
        'What changed? Deployments, alert firings and incidents on one time axis next to the golden signals.',
      annotations: true,
      timeFrom: 'now-3h',
      items: [
        timeseries(
          'Firing alerts by tier',
          [{ expr: 'sum by (tier) (ALERTS{alertstate="firing"})', legend: '{{tier}}' }],
          {
            description:
              'The annotations on every panel: blue deployments, red incidents, orange alert firings.',
            width: 24,
          },
        ),
        ...golden('job=~".+"'),
        timeseries(
          'Game connection failures',
          [
            {
              expr: ratio(
                'game_server_connection_failures_total',
                'game_server_connection_attempts_total',
                'region',
              ),
              legend: '{{region}}',
            },
          ],
          { unit: 'percentunit' },
        ),
        timeseries('Incidents open (Klaxon)', [
          { expr: 'sum by (tier, state) (klaxon_incidents)', legend: '{{tier}} {{state}}' },
        ]),
        timeseries('Notifications sent (Klaxon)', [
          {
            expr: `sum by (channel, outcome) (increase(klaxon_notifications_total[${R}]))`,
            legend: '{{channel}} {{outcome}}',
          },
        ]),
      ],
    }),
    dashboard({
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
    }),
    dashboard({
      uid: 'klaxon-kubernetes',
      title: 'Kubernetes',
      folder: 'Operations',
      purpose: 'Crash loops, restarts, node readiness, volumes and autoscalers.',
      annotations: true,
      variables: { namespace: 'label_values(kube_pod_info, namespace)' },
      items: [
        stat(
          'Nodes not ready',
          'count(kube_node_status_condition{condition="Ready", status="true"} == 0) or vector(0)',
          { thresholds: [{ value: 1, color: 'red' }] },
        ),
        stat(
          'Containers crash-looping',
          'sum(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"})',
          { thresholds: [{ value: 1, color: 'red' }] },
        ),
        timeseries('Crash-looping containers', [
          {
            expr: 'max by (namespace, pod, container) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", namespace=~"$namespace"})',
            legend: '{{namespace}}/{{pod}}/{{container}}',
          },
        ]),
        timeseries('Restarts (1h)', [
          {
            expr: 'max by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=~"$namespace"}[1h]))',
            legend: '{{namespace}}/{{pod}}',
          },
        ]),
        timeseries(
          'Node ready',
          [
            {
              expr: 'max by (node) (kube_node_status_condition{condition="Ready", status="true"})',
              legend: '{{node}}',
            },
          ],
          { min: 0, max: 1 },
        ),
        timeseries(
          'Nodes unschedulable',
          [{ expr: 'max by (node) (kube_node_spec_unschedulable)', legend: '{{node}}' }],
          { min: 0, max: 1 },
        ),
        timeseries(
          'Volume used',
          [
            {
              expr: 'max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace=~"$namespace"} / kubelet_volume_stats_capacity_bytes{namespace=~"$namespace"})',
              legend: '{{namespace}}/{{persistentvolumeclaim}}',
            },
          ],
          {
            unit: 'percentunit',
            thresholds: [
              { value: 0.8, color: 'orange' },
              { value: 0.95, color: 'red' },
            ],
          },
        ),
        timeseries('Autoscalers: current, min, max', [
          {
            expr: 'max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace=~"$namespace"})',
            legend: 'current {{horizontalpodautoscaler}}',
          },
          {
            expr: 'max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace=~"$namespace"})',
            legend: 'max {{horizontalpodautoscaler}}',
          },
          {
            expr: 'max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_min_replicas{namespace=~"$namespace"})',
            legend: 'min {{horizontalpodautoscaler}}',
          },
        ]),
      ],
    }),
    dashboard({
      uid: 'klaxon-game-api',
      title: 'Game API',
      folder: 'Operations',
      purpose:
        'The real-time game backend: routes, errors, latency, connections per region and synthetic checks.',
      annotations: true,
      variables: {
        region: 'label_values(game_server_players_online, region)',
        http_route:
          'label_values(http_server_request_duration_seconds_count{service_name="game-api"}, http_route)',
      },
      items: [
        ...golden('service_name="game-api", http_route=~"$http_route"', 'http_route'),
        timeseries(
          'Connection failures by region',
          [
            {
              expr: ratio(
                'game_server_connection_failures_total{region=~"$region"}',
                'game_server_connection_attempts_total{region=~"$region"}',
                'region',
              ),
              legend: '{{region}}',
            },
          ],
          { unit: 'percentunit', thresholds: [{ value: 0.1, color: 'red' }] },
        ),
        timeseries('Players online by region', [
          { expr: 'sum by (region) (game_server_players_online{region=~"$region"})', legend: '{{region}}' },
        ]),
        timeseries('Synthetic checks: success and duration', [
          { expr: 'min by (instance) (probe_success{job="blackbox"})', legend: 'success {{instance}}' },
          {
            expr: 'max by (instance) (probe_duration_seconds{job="blackbox"})',
            legend: 'seconds {{instance}}',
          },
        ]),
        timeseries('HTTP status of the checks', [
          { expr: 'max by (instance) (probe_http_status_code{job="blackbox"})', legend: '{{instance}}' },
        ]),
        timeseries(
          'TLS certificate days left',
          [
            {
              expr: 'min by (instance) (probe_ssl_earliest_cert_expiry{job="blackbox"} - time()) / 86400',
              legend: '{{instance}}',
            },
          ],
          {
            thresholds: [
              { value: 3, color: 'red' },
              { value: 14, color: 'orange' },
            ],
          },
        ),
      ],
    }),
    dashboard({
      uid: 'klaxon-narrative',
      title: 'AI narrative services',
      folder: 'ML',
      purpose:
        'Story generation and the AI agents: latency, failures and sessions, per story type and agent.',
      annotations: true,
      variables: {
        story_type: 'label_values(narrative_requests_total, story_type)',
        agent: 'label_values(ai_agent_response_duration_seconds_bucket, agent)',
      },
      items: [
        timeseries(
          'Generation p95 by story type',
          [
            {
              expr: p(
                0.95,
                'narrative_generation_duration_seconds',
                'story_type',
                'story_type=~"$story_type"',
              ),
              legend: '{{story_type}}',
            },
          ],
          {
            unit: 's',
            thresholds: [{ value: 5, color: 'orange' }],
          },
        ),
        timeseries(
          'Generation failures',
          [
            {
              expr: `sum by (story_type) (rate(narrative_requests_total{story_type=~"$story_type", outcome="error"}[${R}])) / sum by (story_type) (rate(narrative_requests_total{story_type=~"$story_type"}[${R}]))`,
              legend: '{{story_type}}',
            },
          ],
          { unit: 'percentunit', thresholds: [{ value: 0.05, color: 'orange' }] },
        ),
        timeseries(
          'Agent response p95',
          [
            {
              expr: p(0.95, 'ai_agent_response_duration_seconds', 'agent', 'agent=~"$agent"'),
              legend: '{{agent}}',
            },
          ],
          {
            unit: 's',
            thresholds: [{ value: 3, color: 'orange' }],
          },
        ),
        timeseries('Story sessions active', [{ expr: 'sum(story_sessions_active)', legend: 'sessions' }]),
        ...golden('service_name="narrative"', 'http_route'),
      ],
    }),
    dashboard({
      uid: 'klaxon-monitoring',
      title: 'Monitoring pipeline',
      folder: 'Operations',
      purpose: 'Is the alerting itself healthy? Targets, rule evaluation, Alertmanager and Klaxon delivery.',
      annotations: true,
      items: [
        stat('Watchdog firing', 'sum(ALERTS{alertname="Watchdog", alertstate="firing"}) or vector(0)', {
          width: 12,
          thresholds: [{ value: 1, color: 'green' }],
        }),
        timeseries('Targets up by job', [{ expr: 'sum by (job) (up)', legend: '{{job}}' }]),
        timeseries('Rule evaluation failures', [
          { expr: `sum(increase(prometheus_rule_evaluation_failures_total[${R}]))`, legend: 'failures' },
        ]),
        timeseries('Alertmanager notifications by integration', [
          {
            expr: `sum by (integration) (rate(alertmanager_notifications_total[${R}]))`,
            legend: 'sent {{integration}}',
          },
          {
            expr: `sum by (integration) (rate(alertmanager_notifications_failed_total[${R}]))`,
            legend: 'failed {{integration}}',
          },
        ]),
        timeseries('Alerts received by Klaxon', [
          { expr: `sum by (source) (rate(klaxon_alerts_received_total[${R}]))`, legend: '{{source}}' },
        ]),
        timeseries('Klaxon notifications by channel and outcome', [
          {
            expr: `sum by (channel, outcome) (increase(klaxon_notifications_total[${R}]))`,
            legend: '{{channel}} {{outcome}}',
          },
        ]),
      ],
    }),
    dashboard({
      uid: 'klaxon-product',
      title: 'Player engagement',
      folder: 'Product',
      purpose:
        'Business metrics for product: players online, story sessions and completions, and how often players get in.',
      annotations: true,
      timeFrom: 'now-24h',
      items: [
        stat('Players online', 'sum(game_server_players_online)'),
        stat('Story sessions active', 'sum(story_sessions_active)'),
        stat(
          'Connection success (1h)',
          'sum(increase(game_server_connection_attempts_total[1h]) - increase(game_server_connection_failures_total[1h])) / sum(increase(game_server_connection_attempts_total[1h]))',
          { unit: 'percentunit' },
        ),
        stat('Stories completed (1h)', 'sum(increase(story_completions_total[1h]))'),
        timeseries('Players online by region', [
          { expr: 'sum by (region) (game_server_players_online)', legend: '{{region}}' },
        ]),
        timeseries('Story completions per hour by type', [
          {
            expr: 'sum by (story_type) (rate(story_completions_total[1h])) * 3600',
            legend: '{{story_type}}',
          },
        ]),
        timeseries(
          'Story completion ratio (completions / generations)',
          [
            {
              expr: 'sum by (story_type) (rate(story_completions_total[1h])) / sum by (story_type) (rate(narrative_requests_total{outcome="success"}[1h]))',
              legend: '{{story_type}}',
            },
          ],
          { unit: 'percentunit' },
        ),
        timeseries('Story sessions active', [{ expr: 'sum(story_sessions_active)', legend: 'sessions' }]),
      ],
    }),
  ];
}
