/** Kafka knobs: throughput, consumer lag and members, replication, controller, producer errors, disks. */
import { blendDiurnal, rateWave, sawtooth } from '../model/curves.ts';
import { knobKey, type KnobDef } from '../model/knob.ts';
import { jitter, unit } from '../model/random.ts';
import {
  BROKERS,
  brokerJmxInstance,
  brokerNodeInstance,
  CONSUMER_GROUPS,
  REGIONS,
  TOPICS,
} from '../model/topology.ts';
import { constant, evalWave } from '../model/wave.ts';

const global = blendDiurnal(REGIONS);
const jmx = BROKERS.map((b) => ({ instance: brokerJmxInstance(b) }));
const groupTopics = CONSUMER_GROUPS.flatMap((g) =>
  g.topics.map((topic) => ({ consumergroup: g.consumergroup, topic })),
);

export const kafkaKnobs: KnobDef[] = [
  {
    name: 'kafka.brokers',
    labels: [],
    unit: 'brokers',
    help: 'Brokers in the cluster, as kafka_exporter sees them (kafka_brokers).',
    baseDoc: '3',
    instances: [{}],
    base: () => BROKERS.length,
    alerts: [{ alertname: 'KafkaBrokerCountLow', tier: 'T2', op: '<', value: 3 }],
  },
  {
    name: 'kafka.messages_in_rate',
    labels: ['topic'],
    unit: 'messages/s',
    help: 'Messages produced to the topic; the rate of kafka_topic_partition_current_offset, and of produce requests (10 messages a request).',
    baseDoc:
      'player-actions 900, game-events 600, telemetry 1500, narrative-requests 40; diurnal (all regions), ±4% noise',
    instances: TOPICS.map((t) => ({ topic: t.topic })),
    wave: (l, seed) =>
      rateWave(
        seed,
        knobKey('kafka.messages_in_rate', l),
        TOPICS.find((t) => t.topic === l.topic)!.messagesPerSec,
        global,
      ),
    alerts: [{ alertname: 'KafkaThroughputAnomaly', tier: 'T2', op: '<', value: 0.5, relative: true }],
  },
  {
    name: 'kafka.consumer_lag',
    labels: ['consumergroup', 'topic'],
    unit: 'messages',
    help: 'Total lag of the group on the topic (kafka_consumergroup_lag_sum), spread over the partitions.',
    baseDoc:
      'narrative-workers 120, analytics-etl 400, game-state 60; diurnal, ±10% jitter; blips to 6000–9500 for 2–4 s',
    instances: groupTopics,
    base: (l, t, seed) => {
      const g = CONSUMER_GROUPS.find((c) => c.consumergroup === l.consumergroup)!;
      return g.lag * evalWave(global, t) * (1 + jitter(seed, knobKey('kafka.consumer_lag', l), t, 0.1));
    },
    blip: (_l, u) => 6000 + 3500 * u,
    alerts: [
      { alertname: 'KafkaConsumerLag', tier: 'T1', op: '>', value: 10000 },
      { alertname: 'KafkaConsumerLag', tier: 'T2', op: '>', value: 5000 },
    ],
  },
  {
    name: 'kafka.consumer_members',
    labels: ['consumergroup'],
    unit: 'members',
    help: 'Members of the consumer group (kafka_consumergroup_members).',
    baseDoc: 'narrative-workers 3, analytics-etl 2, game-state 2',
    instances: CONSUMER_GROUPS.map((g) => ({ consumergroup: g.consumergroup })),
    base: (l) => CONSUMER_GROUPS.find((g) => g.consumergroup === l.consumergroup)!.members,
    alerts: [{ alertname: 'KafkaConsumerGroupEmpty', tier: 'T2', op: '<', value: 1 }],
  },
  {
    name: 'kafka.under_replicated',
    labels: ['topic'],
    unit: 'partitions',
    help: 'Under-replicated partitions of the topic: the first N partitions lose a replica (ISR 2 of 3), and the JMX count of their leaders rises.',
    baseDoc: '0',
    instances: TOPICS.map((t) => ({ topic: t.topic })),
    base: () => 0,
    alerts: [{ alertname: 'KafkaUnderReplicatedPartitions', tier: 'T1', op: '>', value: 0 }],
  },
  {
    name: 'kafka.offline_partitions',
    labels: ['instance'],
    unit: 'partitions',
    help: 'Offline partitions reported by the broker (JMX kafka_controller_kafkacontroller_offlinepartitionscount).',
    baseDoc: '0',
    instances: jmx,
    base: () => 0,
    alerts: [{ alertname: 'KafkaOfflinePartitions', tier: 'T1', op: '>', value: 0, aggregate: 'sum' }],
  },
  {
    name: 'kafka.under_min_isr',
    labels: ['instance'],
    unit: 'partitions',
    help: 'Partitions under min.insync.replicas on the broker (JMX).',
    baseDoc: '0',
    instances: jmx,
    base: () => 0,
    alerts: [],
  },
  {
    name: 'kafka.active_controller',
    labels: ['instance'],
    unit: '0/1',
    help: 'Whether the broker is the active controller (JMX); exactly one broker has 1.',
    baseDoc: '1 on kafka-0, 0 on the others',
    instances: jmx,
    base: (l) => (l.instance === brokerJmxInstance(BROKERS[0]) ? 1 : 0),
    alerts: [{ alertname: 'KafkaNoActiveController', tier: 'T1', op: '!=', value: 1, aggregate: 'sum' }],
  },
  {
    name: 'kafka.producer_error_ratio',
    labels: ['topic'],
    unit: 'ratio',
    help: 'Failed / total produce requests on the topic (JMX brokertopicmetrics counters, every broker).',
    baseDoc: '0.0004',
    instances: TOPICS.map((t) => ({ topic: t.topic })),
    wave: () => constant(0.0004),
    alerts: [
      { alertname: 'KafkaProducerRequestFailures', tier: 'T1', op: '>', value: 0.05 },
      { alertname: 'KafkaProducerRequestFailures', tier: 'T2', op: '>', value: 0.01 },
    ],
  },
  {
    name: 'kafka.broker_disk_used_ratio',
    labels: ['instance'],
    unit: 'ratio',
    help: 'Used fraction of the broker data disk /var/lib/kafka/data (node_exporter filesystem bytes).',
    baseDoc: 'climbs slowly from 0.42 to 0.58 over 9 days, then retention frees it; ±0.002 jitter',
    instances: BROKERS.map((b) => ({ instance: brokerNodeInstance(b) })),
    base: (l, t, seed) => {
      const key = knobKey('kafka.broker_disk_used_ratio', l);
      return sawtooth(0.42, 0.58, 9 * 86_400_000, unit(seed, key), t) + jitter(seed, key, t, 0.002);
    },
    alerts: [
      { alertname: 'KafkaBrokerDiskUsage', tier: 'T1', op: '>=', value: 0.9 },
      { alertname: 'KafkaBrokerDiskUsage', tier: 'T2', op: '>=', value: 0.75 },
    ],
  },
];
