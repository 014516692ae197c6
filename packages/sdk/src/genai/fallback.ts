/**
 * Recording failures and model fallbacks: `genAiFailureMetrics` for applications that fail over themselves, and
 * `withFallback`, which tries a list of models in order and records each switch. A fallback is also an event on
 * the active span, so the trace shows which model answered and why the first one did not.
 */
import { trace } from '@opentelemetry/api';
import type { Metrics } from '../metrics/metrics.ts';
import {
  DEFAULT_FALLBACK_CLASSES,
  FAILURES,
  FALLBACKS,
  classifyFailure,
  type FailureClass,
} from './failures.ts';
import { PROVIDER_AWS_BEDROCK } from './semconv.ts';

/** The span event of a fallback. */
export const FALLBACK_EVENT = 'klaxon.gen_ai.fallback';

export interface Fallback {
  /** The model that failed. */
  from: string;
  /** The model tried next. */
  to: string;
  /** Why: the failure class of `from`'s error. */
  reason: FailureClass;
}

export interface GenAiFailureMetrics {
  /** One failed call: `gen_ai_client_failures_total{failure_class}`. */
  recordFailure(model: string, failureClass: FailureClass): void;
  /** One switch of model: `gen_ai_client_fallbacks_total` and an event on the active span. */
  recordFallback(fallback: Fallback): void;
}

/**
 * The failure and fallback counters for one provider (`aws.bedrock` unless given).
 *
 * @example
 * const failures = genAiFailureMetrics(metrics);
 * failures.recordFallback({ from: 'anthropic.claude-3-5-sonnet-20241022-v2:0', to: 'amazon.nova-pro-v1:0', reason: 'throttled' });
 */
export function genAiFailureMetrics(
  metrics: Metrics,
  provider: string = PROVIDER_AWS_BEDROCK,
): GenAiFailureMetrics {
  const failures = metrics.counter(FAILURES);
  const fallbacks = metrics.counter(FALLBACKS);
  return {
    recordFailure(model, failureClass) {
      failures.inc({
        gen_ai_provider_name: provider,
        gen_ai_request_model: model,
        failure_class: failureClass,
      });
    },
    recordFallback({ from, to, reason }) {
      fallbacks.inc({ gen_ai_provider_name: provider, from_model: from, to_model: to, reason });
      trace.getActiveSpan()?.addEvent(FALLBACK_EVENT, {
        'gen_ai.provider.name': provider,
        'klaxon.gen_ai.fallback.from_model': from,
        'klaxon.gen_ai.fallback.to_model': to,
        'klaxon.gen_ai.fallback.reason': reason,
      });
    },
  };
}

export interface FallbackOptions {
  metrics: Metrics;
  /** `gen_ai.provider.name`; `aws.bedrock` unless given. */
  provider?: string;
  /**
   * Whether to try the next model after `err`, classified as `failureClass` (an unclassified error is always
   * thrown). By default: throttled, quota exhausted, spend cap, server error and timeout; not validation or a
   * content filter, which another model would most likely refuse too.
   */
  shouldFallback?: (failureClass: FailureClass, err: unknown) => boolean;
}

const defaultShouldFallback = (c: FailureClass) => DEFAULT_FALLBACK_CLASSES.has(c);

/**
 * Calls `invoke` with each model in turn until one succeeds; a failure that `shouldFallback` accepts moves on
 * to the next model and is recorded as a fallback. The last model's error, or one not worth a fallback, is thrown.
 * Failures themselves are counted by `instrumentBedrock` (or `recordFailure`), not here.
 *
 * @example
 * const res = await withFallback([SONNET, HAIKU], (modelId) => client.send(new ConverseCommand({ modelId, messages })), { metrics });
 */
export async function withFallback<T>(
  models: readonly string[],
  invoke: (model: string, index: number) => Promise<T>,
  options: FallbackOptions,
): Promise<T> {
  if (models.length === 0) throw new Error('withFallback: at least one model is required');
  const recorder = genAiFailureMetrics(options.metrics, options.provider);
  const should = options.shouldFallback ?? defaultShouldFallback;
  for (let i = 0; ; i++) {
    const model = models[i]!;
    try {
      return await invoke(model, i);
    } catch (err) {
      const next = models[i + 1];
      const failureClass = classifyFailure(err);
      if (next === undefined || failureClass === undefined || !should(failureClass, err)) throw err;
      recorder.recordFallback({ from: model, to: next, reason: failureClass });
    }
  }
}
