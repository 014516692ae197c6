/** AWS knobs: Bedrock per model (CloudWatch and the app-side GenAI view) and the Redshift cluster. */
import { blendDiurnal, rateWave, sawtooth } from '../model/curves.ts';
import { knobKey, type KnobDef } from '../model/knob.ts';
import type { Labels } from '../model/labels.ts';
import { jitter, unit } from '../model/random.ts';
import { MODELS, REDSHIFT, REGIONS } from '../model/topology.ts';
import { constant, DAY_MS, evalWave } from '../model/wave.ts';

const global = blendDiurnal(REGIONS);
const models = MODELS.map((m) => ({ model: m.model }));
const modelOf = (l: Labels) => MODELS.find((m) => m.model === l.model)!;
const cluster = [{ cluster: REDSHIFT.cluster }];
/** Analysts and dashboards work in US business hours (peak 16:00 UTC). */
const office = blendDiurnal([{ utcOffset: 4, weight: 1 }]);

export const bedrockKnobs: KnobDef[] = [
  {
    name: 'bedrock.invocation_rate',
    labels: ['model'],
    unit: 'invocations/s',
    help: 'Model invocations: CloudWatch Invocations (per minute) and the services’ GenAI client operations.',
    baseDoc: 'haiku 7/s, sonnet 2.5/s; diurnal (all regions), ±4% noise',
    instances: models,
    wave: (l, seed) =>
      rateWave(seed, knobKey('bedrock.invocation_rate', l), modelOf(l).invocationsPerSec, global),
    alerts: [],
  },
  {
    name: 'bedrock.error_ratio',
    labels: ['model'],
    unit: 'ratio',
    help: 'CloudWatch (server + client errors) / invocations for the model (70% server, 30% client).',
    baseDoc: '0.002 ±30%',
    instances: models,
    base: (l, t, seed) => 0.002 * (1 + jitter(seed, knobKey('bedrock.error_ratio', l), t, 0.3)),
    alerts: [
      { alertname: 'BedrockErrorRate', tier: 'T1', op: '>', value: 0.05 },
      { alertname: 'BedrockErrorRate', tier: 'T2', op: '>', value: 0.01 },
    ],
  },
  {
    name: 'bedrock.throttles',
    labels: ['model'],
    unit: 'throttles/min',
    help: 'CloudWatch InvocationThrottles per period.',
    baseDoc: '0; blips of 1–6 for 2–4 s',
    instances: models,
    base: () => 0,
    blip: (_l, u) => 1 + Math.floor(u * 6),
    alerts: [{ alertname: 'BedrockThrottling', tier: 'T2', op: '>', value: 0 }],
  },
  {
    name: 'bedrock.latency_p95_ms',
    labels: ['model'],
    unit: 'ms',
    help: 'CloudWatch InvocationLatency p95 (the average is 45% of it).',
    baseDoc: 'haiku 1100, sonnet 1700, ±5%; blips to 3200–4500 for 2–4 s',
    instances: models,
    base: (l, t, seed) =>
      modelOf(l).p95Ms * (1 + jitter(seed, knobKey('bedrock.latency_p95_ms', l), t, 0.05)),
    blip: (_l, u) => 3200 + 1300 * u,
    alerts: [
      { alertname: 'BedrockLatencyHigh', tier: 'T1', op: '>', value: 8000 },
      { alertname: 'BedrockLatencyHigh', tier: 'T2', op: '>', value: 3000 },
    ],
  },
  {
    name: 'bedrock.ttft_ms',
    labels: ['model'],
    unit: 'ms',
    help: 'CloudWatch TimeToFirstToken average.',
    baseDoc: 'haiku 450, sonnet 750, ±8%; blips to 2200–3000 for 2–4 s',
    instances: models,
    base: (l, t, seed) => modelOf(l).ttftMs * (1 + jitter(seed, knobKey('bedrock.ttft_ms', l), t, 0.08)),
    blip: (_l, u) => 2200 + 800 * u,
    alerts: [{ alertname: 'BedrockTimeToFirstTokenHigh', tier: 'T3', op: '>', value: 2000 }],
  },
  {
    name: 'bedrock.token_multiplier',
    labels: ['model'],
    unit: '× tokens per call',
    help: 'Scales tokens per invocation (CloudWatch token counts and the GenAI token-usage histograms). Traffic is within ±10% of its weekly mean, so 2 means about twice the 7-day average.',
    baseDoc: '1',
    instances: models,
    wave: () => constant(1),
    alerts: [
      { alertname: 'BedrockTokenSpendSpike', tier: 'T2', op: '>', value: 1.5 },
      { alertname: 'BedrockTokenSpendSpike', tier: 'T3', op: '>', value: 1.3 },
    ],
  },
  {
    name: 'bedrock.probe_success',
    labels: ['model'],
    unit: '0/1',
    help: 'Klaxon’s Bedrock prober result for the model (probe_success{probe="bedrock"}).',
    baseDoc: '1',
    instances: models,
    base: () => 1,
    alerts: [{ alertname: 'BedrockModelUnavailable', tier: 'T1', op: '<', value: 1 }],
  },
  {
    name: 'genai.error_ratio',
    labels: ['model'],
    unit: 'ratio',
    help: 'Share of the services’ GenAI client operations that end in an error (error_type set). Separate from bedrock.error_ratio so each scenario decides what the apps see.',
    baseDoc: '0.003',
    instances: models,
    wave: () => constant(0.003),
    alerts: [{ alertname: 'GenAIClientErrorRate', tier: 'T2', op: '>', value: 0.02 }],
  },
  {
    name: 'genai.latency_p95_seconds',
    labels: ['model'],
    unit: 's',
    help: 'p95 of the services’ GenAI client operation duration (log-normal, σ 0.45).',
    baseDoc: 'haiku 1.2, sonnet 1.8',
    instances: models,
    wave: (l) => constant((modelOf(l).p95Ms / 1000) * 1.07),
    alerts: [{ alertname: 'GenAIClientLatencyHigh', tier: 'T2', op: '>', value: 3 }],
  },
];

export const redshiftKnobs: KnobDef[] = [
  {
    name: 'redshift.disk_used_pct',
    labels: ['cluster'],
    unit: '%',
    help: 'CloudWatch PercentageDiskSpaceUsed.',
    baseDoc: 'climbs from 62 to 73 over 6 days, then vacuum frees it; ±0.2',
    instances: cluster,
    base: (l, t, seed) => {
      const key = knobKey('redshift.disk_used_pct', l);
      return sawtooth(62, 73, 6 * DAY_MS, unit(seed, key), t) + jitter(seed, key, t, 0.2);
    },
    alerts: [{ alertname: 'RedshiftDiskSpaceCritical', tier: 'T1', op: '>=', value: 90 }],
  },
  {
    name: 'redshift.health',
    labels: ['cluster'],
    unit: '0/1',
    help: 'CloudWatch HealthStatus.',
    baseDoc: '1',
    instances: cluster,
    base: () => 1,
    alerts: [{ alertname: 'RedshiftClusterUnhealthy', tier: 'T1', op: '<', value: 1 }],
  },
  {
    name: 'redshift.cpu_pct',
    labels: ['cluster'],
    unit: '%',
    help: 'CloudWatch CPUUtilization.',
    baseDoc: '40 following US office hours (±20%), ±3 jitter; blips to 91–97 for 2–4 s',
    instances: cluster,
    base: (l, t, seed) => 40 * evalWave(office, t) + jitter(seed, knobKey('redshift.cpu_pct', l), t, 3),
    blip: (_l, u) => 91 + 6 * u,
    alerts: [{ alertname: 'RedshiftHighCPU', tier: 'T3', op: '>', value: 90 }],
  },
  {
    name: 'redshift.wlm_queue_length',
    labels: ['cluster', 'queue'],
    unit: 'queries',
    help: 'CloudWatch WLMQueueLength per queue; the queue wait time follows it.',
    baseDoc: '0–2 following office hours; blips to 6–9 for 2–4 s',
    instances: REDSHIFT.queues.map((queue) => ({ cluster: REDSHIFT.cluster, queue })),
    base: (l, t, seed) =>
      Math.max(
        0,
        Math.round(1.2 * evalWave(office, t) + jitter(seed, knobKey('redshift.wlm_queue_length', l), t, 0.9)),
      ),
    blip: (_l, u) => 6 + Math.floor(4 * u),
    alerts: [{ alertname: 'RedshiftWLMQueueContention', tier: 'T3', op: '>', value: 5 }],
  },
  {
    name: 'redshift.query_duration_ms',
    labels: ['cluster'],
    unit: 'ms',
    help: 'CloudWatch QueryDuration average (exported in microseconds, as CloudWatch does).',
    baseDoc: '2400 following office hours, ±10%',
    instances: cluster,
    base: (l, t, seed) =>
      2400 * evalWave(office, t) * (1 + jitter(seed, knobKey('redshift.query_duration_ms', l), t, 0.1)),
    alerts: [],
  },
  {
    name: 'redshift.running_query_seconds',
    labels: ['cluster'],
    unit: 's',
    help: 'Age of the running ETL query (redshift_running_query_seconds); 0 means none is running and the series is absent.',
    baseDoc: 'one query per 15 minutes running 30–150 s',
    instances: cluster,
    base: (l, t, seed) => {
      const w = Math.floor(t / 900_000);
      const runs = 30_000 + unit(seed, knobKey('redshift.running_query_seconds', l), w) * 120_000;
      const age = t - w * 900_000;
      return age < runs ? Math.floor(age / 1000) : 0;
    },
    alerts: [{ alertname: 'RedshiftLongRunningQuery', tier: 'T2', op: '>', value: 300 }],
  },
];
