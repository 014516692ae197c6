/**
 * The OpenTelemetry GenAI semantic conventions (Development status) this SDK writes: instrument names, units,
 * attribute keys and the spec's advisory bucket boundaries, with the Prometheus names of the metrics contract.
 */
import type { MetricDefinition } from '../metrics/types.ts';

/** `gen_ai.provider.name` for Amazon Bedrock. */
export const PROVIDER_AWS_BEDROCK = 'aws.bedrock';

/** Well-known `gen_ai.operation.name` values. */
export type GenAiOperationName =
  | 'chat'
  | 'text_completion'
  | 'embeddings'
  | 'generate_content'
  | 'create_agent'
  | 'invoke_agent'
  | 'execute_tool';

export type GenAiTokenType = 'input' | 'output';

/** `gen_ai.client.operation.duration` advisory boundaries, seconds. */
export const OPERATION_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;

/** `gen_ai.client.token.usage` advisory boundaries, tokens. */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;

/** `gen_ai.server.time_to_first_token` advisory boundaries, seconds (reused for the client-side TTFT). */
export const TIME_TO_FIRST_TOKEN_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

export type OperationLabels = {
  gen_ai_operation_name: GenAiOperationName;
  gen_ai_provider_name: string;
  gen_ai_request_model: string;
  /** Absent on success, as in the semconv (Prometheus reads a missing label as ""). */
  error_type?: string;
};

export type TokenLabels = {
  gen_ai_operation_name: GenAiOperationName;
  gen_ai_provider_name: string;
  gen_ai_request_model: string;
  gen_ai_token_type: GenAiTokenType;
};

/** `gen_ai_client_operation_duration_seconds{gen_ai_operation_name,gen_ai_provider_name,gen_ai_request_model,error_type}` */
export const OPERATION_DURATION: MetricDefinition<OperationLabels> = {
  name: 'gen_ai_client_operation_duration_seconds',
  otelName: 'gen_ai.client.operation.duration',
  help: 'GenAI operation duration.',
  unit: 's',
  labels: {
    gen_ai_operation_name: 'gen_ai.operation.name',
    gen_ai_provider_name: 'gen_ai.provider.name',
    gen_ai_request_model: 'gen_ai.request.model',
    error_type: 'error.type',
  },
  buckets: OPERATION_DURATION_BUCKETS,
};

/** `gen_ai_client_token_usage{gen_ai_operation_name,gen_ai_provider_name,gen_ai_request_model,gen_ai_token_type}` */
export const TOKEN_USAGE: MetricDefinition<TokenLabels> = {
  name: 'gen_ai_client_token_usage',
  otelName: 'gen_ai.client.token.usage',
  help: 'Number of input and output tokens used.',
  unit: '{token}',
  labels: {
    gen_ai_operation_name: 'gen_ai.operation.name',
    gen_ai_provider_name: 'gen_ai.provider.name',
    gen_ai_request_model: 'gen_ai.request.model',
    gen_ai_token_type: 'gen_ai.token.type',
  },
  buckets: TOKEN_USAGE_BUCKETS,
};

/** The semconv `error.type` of a thrown value: the exception's name, its code, or `_OTHER`. */
export function errorType(err: unknown): string {
  if (err && typeof err === 'object') {
    const { name, code } = err as { name?: unknown; code?: unknown };
    if (typeof name === 'string' && name && name !== 'Error') return name;
    if (typeof code === 'string' && code) return code;
  }
  return '_OTHER';
}
