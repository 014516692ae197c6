/** blackbox_exporter probing the public endpoints, and Klaxon's Bedrock model prober. */
import { jitter } from '../model/random.ts';
import { family, series, type BuildContext, type Family } from '../model/series.ts';
import { ENDPOINTS, MODELS } from '../model/topology.ts';
import { DAY_MS } from '../model/wave.ts';

export function blackbox(ctx: BuildContext): Family[] {
  const per = (f: (instance: string) => number) =>
    ENDPOINTS.map((instance) => series({ instance }, () => f(instance)));
  const ok = (instance: string) => ctx.knob('blackbox.success', { instance }).at() >= 0.5;
  return [
    family(
      'probe_success',
      'gauge',
      'Displays whether or not the probe was a success',
      per((i) => (ok(i) ? 1 : 0)),
    ),
    family(
      'probe_duration_seconds',
      'gauge',
      'Returns how long the probe took to complete in seconds',
      per((i) => Math.max(0.001, ctx.knob('blackbox.duration_seconds', { instance: i }).at())),
    ),
    family(
      'probe_http_status_code',
      'gauge',
      'Response HTTP status code',
      per((i) => (ok(i) ? 200 : 503)),
    ),
    family(
      'probe_ssl_earliest_cert_expiry',
      'gauge',
      'Returns last SSL chain expiry in unixtime',
      per((i) => {
        const days = ctx.knob('blackbox.cert_days_left', { instance: i }).at();
        return Math.round((ctx.now() + days * DAY_MS) / 1000);
      }),
    ),
  ];
}

export function bedrockProber(ctx: BuildContext): Family[] {
  const per = (f: (model: string) => number) =>
    MODELS.map((m) => series({ probe: 'bedrock', model: m.model }, () => f(m.model)));
  const ok = (model: string) => ctx.knob('bedrock.probe_success', { model }).at() >= 0.5;
  return [
    family(
      'probe_success',
      'gauge',
      'Whether the Bedrock Converse probe of the model succeeded.',
      per((m) => (ok(m) ? 1 : 0)),
    ),
    family(
      'probe_duration_seconds',
      'gauge',
      'How long the Bedrock probe took, seconds.',
      per((m) =>
        ok(m)
          ? (ctx.knob('bedrock.ttft_ms', { model: m }).at() / 1000) *
            1.4 *
            (1 + jitter(ctx.seed, `prober:${m}`, ctx.now(), 0.1))
          : 10,
      ),
    ),
  ];
}
