/**
 * The month's events that must not page: near-misses (a short crossing, or a close approach under the
 * lowest threshold), planned deploys with small effects, and blips on noisy series longer than the
 * model's own. Each is sized from the rules' real thresholds, `for:` and range windows (limits.ts).
 */
import { formatLabels, type Labels } from '../model/labels.ts';
import { crosses, limitsOf, visibleMs, type Limit } from './limits.ts';
import type { Rng } from './rng.ts';
import { baseOf, fault, instances, MIN, mins, round, seenValue, type Template } from './templates.ts';

/** A near-miss is seen by its rule for at most its `for:` minus this. */
export const NEAR_MISS_MARGIN_MS = 2 * MIN;

/**
 * A value held too briefly to page: every limit it is seen to cross (a range window averages a short
 * burst away), it is seen crossing for at most that limit's `for:` minus NEAR_MISS_MARGIN_MS. The hold is
 * drawn between one history step and the longest hold that allows.
 */
function shortCrossing(
  id: string,
  knob: string,
  value: (r: Rng) => number,
  what: string,
  maxHoldMs = 12 * 3_600_000,
): Template {
  return {
    id,
    kind: 'near-miss',
    build(r, stepMs) {
      const labels = r.pick(instances(knob));
      const v = round(value(r));
      const base = baseOf(knob, labels);
      const limits = limitsOf(knob, labels).filter((l) => !l.aggregate);
      const longest = longestHold(limits, v, base, stepMs, maxHoldMs);
      if (!(longest >= stepMs)) throw new Error(`near-miss ${id}: no hold fits under the for: of ${knob}`);
      const hold = Math.floor(r.between(stepMs, longest) / 1000) * 1000;
      const crossed = limits.filter((l) => crosses(l, seenValue(l, v, hold, base)));
      return {
        faults: [fault(knob, labels, v, hold)],
        durationMs: hold,
        alerts: crossed.map((l) => ({ alert: l.alert, tier: l.tier, page: false })),
        description: `${what}: ${knob}${formatLabels(labels)} = ${v} for ${(hold / MIN).toFixed(1)} min, under ${crossed.map((l) => `${l.tier} for: ${mins(l.forMs)}`).join(', ') || 'every threshold as seen'}`,
      };
    },
  };
}

/** The longest hold of `v` that every limit it is then seen to cross sees for under its for: − margin. */
export function longestHold(limits: Limit[], v: number, base: number, stepMs: number, capMs: number): number {
  let hold = capMs;
  // Shortening a hold only lowers what a window sees, so this settles within one pass per limit.
  for (let pass = 0; pass <= limits.length; pass++)
    for (const l of limits)
      if (crosses(l, seenValue(l, v, hold, base)))
        hold = Math.min(hold, l.forMs - NEAR_MISS_MARGIN_MS - visibleMs(l, 0, stepMs));
  return hold;
}

/** A value that comes close to the lowest limit (80–92% of it) and stays under it for 20–180 minutes. */
function closeCall(id: string, knob: string, what: string): Template {
  return {
    id,
    kind: 'near-miss',
    build(r) {
      const labels = r.pick(instances(knob));
      const l = limitsOf(knob, labels).sort((a, b) => a.value - b.value)[0]!;
      const v = round(l.value * r.between(0.8, 0.92));
      const hold = Math.round(r.between(20, 180)) * MIN;
      return {
        faults: [fault(knob, labels, v, hold)],
        durationMs: hold,
        alerts: [{ alert: l.alert, tier: l.tier, page: false }],
        description: `${what}: ${knob}${formatLabels(labels)} = ${v} for ${mins(hold)}, just under ${l.tier} ${l.op} ${round(l.value)}`,
      };
    },
  };
}

export const NEAR_MISS_TEMPLATES: Template[] = [
  shortCrossing(
    'lag-spike',
    'kafka.consumer_lag',
    (r) => r.between(11_000, 16_000),
    'a rebalance spikes consumer lag',
  ),
  shortCrossing(
    'latency-spike',
    'bedrock.latency_p95_ms',
    (r) => r.between(8_500, 12_000),
    'Bedrock stalls briefly',
  ),
  shortCrossing('redshift-blink', 'redshift.health', () => 0, 'Redshift reports unhealthy for a moment'),
  shortCrossing(
    '5xx-burst',
    'http.error_ratio',
    (r) => r.between(0.08, 0.15),
    'a burst of 500s during a pod restart',
    90_000,
  ),
  shortCrossing(
    'errors-burst',
    'bedrock.error_ratio',
    (r) => r.between(0.06, 0.1),
    'Bedrock errors for a few minutes',
  ),
  closeCall('pvc-close', 'k8s.pvc_used_ratio', 'a volume comes close to full'),
  closeCall('disk-close', 'kafka.broker_disk_used_ratio', 'a broker disk comes close to the warning'),
  closeCall('5xx-close', 'http.error_ratio', 'errors come close to the warning rate'),
  closeCall('latency-close', 'bedrock.latency_p95_ms', 'Bedrock latency comes close to the warning'),
  closeCall('bedrock-errors-close', 'bedrock.error_ratio', 'Bedrock errors come close to the warning'),
  closeCall('narrative-close', 'narrative.error_ratio', 'story errors come close to the warning'),
];

/** A rollout: brief, small effects that stay under every threshold. Expected to page nobody. */
function deploy(
  id: string,
  what: string,
  effects: { knob: string; labels: Labels; set: number; min: number }[],
): Template {
  return {
    id,
    kind: 'deploy',
    build: () => ({
      faults: effects.map((e) => fault(e.knob, e.labels, e.set, e.min * MIN)),
      durationMs: Math.max(...effects.map((e) => e.min)) * MIN,
      alerts: [],
      description: `planned deploy of ${what}: ${effects.map((e) => `${e.knob}${formatLabels(e.labels)} = ${e.set} for ${e.min} min`).join('; ')}`,
    }),
  };
}

export const DEPLOY_TEMPLATES: Template[] = [
  deploy('deploy-game-api', 'game-api', [
    { knob: 'http.error_ratio', labels: { service: 'game-api' }, set: 0.005, min: 3 },
    { knob: 'http.latency_p99_seconds', labels: { service: 'game-api' }, set: 0.32, min: 5 },
  ]),
  deploy('deploy-narrative-worker', 'narrative-worker', [
    { knob: 'kafka.consumer_members', labels: { consumergroup: 'narrative-workers' }, set: 1, min: 4 },
    {
      knob: 'kafka.consumer_lag',
      labels: { consumergroup: 'narrative-workers', topic: 'player-actions' },
      set: 2500,
      min: 6,
    },
  ]),
  deploy('deploy-game-backend', 'game-backend', [
    { knob: 'game.connection_failure_ratio', labels: { region: 'eu-west-1' }, set: 0.02, min: 4 },
  ]),
  deploy('deploy-narrative-api', 'narrative-api', [
    { knob: 'narrative.error_ratio', labels: {}, set: 0.02, min: 3 },
  ]),
];

/** The longest of the month's own blips. */
export const BLIP_MAX_MS = 5 * MIN;

/** A longer blip than the model's own 2–4 s ones: one step to 5 minutes past a T2/T3 threshold, under its for:. */
export const BLIP_TEMPLATES: Template[] = [
  shortCrossing('blip-lag', 'kafka.consumer_lag', (r) => r.between(5_500, 9_500), 'blip', BLIP_MAX_MS),
  shortCrossing(
    'blip-latency',
    'bedrock.latency_p95_ms',
    (r) => r.between(3_300, 6_000),
    'blip',
    BLIP_MAX_MS,
  ),
  shortCrossing('blip-throttles', 'bedrock.throttles', (r) => r.int(1, 8), 'blip', BLIP_MAX_MS),
  shortCrossing('blip-cpu', 'redshift.cpu_pct', (r) => r.between(91, 98), 'blip', BLIP_MAX_MS),
  shortCrossing('blip-ttft', 'bedrock.ttft_ms', (r) => r.between(2_100, 3_000), 'blip', BLIP_MAX_MS),
  shortCrossing('blip-wlm', 'redshift.wlm_queue_length', (r) => r.int(6, 9), 'blip', BLIP_MAX_MS),
].map((t) => ({ ...t, kind: 'blip' as const }));
