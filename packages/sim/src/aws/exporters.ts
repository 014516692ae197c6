/**
 * AWS through CloudWatch as YACE exposes it (Bedrock, Redshift, Billing: period statistics as gauges,
 * `dimension_*` labels plus name, region and account_id), and Klaxon's Redshift running-query exporter.
 */
import { jitter, unit } from '../model/random.ts';
import { family, series, type BuildContext, type Family, type Series } from '../model/series.ts';
import { AWS, COST_SERVICES, MODELS, REDSHIFT } from '../model/topology.ts';

const yace = (name: string, dims: Record<string, string>) => ({
  name,
  region: AWS.region,
  account_id: AWS.accountId,
  ...dims,
});

export function yaceExporter(ctx: BuildContext): Family[] {
  const s = ctx.seed;
  const bedrock = (fn: (model: string, t: number) => number): Series[] =>
    MODELS.map((m) => series(yace('global', { dimension_ModelId: m.model }), () => fn(m.model, ctx.now())));
  const k = (knob: string, model: string) => ctx.knob(knob, { model }).at();
  const perMinute = (model: string, t: number) =>
    k('bedrock.invocation_rate', model) * 60 * (1 + jitter(s, `yace:inv:${model}`, t, 0.02));
  const errors = (model: string, t: number, share: number) =>
    Math.round(perMinute(model, t) * Math.min(1, Math.max(0, k('bedrock.error_ratio', model))) * share);
  const tokens = (model: string, t: number, kind: 'input' | 'output') => {
    const m = MODELS.find((x) => x.model === model)!;
    const perCall = kind === 'input' ? m.inputTokens : m.outputTokens;
    return Math.round(perMinute(model, t) * perCall * k('bedrock.token_multiplier', model));
  };
  const cluster = { dimension_ClusterIdentifier: REDSHIFT.cluster };
  const clusterArn = `arn:aws:redshift:${AWS.region}:${AWS.accountId}:cluster:${REDSHIFT.cluster}`;
  const rs = (knob: string, f = (v: number) => v) => [
    series(yace(clusterArn, cluster), () => f(ctx.knob(knob, { cluster: REDSHIFT.cluster }).at())),
  ];
  const queue = (f: (len: number, q: string) => number) =>
    REDSHIFT.queues.map((q) =>
      series(yace(clusterArn, { ...cluster, dimension_QueueName: q }), () =>
        f(
          Math.max(0, ctx.knob('redshift.wlm_queue_length', { cluster: REDSHIFT.cluster, queue: q }).at()),
          q,
        ),
      ),
    );
  const g = (name: string, help: string, ss: Series[]) => family(name, 'gauge', help, ss);
  return [
    g(
      'aws_bedrock_invocations_sum',
      'Help is not implemented yet.',
      bedrock((m, t) => Math.round(perMinute(m, t))),
    ),
    g(
      'aws_bedrock_invocation_latency_average',
      'Help is not implemented yet.',
      bedrock((m) => Math.round(k('bedrock.latency_p95_ms', m) * 0.45)),
    ),
    g(
      'aws_bedrock_invocation_latency_p95',
      'Help is not implemented yet.',
      bedrock((m) => Math.round(k('bedrock.latency_p95_ms', m))),
    ),
    g(
      'aws_bedrock_invocation_client_errors_sum',
      'Help is not implemented yet.',
      bedrock((m, t) => errors(m, t, 0.3)),
    ),
    g(
      'aws_bedrock_invocation_server_errors_sum',
      'Help is not implemented yet.',
      bedrock((m, t) => errors(m, t, 0.7)),
    ),
    g(
      'aws_bedrock_invocation_throttles_sum',
      'Help is not implemented yet.',
      bedrock((m) => Math.max(0, Math.round(k('bedrock.throttles', m)))),
    ),
    g(
      'aws_bedrock_input_token_count_sum',
      'Help is not implemented yet.',
      bedrock((m, t) => tokens(m, t, 'input')),
    ),
    g(
      'aws_bedrock_output_token_count_sum',
      'Help is not implemented yet.',
      bedrock((m, t) => tokens(m, t, 'output')),
    ),
    g(
      'aws_bedrock_time_to_first_token_average',
      'Help is not implemented yet.',
      bedrock((m) => Math.round(k('bedrock.ttft_ms', m))),
    ),
    g(
      'aws_redshift_percentage_disk_space_used_average',
      'Help is not implemented yet.',
      rs('redshift.disk_used_pct'),
    ),
    g('aws_redshift_health_status_average', 'Help is not implemented yet.', rs('redshift.health')),
    g(
      'aws_redshift_query_duration_average',
      'Help is not implemented yet.',
      rs('redshift.query_duration_ms', (v) => Math.round(v * 1000)),
    ),
    g('aws_redshift_cpuutilization_average', 'Help is not implemented yet.', rs('redshift.cpu_pct')),
    g(
      'aws_redshift_wlmqueue_length_average',
      'Help is not implemented yet.',
      queue((len) => len),
    ),
    g(
      'aws_redshift_wlmqueue_wait_time_average',
      'Help is not implemented yet.',
      queue((len, q) => Math.round(len * 800_000 * (1 + jitter(s, `yace:wait:${q}`, ctx.now(), 0.2)))),
    ),
    g(
      'aws_billing_estimated_charges_maximum',
      'Help is not implemented yet.',
      COST_SERVICES.map((c) =>
        series(yace('global', { dimension_ServiceName: c.service, dimension_Currency: 'USD' }), () =>
          ctx.knob('billing.estimated_charges_usd', { service: c.service }).at(),
        ),
      ),
    ),
  ];
}

export function redshiftExporter(ctx: BuildContext): Family[] {
  const knob = ctx.knob('redshift.running_query_seconds', { cluster: REDSHIFT.cluster });
  return [
    {
      name: 'redshift_running_query_seconds',
      type: 'gauge',
      help: 'How long each running query has been running (STV_RECENTS).',
      series: [],
      dynamic: () => {
        const age = Math.floor(knob.at());
        if (age <= 0) return [];
        const started = Math.floor((ctx.now() - age * 1000) / 900_000);
        const queryId = String(
          1_000_000 + ((Math.floor(unit(ctx.seed, 'query-base') * 1e6) + started) % 9_000_000),
        );
        return [
          {
            labels: {
              cluster: REDSHIFT.cluster,
              query_id: queryId,
              user_name: 'etl_loader',
              database: 'analytics',
            },
            value: age,
          },
        ];
      },
    },
  ];
}
