/**
 * The metric-name contract (shared/reference/metrics.md) as data: rules, dashboards, exporters and the
 * simulator all use these names. A test checks this list against the contract document.
 */
export const CONTRACT_METRICS: readonly string[] = [
  // kafka_exporter
  'kafka_brokers',
  'kafka_topic_partitions',
  'kafka_topic_partition_current_offset',
  'kafka_topic_partition_under_replicated_partition',
  'kafka_topic_partition_in_sync_replica',
  'kafka_consumergroup_lag',
  'kafka_consumergroup_lag_sum',
  'kafka_consumergroup_members',
  // JMX / Strimzi
  'kafka_server_replicamanager_underreplicatedpartitions',
  'kafka_server_replicamanager_underminisrpartitioncount',
  'kafka_controller_kafkacontroller_offlinepartitionscount',
  'kafka_controller_kafkacontroller_activecontrollercount',
  'kafka_server_brokertopicmetrics_failedproducerequests_total',
  'kafka_server_brokertopicmetrics_totalproducerequests_total',
  // node_exporter
  'node_filesystem_avail_bytes',
  'node_filesystem_size_bytes',
  // YACE: Bedrock, Redshift, Billing
  'aws_bedrock_invocations_sum',
  'aws_bedrock_invocation_latency_average',
  'aws_bedrock_invocation_latency_p95',
  'aws_bedrock_invocation_client_errors_sum',
  'aws_bedrock_invocation_server_errors_sum',
  'aws_bedrock_invocation_throttles_sum',
  'aws_bedrock_input_token_count_sum',
  'aws_bedrock_output_token_count_sum',
  'aws_bedrock_time_to_first_token_average',
  'aws_redshift_percentage_disk_space_used_average',
  'aws_redshift_health_status_average',
  'aws_redshift_query_duration_average',
  'aws_redshift_wlmqueue_length_average',
  'aws_redshift_wlmqueue_wait_time_average',
  'aws_redshift_cpuutilization_average',
  'aws_billing_estimated_charges_maximum',
  // kube-state-metrics, kubelet
  'kube_pod_container_status_waiting_reason',
  'kube_pod_container_status_restarts_total',
  'kube_node_status_condition',
  'kube_node_spec_unschedulable',
  'kubelet_volume_stats_used_bytes',
  'kubelet_volume_stats_capacity_bytes',
  'kubelet_volume_stats_available_bytes',
  'kube_horizontalpodautoscaler_status_current_replicas',
  'kube_horizontalpodautoscaler_spec_max_replicas',
  'kube_horizontalpodautoscaler_spec_min_replicas',
  // synthetic checks
  'probe_success',
  'probe_duration_seconds',
  'probe_http_status_code',
  'probe_ssl_earliest_cert_expiry',
  // OpenTelemetry semconv
  'http_server_request_duration_seconds_bucket',
  'http_server_request_duration_seconds_count',
  'http_server_request_duration_seconds_sum',
  'gen_ai_client_operation_duration_seconds_bucket',
  'gen_ai_client_operation_duration_seconds_count',
  'gen_ai_client_operation_duration_seconds_sum',
  'gen_ai_client_token_usage_bucket',
  'gen_ai_client_token_usage_count',
  'gen_ai_client_token_usage_sum',
  // GenAI failures and fallbacks (recorded by our SDK)
  'gen_ai_client_failures_total',
  'gen_ai_client_fallbacks_total',
  // game backend, narrative platform
  'game_server_connection_attempts_total',
  'game_server_connection_failures_total',
  'game_server_players_online',
  'narrative_generation_duration_seconds_bucket',
  'narrative_requests_total',
  'story_sessions_active',
  'story_starts_total',
  'story_completions_total',
  'ai_agent_response_duration_seconds_bucket',
  'narrative_refusals_total',
  'narrative_moderation_blocks_total',
  'narrative_eval_score_bucket',
  'narrative_eval_score_count',
  'narrative_eval_score_sum',
  // Klaxon's exporters
  'aws_cost_daily_usd',
  'aws_budget_utilization_ratio',
  'aws_budget_forecast_ratio',
  'aws_cost_anomaly_impact_usd',
  'redshift_running_query_seconds',
  // engine self-metrics (prefix klaxon_)
  'klaxon_alerts_received_total',
  'klaxon_notifications_total',
  'klaxon_incident_ack_seconds_bucket',
];

/**
 * Standard series every Prometheus setup has, which the meta alerts read: declared here rather than in
 * the platform contract.
 */
export const DECLARED_METRICS: readonly string[] = [
  'up',
  'kube_pod_info',
  'prometheus_rule_evaluation_failures_total',
  'alertmanager_notifications_total',
  'alertmanager_notifications_failed_total',
  'klaxon_ingest_rejected_total',
  // The engine's own: 0 while it runs an older config because the last reload found the file invalid.
  'klaxon_config_last_reload_successful',
  // The Redshift query exporter's info series: the start of each long query's text, for the alert body.
  'redshift_running_query_info',
];

/**
 * The contract's "Label bounds": labels whose values grow with users or requests. Rules and dashboards
 * never group by them nor keep them; such a value goes in an exemplar, a log line or an info series.
 * A test reads this list from the markdown section.
 */
export const UNBOUNDED_LABELS: readonly string[] = [
  'user_id',
  'player_id',
  'session_id',
  'request_id',
  'trace_id',
  'prompt',
  'query_text',
];

/** Labels bounded only by what is open now (a running query, an open anomaly): allowed. */
export const OPEN_NOW_LABELS: readonly string[] = ['query_id', 'anomaly_id'];

/**
 * The metrics whose series carry an unbounded label, with those labels: the info series that exist to
 * hold such a value for annotation templates. A rule or dashboard that keeps them un-aggregated fails.
 */
export const UNBOUNDED_LABELS_OF: ReadonlyMap<string, readonly string[]> = new Map([
  ['redshift_running_query_info', ['query_text']],
]);
