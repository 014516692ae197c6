/**
 * The application targets: the game backend (connections per region), game-api and narrative with
 * OpenTelemetry HTTP server histograms, and narrative's story, agent and GenAI client metrics (its
 * failure classes, fallbacks and story quality are in quality.ts).
 */
import { logNormal } from '../model/curves.ts';
import { genaiFailures, narrativeQuality } from './quality.ts';
import type { Labels } from '../model/labels.ts';
import {
  family,
  histogramSeries,
  series,
  type BuildContext,
  type Family,
  type KnobRef,
  type Series,
} from '../model/series.ts';
import {
  AGENTS,
  HTTP_SERVICES,
  MODELS,
  REGIONS,
  STARTS_PER_GENERATION,
  STORY_TYPES,
} from '../model/topology.ts';
import { add, evalWave, mul } from '../model/wave.ts';

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

export function gameBackend(ctx: BuildContext): Family[] {
  const attempts: Series[] = [];
  const failures: Series[] = [];
  for (const r of REGIONS) {
    const rate = ctx.knob('game.connection_rate', { region: r.region });
    const ratio = ctx.knob('game.connection_failure_ratio', { region: r.region });
    attempts.push(
      series(
        { region: r.region },
        ctx.counter({ wave: rate.wave, k: 1, deps: [rate], rate: (t) => rate.at(t) }),
      ),
    );
    failures.push(
      series(
        { region: r.region },
        ctx.counter({
          wave: mul(rate.wave, ratio.wave),
          k: 1,
          deps: [rate, ratio],
          rate: (t) => Math.max(0, rate.at(t)) * clamp01(ratio.at(t)),
        }),
      ),
    );
  }
  return [
    family(
      'game_server_connection_attempts_total',
      'counter',
      'Connection attempts to the game servers.',
      attempts,
    ),
    family('game_server_connection_failures_total', 'counter', 'Failed connection attempts.', failures),
    family(
      'game_server_players_online',
      'gauge',
      'Players connected now.',
      REGIONS.map((r) =>
        series({ region: r.region }, () => Math.max(0, ctx.knob('game.players', { region: r.region }).at())),
      ),
    ),
  ];
}

/** OpenTelemetry's default HTTP duration boundaries, trimmed to keep the series count down. */
const HTTP_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HTTP_SIGMA = 0.6;

function httpFamily(ctx: BuildContext, service: (typeof HTTP_SERVICES)[number]): Family {
  const svc = { service: service.service };
  const rate = ctx.knob('http.request_rate', svc);
  const err = ctx.knob('http.error_ratio', svc);
  const p99 = ctx.knob('http.latency_p99_seconds', svc);
  const failing = service.routes.reduce((s, r) => s + (r.fails ? r.share : 0), 0);
  const errShare = (ratio: number) => Math.min(1, clamp01(ratio) / failing);
  const baseErr = errShare(evalWave(err.wave, 0));
  const baseDist = logNormal(0.99, p99.wave.c, HTTP_SIGMA);
  const dist = (t: number) => logNormal(0.99, Math.max(0.001, p99.at(t)), HTTP_SIGMA);
  const out: Series[] = [];
  for (const r of service.routes) {
    const labels = (code: string): Labels => ({
      service_name: service.service,
      http_request_method: r.method,
      http_route: r.route,
      http_response_status_code: code,
    });
    const codes = r.fails
      ? [
          { code: r.ok, k: r.share * (1 - baseErr), f: (t: number) => r.share * (1 - errShare(err.at(t))) },
          { code: '500', k: r.share * baseErr, f: (t: number) => r.share * errShare(err.at(t)) },
        ]
      : [{ code: r.ok, k: r.share, f: () => r.share }];
    for (const c of codes)
      out.push(
        ...histogramSeries(ctx, {
          labels: labels(c.code),
          bounds: HTTP_BOUNDS,
          rate: { wave: rate.wave, k: c.k, at: (t) => Math.max(0, rate.at(t)) * c.f(t) },
          baseDist,
          dist,
          deps: [rate, err, p99],
        }),
      );
  }
  return family(
    'http_server_request_duration_seconds',
    'histogram',
    'Duration of HTTP server requests.',
    out,
  );
}

export const gameApi = (ctx: BuildContext): Family[] => [httpFamily(ctx, HTTP_SERVICES[0])];

const GENERATION_BOUNDS = [1, 2, 3, 5, 8, 20];
const AGENT_BOUNDS = [0.5, 1, 2, 3, 5, 10];
/** A subset of the GenAI semconv advisory boundaries (0.01 … 81.92 s). */
const GENAI_DURATION_BOUNDS = [0.16, 0.64, 1.28, 2.56, 5.12, 20.48, 81.92];
/** A subset of the GenAI semconv token boundaries (1, 4, 16 … 67108864). */
const GENAI_TOKEN_BOUNDS = [64, 256, 1024, 4096, 16384];
const SIGMA = 0.45;
const GENAI_ERROR = 'ServiceUnavailableException';

/** A histogram whose distribution is log-normal with a quantile set by a knob. */
function knobHistogram(
  ctx: BuildContext,
  o: {
    labels: Labels;
    bounds: number[];
    rate: { wave: ReturnType<typeof mul>; k: number; at: (t: number) => number };
    quantile: 0.5 | 0.95 | 0.99;
    param: KnobRef;
    paramScale?: number;
    deps: KnobRef[];
  },
): Series[] {
  const s = o.paramScale ?? 1;
  return histogramSeries(ctx, {
    labels: o.labels,
    bounds: o.bounds,
    rate: o.rate,
    baseDist: logNormal(o.quantile, o.param.wave.c * s, SIGMA),
    dist: (t) => logNormal(o.quantile, Math.max(1e-6, o.param.at(t) * s), SIGMA),
    deps: [...o.deps, o.param],
  });
}

export function narrative(ctx: BuildContext): Family[] {
  const generation: Series[] = [];
  const requests: Series[] = [];
  const starts: Series[] = [];
  const completions: Series[] = [];
  const storyRates: KnobRef[] = [];
  for (const st of STORY_TYPES) {
    const l = { story_type: st.story_type };
    const rate = ctx.knob('narrative.request_rate', l);
    const err = ctx.knob('narrative.error_ratio', l);
    storyRates.push(rate);
    generation.push(
      ...knobHistogram(ctx, {
        labels: l,
        bounds: GENERATION_BOUNDS,
        rate: { wave: rate.wave, k: 1, at: (t) => Math.max(0, rate.at(t)) },
        quantile: 0.95,
        param: ctx.knob('narrative.latency_p95_seconds', l),
        deps: [rate],
      }),
    );
    const outcome = (share: (e: number) => number, k = 1) =>
      ctx.counter({
        wave: rate.wave,
        k: k * share(err.wave.c),
        deps: [rate, err],
        rate: (t) => Math.max(0, rate.at(t)) * k * share(clamp01(err.at(t))),
      });
    requests.push(
      series(
        { ...l, outcome: 'success' },
        outcome((e) => 1 - e),
      ),
    );
    requests.push(
      series(
        { ...l, outcome: 'error' },
        outcome((e) => e),
      ),
    );
    // A story ends when its turns succeed and the player stays to the end.
    const done = ctx.knob('narrative.completion_ratio', l);
    starts.push(
      series(
        l,
        outcome(() => 1, STARTS_PER_GENERATION),
      ),
    );
    completions.push(
      series(
        l,
        ctx.counter({
          wave: mul(rate.wave, done.wave),
          k: STARTS_PER_GENERATION * (1 - err.wave.c),
          deps: [rate, err, done],
          rate: (t) =>
            Math.max(0, rate.at(t)) * STARTS_PER_GENERATION * (1 - clamp01(err.at(t))) * clamp01(done.at(t)),
        }),
      ),
    );
  }
  const allStories = add(...storyRates.map((r) => r.wave));
  const agents = AGENTS.flatMap((a) =>
    knobHistogram(ctx, {
      labels: { agent: a.agent },
      bounds: AGENT_BOUNDS,
      rate: {
        wave: allStories,
        k: a.callsPerStory,
        at: (t) => a.callsPerStory * storyRates.reduce((s, r) => s + Math.max(0, r.at(t)), 0),
      },
      quantile: 0.95,
      param: ctx.knob('narrative.agent_latency_p95_seconds', { agent: a.agent }),
      deps: storyRates,
    }),
  );
  const genaiDuration: Series[] = [];
  const genaiTokens: Series[] = [];
  for (const m of MODELS) {
    const l = { model: m.model };
    const inv = ctx.knob('bedrock.invocation_rate', l);
    const err = ctx.knob('genai.error_ratio', l);
    const base = {
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'aws.bedrock',
      gen_ai_request_model: m.model,
    };
    const ok = (t: number) => Math.max(0, inv.at(t)) * (1 - clamp01(err.at(t)));
    const bad = (t: number) => Math.max(0, inv.at(t)) * clamp01(err.at(t));
    for (const [labels, k, at] of [
      [base, 1 - err.wave.c, ok],
      [{ ...base, error_type: GENAI_ERROR }, err.wave.c, bad],
    ] as const)
      genaiDuration.push(
        ...knobHistogram(ctx, {
          labels,
          bounds: GENAI_DURATION_BOUNDS,
          rate: { wave: inv.wave, k, at },
          quantile: 0.95,
          param: ctx.knob('genai.latency_p95_seconds', l),
          deps: [inv, err],
        }),
      );
    for (const [type, perCall] of [
      ['input', m.inputTokens],
      ['output', m.outputTokens],
    ] as const)
      genaiTokens.push(
        ...knobHistogram(ctx, {
          labels: { ...base, gen_ai_token_type: type },
          bounds: GENAI_TOKEN_BOUNDS,
          rate: { wave: inv.wave, k: 1 - err.wave.c, at: ok },
          quantile: 0.5,
          param: ctx.knob('bedrock.token_multiplier', l),
          paramScale: perCall,
          deps: [inv, err],
        }),
      );
  }
  return [
    family(
      'narrative_generation_duration_seconds',
      'histogram',
      'Time to generate a story turn.',
      generation,
    ),
    family('narrative_requests_total', 'counter', 'Story generation requests by outcome.', requests),
    family('story_sessions_active', 'gauge', 'Story sessions in progress.', [
      series({}, () => Math.max(0, ctx.knob('narrative.sessions_active', {}).at())),
    ]),
    family('story_starts_total', 'counter', 'Stories started.', starts),
    family('story_completions_total', 'counter', 'Stories played to the end.', completions),
    family('ai_agent_response_duration_seconds', 'histogram', 'Time for an AI agent to answer.', agents),
    family(
      'gen_ai_client_operation_duration_seconds',
      'histogram',
      'GenAI operation duration.',
      genaiDuration,
    ),
    family(
      'gen_ai_client_token_usage',
      'histogram',
      'Measures number of input and output tokens used.',
      genaiTokens,
    ),
    ...genaiFailures(ctx),
    ...narrativeQuality(ctx),
    httpFamily(ctx, HTTP_SERVICES[1]),
  ];
}
