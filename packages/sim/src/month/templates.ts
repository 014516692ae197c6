/**
 * What can happen in the simulated month, as templates, and the real incidents: T1 incidents and T2
 * degradations. Each template says which knob it turns, to what value (sized from the rule's real
 * threshold) and for how long (sized from the rule's real `for:`); `build` turns it into faults relative
 * to time 0. The events that must not page are in quiet.ts.
 */
import type { Fault } from '../platform/faults.ts';
import { knobDef } from '../model/knobs.ts';
import { formatLabels, type Labels } from '../model/labels.ts';
import type { Tier } from '../model/knob.ts';
import { limitOf, limitsOf, type Limit } from './limits.ts';
import type { Rng } from './rng.ts';

export type EventKind = 't1' | 't2' | 'near-miss' | 'deploy' | 'blip' | 'gap';

/** An alert the event should page with (`page: true`) or must not page with (`page: false`). */
export interface TruthAlert {
  alert: string;
  tier: Tier;
  page: boolean;
}

/** A template built at time 0: faults with offsets, how long it lasts, what it should do. */
export interface Built {
  faults: Fault[];
  durationMs: number;
  alerts: TruthAlert[];
  description: string;
}

export interface Template {
  id: string;
  kind: EventKind;
  build: (r: Rng, stepMs: number) => Built;
}

export const MIN = 60_000;

export const instances = (knob: string): Labels[] => [...knobDef(knob)!.instances];

/** The knob's steady value for an instance (ratios and gauges are flat; waves give their mean). */
export function baseOf(knob: string, labels: Labels): number {
  const def = knobDef(knob)!;
  return def.wave ? def.wave(labels, 0).c : def.base!(labels, 0, 0);
}

/**
 * What the rule sees of `v` held for `holdMs`: a range window averages the burst with the base around
 * it (a 1-minute 10% error burst is a 5-minute error ratio of about 2%); a gauge is seen as it is.
 */
export function seenValue(l: Limit, v: number, holdMs: number, base: number): number {
  if (l.windowMs === 0 || holdMs >= l.windowMs) return v;
  return (v * holdMs + base * (l.windowMs - holdMs)) / l.windowMs;
}

export const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Number(v.toPrecision(3)));
export const mins = (ms: number) => `${Math.round(ms / MIN)} min`;
export const fault = (knob: string, labels: Labels, set: number, durationMs: number): Fault => ({
  knob,
  labels,
  set,
  startMs: 0,
  endMs: durationMs,
});

interface IncidentSpec {
  id: string;
  kind: 't1' | 't2';
  knob: string;
  labels?: Labels[];
  alert: string;
  /** The value, given the limit it must cross (and, for a T2, the T1 limit it must stay under). */
  value: (r: Rng, l: Limit) => number;
  what: string;
}

/** A fault that holds past the rule's `for:` and its range window by 10–45 minutes. */
function incident(s: IncidentSpec): Template {
  return {
    id: s.id,
    kind: s.kind,
    build(r, stepMs) {
      const labels = r.pick(s.labels ?? instances(s.knob));
      const tier: Tier = s.kind === 't1' ? 'T1' : 'T2';
      const l = limitOf(s.knob, labels, s.alert, tier);
      const v = round(s.value(r, l));
      const hold = l.forMs + l.windowMs + stepMs + Math.round(r.between(10, 45)) * MIN;
      return {
        faults: [fault(s.knob, labels, v, hold)],
        durationMs: hold,
        alerts: [
          { alert: s.alert, tier, page: true },
          ...(tier === 'T2' && t1Of(s.knob, s.alert, labels)
            ? [{ alert: s.alert, tier: 'T1' as const, page: false }]
            : []),
        ],
        description: `${s.what} (${s.knob}${formatLabels(labels)} = ${v} for ${mins(hold)}; ${tier} ${l.op} ${round(l.value)} for ${mins(l.forMs)})`,
      };
    },
  };
}

const above = (k: number, spread: number) => (r: Rng, l: Limit) => l.value * r.between(k, k + spread);

export const T1_TEMPLATES: Template[] = [
  incident({
    id: 'http-5xx',
    kind: 't1',
    knob: 'http.error_ratio',
    alert: 'HTTP5xxRateHigh',
    value: above(2, 4),
    what: 'a bad release answers 500s',
  }),
  incident({
    id: 'consumer-lag',
    kind: 't1',
    knob: 'kafka.consumer_lag',
    alert: 'KafkaConsumerLag',
    value: above(1.4, 1.6),
    what: 'a consumer group stalls',
  }),
  incident({
    id: 'bedrock-latency',
    kind: 't1',
    knob: 'bedrock.latency_p95_ms',
    alert: 'BedrockLatencyHigh',
    value: above(1.2, 0.7),
    what: 'Bedrock slows to a crawl',
  }),
  incident({
    id: 'crashloop',
    kind: 't1',
    knob: 'k8s.crashloop',
    alert: 'KubePodCrashLooping',
    value: () => 1,
    what: 'a pod crash-loops after a config push',
  }),
  incident({
    id: 'synthetic',
    kind: 't1',
    knob: 'blackbox.success',
    alert: 'SyntheticCheckFailing',
    value: () => 0,
    what: 'the public endpoint stops answering',
  }),
  incident({
    id: 'connections',
    kind: 't1',
    knob: 'game.connection_failure_ratio',
    alert: 'GameServerConnectionFailures',
    value: above(1.5, 2),
    what: 'players cannot connect in one region',
  }),
  incident({
    id: 'node-down',
    kind: 't1',
    knob: 'k8s.node_ready',
    alert: 'KubeNodeNotReady',
    value: () => 0,
    what: 'a node goes NotReady',
  }),
  incident({
    id: 'under-replicated',
    kind: 't1',
    knob: 'kafka.under_replicated',
    alert: 'KafkaUnderReplicatedPartitions',
    value: (r) => r.int(1, 6),
    what: 'a broker falls behind',
  }),
  incident({
    id: 'model-down',
    kind: 't1',
    knob: 'bedrock.probe_success',
    alert: 'BedrockModelUnavailable',
    value: () => 0,
    what: 'a Bedrock model is unavailable',
  }),
  incident({
    id: 'redshift-down',
    kind: 't1',
    knob: 'redshift.health',
    alert: 'RedshiftClusterUnhealthy',
    value: () => 0,
    what: 'the Redshift cluster is unhealthy',
  }),
  incident({
    id: 'bedrock-errors',
    kind: 't1',
    knob: 'bedrock.error_ratio',
    alert: 'BedrockErrorRate',
    value: above(1.6, 2),
    what: 'Bedrock fails calls',
  }),
  incident({
    id: 'producer-failures',
    kind: 't1',
    knob: 'kafka.producer_error_ratio',
    alert: 'KafkaProducerRequestFailures',
    value: above(1.6, 2),
    what: 'producers fail to write',
  }),
];

/** The T1 limit of the same alert on the knob, if the alert has one. */
const t1Of = (knob: string, alert: string, labels: Labels) =>
  limitsOf(knob, labels).find((x) => x.alert === alert && x.tier === 'T1');

/** A T2 value: past the T2 limit, and at most 80% of the way to the T1 limit when the alert has one. */
const between = (knob: string, alert: string, k: number, spread: number) => (r: Rng, l: Limit) => {
  const t1 = t1Of(knob, alert, {});
  const v = l.value * r.between(k, k + spread);
  return t1 ? Math.min(v, l.value + 0.8 * (t1.value - l.value)) : v;
};

export const T2_TEMPLATES: Template[] = [
  incident({
    id: 'http-5xx-t2',
    kind: 't2',
    knob: 'http.error_ratio',
    alert: 'HTTP5xxRateHigh',
    value: between('http.error_ratio', 'HTTP5xxRateHigh', 1.6, 1.6),
    what: 'a slice of requests fails',
  }),
  incident({
    id: 'lag-t2',
    kind: 't2',
    knob: 'kafka.consumer_lag',
    alert: 'KafkaConsumerLag',
    value: between('kafka.consumer_lag', 'KafkaConsumerLag', 1.2, 0.6),
    what: 'a consumer group falls behind',
  }),
  incident({
    id: 'bedrock-latency-t2',
    kind: 't2',
    knob: 'bedrock.latency_p95_ms',
    alert: 'BedrockLatencyHigh',
    value: between('bedrock.latency_p95_ms', 'BedrockLatencyHigh', 1.2, 0.8),
    what: 'Bedrock is slow',
  }),
  incident({
    id: 'bedrock-errors-t2',
    kind: 't2',
    knob: 'bedrock.error_ratio',
    alert: 'BedrockErrorRate',
    value: between('bedrock.error_ratio', 'BedrockErrorRate', 1.6, 2),
    what: 'Bedrock errors climb',
  }),
  incident({
    id: 'api-latency',
    kind: 't2',
    knob: 'http.latency_p99_seconds',
    alert: 'APILatencySLABreach',
    value: above(1.5, 1),
    what: 'the API breaches its latency SLA',
  }),
  incident({
    id: 'narrative-slow',
    kind: 't2',
    knob: 'narrative.latency_p95_seconds',
    alert: 'NarrativeGenerationSlow',
    value: above(1.5, 0.5),
    what: 'story generation is slow',
  }),
  incident({
    id: 'narrative-failing',
    kind: 't2',
    knob: 'narrative.error_ratio',
    alert: 'NarrativeGenerationFailing',
    value: above(1.6, 1.4),
    what: 'story generation fails',
  }),
  incident({
    id: 'agent-slow',
    kind: 't2',
    knob: 'narrative.agent_latency_p95_seconds',
    alert: 'AIAgentSlow',
    value: above(1.4, 0.6),
    what: 'an AI agent is slow',
  }),
  incident({
    id: 'pvc-filling',
    kind: 't2',
    knob: 'k8s.pvc_used_ratio',
    alert: 'KubePersistentVolumeFilling',
    value: between('k8s.pvc_used_ratio', 'KubePersistentVolumeFilling', 1.05, 0.1),
    what: 'a volume fills up',
  }),
  incident({
    id: 'hpa-maxed',
    kind: 't2',
    knob: 'k8s.hpa_replicas',
    alert: 'KubeHpaMaxedOut',
    value: (_r, l) => l.value,
    what: 'an autoscaler is at its maximum',
  }),
  incident({
    id: 'group-empty',
    kind: 't2',
    knob: 'kafka.consumer_members',
    alert: 'KafkaConsumerGroupEmpty',
    value: () => 0,
    what: 'a consumer group has no members',
  }),
  incident({
    id: 'genai-errors',
    kind: 't2',
    knob: 'genai.error_ratio',
    alert: 'GenAIClientErrorRate',
    value: above(2, 2),
    what: 'GenAI client calls fail',
  }),
  incident({
    id: 'broker-disk-t2',
    kind: 't2',
    knob: 'kafka.broker_disk_used_ratio',
    alert: 'KafkaBrokerDiskUsage',
    value: between('kafka.broker_disk_used_ratio', 'KafkaBrokerDiskUsage', 1.03, 0.1),
    what: 'a broker disk fills',
  }),
  incident({
    id: 'throttling',
    kind: 't2',
    knob: 'bedrock.throttles',
    alert: 'BedrockThrottling',
    value: (r) => r.int(2, 8),
    what: 'Bedrock throttles calls',
  }),
  incident({
    id: 'producer-failures-t2',
    kind: 't2',
    knob: 'kafka.producer_error_ratio',
    alert: 'KafkaProducerRequestFailures',
    value: between('kafka.producer_error_ratio', 'KafkaProducerRequestFailures', 1.6, 2),
    what: 'some produce requests fail',
  }),
];
