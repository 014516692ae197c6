/**
 * Kafka gets its own drill-down because lag, replication and throughput alerts all need broker and
 * consumer-group context that the overview cannot carry.
 */
import { dashboard, stat, timeseries, type DashboardSpec } from './build.ts';
import { ratio } from './shared.ts';

export function kafkaDashboard(): DashboardSpec {
  return dashboard({
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
  });
}
