/**
 * The Kafka targets: kafka_exporter (topics, offsets, replication, consumer groups), the brokers' JMX
 * exporter and node_exporter on the brokers' data disks.
 */
import { unit } from '../model/random.ts';
import { family, series, type BuildContext, type Family } from '../model/series.ts';
import {
  BROKERS,
  brokerJmxInstance,
  brokerNodeInstance,
  CONSUMER_GROUPS,
  leaderOf,
  TOPICS,
} from '../model/topology.ts';
import { mul } from '../model/wave.ts';

/** Partition shares of a topic's traffic (uneven, summing to 1). */
function partitionShares(seed: number, topic: string, n: number): number[] {
  const raw = Array.from({ length: n }, (_, p) => 0.85 + 0.3 * unit(seed, `share:${topic}`, p));
  const total = raw.reduce((s, x) => s + x, 0);
  return raw.map((x) => x / total);
}

const urpCount = (ctx: BuildContext, topic: string) =>
  Math.max(0, Math.round(ctx.knob('kafka.under_replicated', { topic }).at()));

export function kafkaExporter(ctx: BuildContext): Family[] {
  const offsets = [];
  const urp = [];
  const isr = [];
  for (const t of TOPICS) {
    const rate = ctx.knob('kafka.messages_in_rate', { topic: t.topic });
    const shares = partitionShares(ctx.seed, t.topic, t.partitions);
    for (let p = 0; p < t.partitions; p++) {
      const labels = { topic: t.topic, partition: String(p) };
      const share = shares[p]!;
      const offset = ctx.counter({
        wave: rate.wave,
        k: share,
        deps: [rate],
        rate: (tm) => rate.at(tm) * share,
        start: Math.floor(2e6 + 4e7 * unit(ctx.seed, `offset:${t.topic}`, p)),
        integer: true,
      });
      offsets.push(series(labels, offset));
      urp.push(series(labels, () => (p < urpCount(ctx, t.topic) ? 1 : 0)));
      isr.push(series(labels, () => (p < urpCount(ctx, t.topic) ? 2 : 3)));
    }
  }
  const lag = [];
  const lagSum = [];
  for (const g of CONSUMER_GROUPS)
    for (const topic of g.topics) {
      const knob = ctx.knob('kafka.consumer_lag', { consumergroup: g.consumergroup, topic });
      const n = TOPICS.find((t) => t.topic === topic)!.partitions;
      const shares = partitionShares(ctx.seed, `${g.consumergroup}/${topic}`, n);
      const part = (p: number) => Math.max(0, Math.round(knob.at() * shares[p]!));
      for (let p = 0; p < n; p++)
        lag.push(series({ consumergroup: g.consumergroup, topic, partition: String(p) }, () => part(p)));
      lagSum.push(
        series({ consumergroup: g.consumergroup, topic }, () => shares.reduce((s, _, p) => s + part(p), 0)),
      );
    }
  return [
    family('kafka_brokers', 'gauge', 'Number of Brokers in the Kafka Cluster.', [
      series({}, () => Math.max(0, Math.round(ctx.knob('kafka.brokers', {}).at()))),
    ]),
    family(
      'kafka_topic_partitions',
      'gauge',
      'Number of partitions for this Topic',
      TOPICS.map((t) => series({ topic: t.topic }, () => t.partitions)),
    ),
    family(
      'kafka_topic_partition_current_offset',
      'gauge',
      'Current Offset of a Broker at Topic/Partition',
      offsets,
    ),
    family(
      'kafka_topic_partition_under_replicated_partition',
      'gauge',
      '1 if Topic/Partition is under Replicated',
      urp,
    ),
    family(
      'kafka_topic_partition_in_sync_replica',
      'gauge',
      'Number of In-Sync Replicas for this Topic/Partition',
      isr,
    ),
    family(
      'kafka_consumergroup_lag',
      'gauge',
      'Current Approximate Lag of a ConsumerGroup at Topic/Partition',
      lag,
    ),
    family(
      'kafka_consumergroup_lag_sum',
      'gauge',
      'Current Approximate Lag of a ConsumerGroup at Topic for all partitions',
      lagSum,
    ),
    family(
      'kafka_consumergroup_members',
      'gauge',
      'Amount of members in a consumer group',
      CONSUMER_GROUPS.map((g) =>
        series({ consumergroup: g.consumergroup }, () =>
          Math.max(
            0,
            Math.round(ctx.knob('kafka.consumer_members', { consumergroup: g.consumergroup }).at()),
          ),
        ),
      ),
    ),
  ];
}

/** Produce requests carry 10 messages each. */
const MESSAGES_PER_REQUEST = 10;

export function kafkaJmx(ctx: BuildContext): Family[] {
  const perBroker = (knob: string) =>
    BROKERS.map((b) => {
      const instance = brokerJmxInstance(b);
      return series({ instance }, () => Math.max(0, Math.round(ctx.knob(knob, { instance }).at())));
    });
  const urpOnBroker = (b: string) =>
    TOPICS.reduce((s, t, ti) => {
      const n = urpCount(ctx, t.topic);
      let c = 0;
      for (let p = 0; p < Math.min(n, t.partitions); p++) if (leaderOf(ti, p) === b) c++;
      return s + c;
    }, 0);
  const total = [];
  const failed = [];
  for (const b of BROKERS)
    for (const [ti, t] of TOPICS.entries()) {
      const labels = { instance: brokerJmxInstance(b), topic: t.topic };
      const shares = partitionShares(ctx.seed, t.topic, t.partitions);
      const share = shares.reduce((s, x, p) => s + (leaderOf(ti, p) === b ? x : 0), 0) / MESSAGES_PER_REQUEST;
      const rate = ctx.knob('kafka.messages_in_rate', { topic: t.topic });
      const errors = ctx.knob('kafka.producer_error_ratio', { topic: t.topic });
      total.push(
        series(
          labels,
          ctx.counter({ wave: rate.wave, k: share, deps: [rate], rate: (tm) => rate.at(tm) * share }),
        ),
      );
      failed.push(
        series(
          labels,
          ctx.counter({
            wave: mul(rate.wave, errors.wave),
            k: share,
            deps: [rate, errors],
            rate: (tm) => rate.at(tm) * Math.min(1, Math.max(0, errors.at(tm))) * share,
          }),
        ),
      );
    }
  return [
    family(
      'kafka_server_replicamanager_underreplicatedpartitions',
      'gauge',
      'Under-replicated partitions led by this broker.',
      BROKERS.map((b) => series({ instance: brokerJmxInstance(b) }, () => urpOnBroker(b))),
    ),
    family(
      'kafka_server_replicamanager_underminisrpartitioncount',
      'gauge',
      'Partitions under min.insync.replicas on this broker.',
      perBroker('kafka.under_min_isr'),
    ),
    family(
      'kafka_controller_kafkacontroller_offlinepartitionscount',
      'gauge',
      'Partitions without an active leader.',
      perBroker('kafka.offline_partitions'),
    ),
    family(
      'kafka_controller_kafkacontroller_activecontrollercount',
      'gauge',
      '1 on the broker that is the active controller.',
      perBroker('kafka.active_controller'),
    ),
    family(
      'kafka_server_brokertopicmetrics_failedproducerequests_total',
      'counter',
      'Failed produce requests.',
      failed,
    ),
    family(
      'kafka_server_brokertopicmetrics_totalproducerequests_total',
      'counter',
      'Produce requests.',
      total,
    ),
  ];
}

const DISK_BYTES = 500 * 1024 ** 3;

export function nodeExporter(ctx: BuildContext): Family[] {
  const disk = (b: string) => ({
    instance: brokerNodeInstance(b),
    device: '/dev/nvme1n1',
    fstype: 'ext4',
    mountpoint: '/var/lib/kafka/data',
  });
  return [
    family(
      'node_filesystem_avail_bytes',
      'gauge',
      'Filesystem space available to non-root users in bytes.',
      BROKERS.map((b) =>
        series(disk(b), () => {
          const used = ctx.knob('kafka.broker_disk_used_ratio', { instance: brokerNodeInstance(b) }).at();
          return Math.max(0, Math.round((DISK_BYTES * (1 - Math.min(1, used))) / 4096) * 4096);
        }),
      ),
    ),
    family(
      'node_filesystem_size_bytes',
      'gauge',
      'Filesystem size in bytes.',
      BROKERS.map((b) => series(disk(b), () => DISK_BYTES)),
    ),
  ];
}
