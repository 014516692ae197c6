/**
 * @klaxon/sdk: instrumentation for TypeScript services. OpenTelemetry GenAI metrics through prom-client or an
 * OpenTelemetry meter, a Bedrock Runtime middleware, per-model cost, HTTP golden signals for Fastify and
 * `node:http`, the metrics contract's narrative and game metrics, and cardinality guards on every label.
 */
export { createMetrics, LABEL_OVERFLOW, type Metrics, type MetricsOptions } from './metrics/metrics.ts';
export { prometheusOutput, type PrometheusOutputOptions } from './metrics/prometheus.ts';
export { otelOutput } from './metrics/otel.ts';
export {
  DEFAULT_MAX_LENGTH,
  DEFAULT_MAX_VALUES,
  OVERFLOW_VALUE,
  type LabelLimits,
  type LabelRule,
} from './metrics/guard.ts';
export type {
  CounterMetric,
  Exemplar,
  GaugeMetric,
  HistogramMetric,
  LabelSet,
  MetricDefinition,
  MetricKind,
  MetricsOutput,
  Recorder,
  UpDownMetric,
} from './metrics/types.ts';

export { genAiMetrics, type GenAiMetrics, type GenAiOperation } from './genai/genai.ts';
export {
  DEFAULT_FALLBACK_CLASSES,
  FAILURES,
  FAILURE_CLASSES,
  FAILURE_CLASS_ATTRIBUTE,
  FALLBACKS,
  classifyFailure,
  isContentFiltered,
  type FailureClass,
} from './genai/failures.ts';
export {
  FALLBACK_EVENT,
  genAiFailureMetrics,
  withFallback,
  type Fallback,
  type FallbackOptions,
  type GenAiFailureMetrics,
} from './genai/fallback.ts';
export {
  CAPTURE_CONTENT_ENV,
  SDK_VERSION,
  TRACER_NAME,
  captureContentEnabled,
  exemplarOf,
  sdkTracer,
} from './tracing/tracing.ts';
export {
  OPERATION_DURATION,
  OPERATION_DURATION_BUCKETS,
  PROVIDER_AWS_BEDROCK,
  TIME_TO_FIRST_TOKEN_BUCKETS,
  TOKEN_USAGE,
  TOKEN_USAGE_BUCKETS,
  errorType,
  type GenAiOperationName,
  type GenAiTokenType,
} from './genai/semconv.ts';

export {
  instrumentBedrock,
  type BedrockClientLike,
  type BedrockInstrumentationOptions,
} from './bedrock/middleware.ts';
export { COST, THROTTLES, TIME_TO_FIRST_TOKEN } from './bedrock/metrics.ts';
export { baseModelId, modelFamily } from './bedrock/model-id.ts';
export {
  converseUsage,
  invokeBodyUsage,
  invokeUsage,
  InvokeStreamUsage,
  type TokenUsage,
} from './bedrock/usage.ts';

export { costCalculator, type CallCost, type CostCalculator } from './cost/cost.ts';
export { DEFAULT_PRICES, DEFAULT_PRICES_DATE, type ModelPrice, type PriceTable } from './cost/prices.ts';

export {
  HTTP_DURATION_BUCKETS,
  HTTP_SERVER_DURATION,
  UNMATCHED_ROUTE,
  httpServerMetrics,
  normalizeMethod,
  type GoldenSignalsOptions,
  type HttpServerMetrics,
} from './http/semconv.ts';
export { fastifyGoldenSignals, type FastifyLike } from './http/fastify.ts';
export { instrumentRequestListener, type NodeGoldenSignalsOptions } from './http/node.ts';

export {
  AI_AGENT_RESPONSE_DURATION,
  NARRATIVE_GENERATION_DURATION,
  NARRATIVE_REQUESTS,
  STORY_COMPLETIONS,
  STORY_SESSIONS_ACTIVE,
  STORY_STARTS,
  narrativeMetrics,
  type NarrativeMetrics,
  type NarrativeOutcome,
} from './platform/narrative.ts';
export {
  EVAL_SCORE_BUCKETS,
  NARRATIVE_EVAL_SCORE,
  NARRATIVE_MODERATION_BLOCKS,
  NARRATIVE_REFUSALS,
  narrativeQualityMetrics,
  type EvalScore,
  type GenerationRef,
  type NarrativeQualityMetrics,
} from './platform/quality.ts';
export {
  GAME_CONNECTION_ATTEMPTS,
  GAME_CONNECTION_FAILURES,
  GAME_PLAYERS_ONLINE,
  gameMetrics,
  type GameMetrics,
} from './platform/game.ts';
