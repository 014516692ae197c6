/** Kafka: consumer lag, replication, producer failures, broker disks, controller, consumers. */
import type { AlertDefinition } from '../model/alert.ts';
import { gauge, input, ratio } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';

export function kafkaAlerts(s: Selectors): AlertDefinition[] {
  const ke = selectorLabels(s.kafkaExporter);
  const jmx = selectorLabels(s.kafkaJmx);
  const base = { group: 'kafka', service: 'kafka', team: 'platform' };
  return [
    {
      ...base,
      name: 'KafkaConsumerLag',
      summary: 'Consumer group {{ $labels.consumergroup }} is lagging on topic {{ $labels.topic }}',
      description:
        'Consumer group {{ $labels.consumergroup }} is behind on {{ $labels.topic }}; game events and player actions are processed late.',
      expr: `max by (consumergroup, topic) (kafka_consumergroup_lag_sum{${s.kafkaExporter}})`,
      thresholds: [
        { tier: 'T1', op: '>', value: 10000, for: '5m' },
        { tier: 'T2', op: '>', value: 5000, for: '10m' },
      ],
      outputLabels: { consumergroup: 'match-events', topic: 'game-events' },
      input: (v) =>
        input(
          gauge(`kafka_consumergroup_lag_sum{${ke},consumergroup="match-events",topic="game-events"}`, v),
        ),
      metrics: ['kafka_consumergroup_lag_sum'],
      panel: 'consumer-lag',
      runbook: {
        meaning: 'The consumer group has more unprocessed messages on the topic than the threshold.',
        impact: 'Events reach the game backend and analytics late; at T1 players see stale state.',
        diagnosis: [
          'Check the consumer pods: are they running, restarting, or CPU-throttled?',
          'Compare produce rate with consume rate on the Kafka operations dashboard.',
          'Look for a rebalance storm in the consumer logs.',
        ],
        mitigation: [
          'Scale the consumer deployment up (partitions permitting).',
          'Roll back a recent consumer deploy if lag started with it.',
          'If one partition is hot, check the producer key distribution.',
        ],
      },
    },
    {
      ...base,
      name: 'KafkaUnderReplicatedPartitions',
      summary: 'Topic {{ $labels.topic }} has under-replicated partitions',
      description:
        'Partitions of {{ $labels.topic }} have fewer in-sync replicas than configured; one more broker failure may lose data.',
      expr: `sum by (topic) (kafka_topic_partition_under_replicated_partition{${s.kafkaExporter}})`,
      thresholds: [{ tier: 'T1', op: '>', value: 0, for: '0m' }],
      immediate: true,
      outputLabels: { topic: 'player-actions' },
      input: (v) =>
        input(
          gauge(
            `kafka_topic_partition_under_replicated_partition{${ke},topic="player-actions",partition="0"}`,
            v,
          ),
        ),
      metrics: ['kafka_topic_partition_under_replicated_partition'],
      runbook: {
        meaning: 'At least one partition has fewer in-sync replicas than its replication factor.',
        impact: 'Durability is reduced now; another broker loss can make partitions unavailable.',
        diagnosis: [
          'Find the broker that fell out of the ISR (Kafka operations dashboard, broker health).',
          'Check that broker\u2019s disk, network and GC pauses.',
        ],
        mitigation: [
          'Restore the broker; replicas catch up on their own.',
          'If a broker is gone for good, reassign its partitions.',
        ],
      },
    },
    {
      ...base,
      name: 'KafkaProducerRequestFailures',
      summary: 'Produce requests to topic {{ $labels.topic }} are failing',
      description:
        'A share of produce requests to {{ $labels.topic }} fails; producers retry or drop game events.',
      expr: `sum by (topic) (rate(kafka_server_brokertopicmetrics_failedproducerequests_total{${s.kafkaJmx}}[5m])) / sum by (topic) (rate(kafka_server_brokertopicmetrics_totalproducerequests_total{${s.kafkaJmx}}[5m]))`,
      thresholds: [
        { tier: 'T1', op: '>', value: 0.05, for: '5m' },
        { tier: 'T2', op: '>', value: 0.01, for: '10m' },
      ],
      outputLabels: { topic: 'telemetry' },
      input: (v) =>
        input(
          ratio(
            `kafka_server_brokertopicmetrics_failedproducerequests_total{${jmx},topic="telemetry"}`,
            `kafka_server_brokertopicmetrics_totalproducerequests_total{${jmx},topic="telemetry"}`,
            v,
          ),
        ),
      metrics: [
        'kafka_server_brokertopicmetrics_failedproducerequests_total',
        'kafka_server_brokertopicmetrics_totalproducerequests_total',
      ],
      runbook: {
        meaning: 'More than 1% (T2) or 5% (T1) of produce requests to the topic fail.',
        impact: 'Producers retry (latency) or give up (lost events).',
        diagnosis: [
          'Broker logs for NotEnoughReplicas or request timeouts.',
          'Under-replicated partitions and broker disk usage.',
        ],
        mitigation: [
          'Fix the ISR shortfall; check min.insync.replicas against live brokers.',
          'Relieve disk or network pressure on the leader.',
        ],
      },
    },
    {
      ...base,
      name: 'KafkaBrokerDiskUsage',
      summary: 'Kafka broker {{ $labels.instance }} disk {{ $labels.mountpoint }} is filling up',
      description:
        'The log directory on {{ $labels.instance }} is close to full; a full disk takes the broker offline.',
      expr: `max by (instance, mountpoint) (1 - node_filesystem_avail_bytes{${s.kafkaBrokerDisks}} / node_filesystem_size_bytes{${s.kafkaBrokerDisks}})`,
      thresholds: [
        { tier: 'T1', op: '>=', value: 0.9, for: '5m' },
        { tier: 'T2', op: '>=', value: 0.75, for: '15m' },
      ],
      outputLabels: { instance: 'kafka-0:9100', mountpoint: '/var/lib/kafka' },
      input: (v) => {
        const labels = `job="node-exporter",instance="kafka-0:9100",mountpoint="/var/lib/kafka",device="nvme1n1",fstype="xfs"`;
        const size = 1e12;
        return input(
          gauge(`node_filesystem_size_bytes{${labels}}`, size),
          gauge(`node_filesystem_avail_bytes{${labels}}`, Math.round(size * (1 - v))),
        );
      },
      metrics: ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes'],
      runbook: {
        meaning: 'The broker\u2019s log directory is 75% (T2) or 90% (T1) full.',
        impact: 'At 100% the broker stops; its partitions go offline or under-replicated.',
        diagnosis: ['Which topics grew? Compare retention.bytes / retention.ms with the throughput trend.'],
        mitigation: [
          'Lower retention on the biggest topics.',
          'Expand the volume or add brokers and rebalance.',
        ],
      },
    },
    {
      ...base,
      name: 'KafkaOfflinePartitions',
      summary: 'Kafka has offline partitions',
      description: 'Some partitions have no leader: producers and consumers of those partitions are stopped.',
      expr: `sum(kafka_controller_kafkacontroller_offlinepartitionscount{${s.kafkaJmx}})`,
      thresholds: [{ tier: 'T1', op: '>', value: 0, for: '0m' }],
      immediate: true,
      outputLabels: {},
      input: (v) =>
        input(gauge(`kafka_controller_kafkacontroller_offlinepartitionscount{${jmx},instance="kafka-0"}`, v)),
      metrics: ['kafka_controller_kafkacontroller_offlinepartitionscount'],
      runbook: {
        meaning: 'Partitions without a leader.',
        impact: 'Reads and writes to them fail now.',
        diagnosis: ['Which brokers are down? Check kafka_brokers and the controller log.'],
        mitigation: [
          'Bring the replicas\u2019 brokers back; as a last resort, unclean leader election (data loss).',
        ],
      },
    },
    {
      ...base,
      name: 'KafkaNoActiveController',
      summary: 'The Kafka cluster does not have exactly one active controller',
      description: 'Exactly one broker must be the active controller; without one, leadership changes stop.',
      expr: `sum(kafka_controller_kafkacontroller_activecontrollercount{${s.kafkaJmx}})`,
      thresholds: [{ tier: 'T1', op: '!=', value: 1, for: '2m' }],
      testValues: { firing: 0, quiet: 1 },
      outputLabels: {},
      input: (v) =>
        input(gauge(`kafka_controller_kafkacontroller_activecontrollercount{${jmx},instance="kafka-0"}`, v)),
      metrics: ['kafka_controller_kafkacontroller_activecontrollercount'],
      runbook: {
        meaning: 'The sum of active controllers across brokers is not 1.',
        impact: 'No partition leadership changes or topic changes can happen.',
        diagnosis: ['ZooKeeper/KRaft quorum health; controller logs.'],
        mitigation: ['Restore quorum; restart the broker that claims to be controller if two do.'],
      },
    },
    {
      ...base,
      name: 'KafkaConsumerGroupEmpty',
      summary: 'Consumer group {{ $labels.consumergroup }} has no members',
      description: 'Nothing is consuming for {{ $labels.consumergroup }}; lag will grow.',
      expr: `max by (consumergroup) (kafka_consumergroup_members{${s.kafkaExporter}})`,
      thresholds: [{ tier: 'T2', op: '<', value: 1, for: '5m' }],
      testValues: { firing: 0, quiet: 1 },
      outputLabels: { consumergroup: 'match-events' },
      input: (v) => input(gauge(`kafka_consumergroup_members{${ke},consumergroup="match-events"}`, v)),
      metrics: ['kafka_consumergroup_members'],
      runbook: {
        meaning: 'The consumer group exists but has no members.',
        impact: 'Its topics are not consumed; lag grows until it pages.',
        diagnosis: ['Is the consumer deployment scaled to zero or crash-looping?'],
        mitigation: ['Restore the consumer deployment.'],
      },
    },
    {
      ...base,
      name: 'KafkaBrokerCountLow',
      summary: 'Fewer than 3 Kafka brokers are up',
      description: 'Fewer brokers than the cluster was sized for are registered.',
      expr: `max(kafka_brokers{${s.kafkaExporter}})`,
      thresholds: [{ tier: 'T2', op: '<', value: 3, for: '5m' }],
      testValues: { firing: 2, quiet: 3 },
      outputLabels: {},
      input: (v) => input(gauge(`kafka_brokers{${ke}}`, v)),
      metrics: ['kafka_brokers'],
      runbook: {
        meaning: 'kafka_exporter sees fewer than 3 brokers.',
        impact: 'Less headroom: one more loss may take partitions offline.',
        diagnosis: ['Which broker is missing? Check its pod or instance.'],
        mitigation: ['Restart or replace the broker.'],
      },
    },
  ];
}
