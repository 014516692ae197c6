/** Recording GenAI client operations by hand, for clients the Bedrock middleware does not cover. */
import type { Metrics } from '../metrics/metrics.ts';
import type { Exemplar } from '../metrics/types.ts';
import { FAILURES, type FailureClass } from './failures.ts';
import {
  OPERATION_DURATION,
  TOKEN_USAGE,
  type GenAiOperationName,
  type OperationLabels,
  type TokenLabels,
} from './semconv.ts';

export interface GenAiOperation {
  /** `gen_ai.provider.name`, e.g. `aws.bedrock`. */
  provider: string;
  operation: GenAiOperationName;
  /** `gen_ai.request.model`: the model id asked for. */
  model: string;
  durationSeconds: number;
  /** Set when the operation failed: the exception name (see `errorType`). */
  errorType?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** Set when the call failed or its response was filtered: counts in `gen_ai_client_failures_total`. */
  failureClass?: FailureClass;
  /** The call's span (see `exemplarOf`), attached to the duration observation as an exemplar. */
  exemplar?: Exemplar;
}

export interface GenAiMetrics {
  /**
   * Records `gen_ai.client.operation.duration` and, when known, both `gen_ai.client.token.usage` points, and
   * the failure when `failureClass` is set.
   */
  recordOperation(op: GenAiOperation): void;
}

/**
 * The GenAI semconv metrics over `metrics`.
 *
 * @example
 * const genAi = genAiMetrics(metrics);
 * genAi.recordOperation({ provider: 'aws.bedrock', operation: 'chat', model, durationSeconds: 1.2,
 *   inputTokens: 420, outputTokens: 180 });
 */
export function genAiMetrics(metrics: Metrics): GenAiMetrics {
  const duration = metrics.histogram(OPERATION_DURATION);
  const tokens = metrics.histogram(TOKEN_USAGE);
  const failures = metrics.counter(FAILURES);
  return {
    recordOperation(op) {
      const labels: OperationLabels = {
        gen_ai_operation_name: op.operation,
        gen_ai_provider_name: op.provider,
        gen_ai_request_model: op.model,
      };
      if (op.errorType !== undefined) labels.error_type = op.errorType;
      duration.observe(labels, op.durationSeconds, op.exemplar);
      if (op.inputTokens !== undefined) tokens.observe(tokenLabels(op, 'input'), op.inputTokens);
      if (op.outputTokens !== undefined) tokens.observe(tokenLabels(op, 'output'), op.outputTokens);
      if (op.failureClass !== undefined)
        failures.inc({
          gen_ai_provider_name: op.provider,
          gen_ai_request_model: op.model,
          failure_class: op.failureClass,
        });
    },
  };
}

function tokenLabels(op: GenAiOperation, type: 'input' | 'output'): TokenLabels {
  return {
    gen_ai_operation_name: op.operation,
    gen_ai_provider_name: op.provider,
    gen_ai_request_model: op.model,
    gen_ai_token_type: type,
  };
}
