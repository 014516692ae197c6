/** `klaxon probe bedrock`: the Bedrock model availability prober, serving probe_success on /metrics. */
import type { Command } from 'commander';
import { BEDROCK_PROBE_DEFAULTS, BedrockProber, createBedrockClient } from '@klaxon/exporters';
import { CliError } from '../output.ts';
import {
  addMetricsAccessOptions,
  exporterLogger,
  metricsAccess,
  regionFrom,
  serveUntilSignal,
  type ServeOptions,
} from './exporter-runtime.ts';
import { durationOption, formatDuration, parseCount, parseHttpUrl, parseList, parsePort } from './options.ts';

export const BEDROCK_PROBER_PORT = 9470;

interface ProbeBedrockOpts extends ServeOptions {
  models?: string[];
  interval: number;
  timeout: number;
  maxTokens: number;
  region?: string;
  endpoint?: string;
}

export function registerProbe(program: Command): void {
  const probe = program.command('probe').description('Synthetic probes that export blackbox-style metrics.');
  const bedrock = probe
    .command('bedrock')
    .description(
      'Send a minimal Converse request (maxTokens 1) to each model every interval and export probe_success and probe_duration_seconds{probe="bedrock",model}.',
    )
    .option('--models <ids>', 'comma-separated Bedrock model or inference-profile ids (required)', parseList)
    .addOption(
      durationOption(
        '--interval <duration>',
        'time between probes of a model',
        BEDROCK_PROBE_DEFAULTS.intervalMs,
      ),
    )
    .addOption(
      durationOption(
        '--timeout <duration>',
        'a probe with no answer after this long fails',
        BEDROCK_PROBE_DEFAULTS.timeoutMs,
      ),
    )
    .option(
      '--max-tokens <n>',
      'maxTokens of the probe request',
      parseCount,
      BEDROCK_PROBE_DEFAULTS.maxTokens,
    )
    .option('--region <region>', 'AWS region of the models (default: $AWS_REGION)')
    .option('--endpoint <url>', 'Bedrock Runtime endpoint override, e.g. a local fake', parseHttpUrl)
    .option('-p, --port <port>', 'port for /metrics', parsePort, BEDROCK_PROBER_PORT);
  addMetricsAccessOptions(bedrock)
    .addHelpText(
      'after',
      `
Scrapes: with --metrics-token-file (or $KLAXON_METRICS_TOKEN) /metrics needs Authorization: Bearer <token>;
--web.config.file takes Prometheus's web.yml (TLS, client certificates, basic_auth_users). Without any
credential the exporter listens on 127.0.0.1 only. /healthz is always open.

Durations: 500ms, 30s, 5m, 1h (a bare number is seconds). The interval defaults to 60s, the timeout to 10s.
Credentials come from the AWS SDK's default chain (environment, profile, web identity, instance role);
the role needs bedrock:InvokeModel on the probed models.

Example:
  klaxon probe bedrock --region us-east-1 --models anthropic.claude-3-haiku-20240307-v1:0,amazon.nova-micro-v1:0 \\
    --metrics-token-file /var/run/secrets/klaxon-metrics/token`,
    )
    .action(async (opts: ProbeBedrockOpts) => {
      if (!opts.models?.length) {
        throw new CliError(
          '--models is required: pass the model ids to probe, comma-separated, e.g. --models anthropic.claude-3-haiku-20240307-v1:0,amazon.nova-micro-v1:0',
          2,
        );
      }
      if (opts.timeout >= opts.interval) {
        throw new CliError(
          `--timeout ${formatDuration(opts.timeout)} must be shorter than --interval ${formatDuration(opts.interval)}, or probes would pile up; lower --timeout or raise --interval.`,
          2,
        );
      }
      const region = regionFrom(opts.region);
      const access = metricsAccess(opts);
      const logger = exporterLogger('klaxon-bedrock-prober');
      const client = createBedrockClient({ region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
      const prober = new BedrockProber({
        models: opts.models,
        client,
        intervalMs: opts.interval,
        timeoutMs: opts.timeout,
        maxTokens: opts.maxTokens,
        logger,
      });
      await serveUntilSignal('klaxon-bedrock-prober', prober.registry, opts, access, logger, () =>
        prober.stop(),
      );
      logger.info({ models: opts.models, region, intervalMs: opts.interval }, 'probing bedrock models');
      prober.start();
    });
}
