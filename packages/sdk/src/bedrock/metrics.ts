/**
 * Bedrock-specific metrics next to the GenAI semconv ones. The metrics contract fixes only the `gen_ai_*`
 * names for the SDK; these names are the SDK's own and follow the same label spelling.
 */
import type { MetricDefinition } from '../metrics/types.ts';
import {
  TIME_TO_FIRST_TOKEN_BUCKETS,
  type GenAiOperationName,
  type GenAiTokenType,
} from '../genai/semconv.ts';

export type BedrockCallLabels = {
  gen_ai_operation_name: GenAiOperationName;
  gen_ai_request_model: string;
};

/** `bedrock_client_time_to_first_token_seconds{gen_ai_operation_name,gen_ai_request_model}` */
export const TIME_TO_FIRST_TOKEN: MetricDefinition<BedrockCallLabels> = {
  name: 'bedrock_client_time_to_first_token_seconds',
  otelName: 'bedrock.client.time_to_first_token',
  help: 'Time from sending a Bedrock request to the first output token (the whole response when not streaming).',
  unit: 's',
  labels: { gen_ai_operation_name: 'gen_ai.operation.name', gen_ai_request_model: 'gen_ai.request.model' },
  buckets: TIME_TO_FIRST_TOKEN_BUCKETS,
};

/** `bedrock_client_throttles_total{gen_ai_operation_name,gen_ai_request_model}` */
export const THROTTLES: MetricDefinition<BedrockCallLabels> = {
  name: 'bedrock_client_throttles_total',
  otelName: 'bedrock.client.throttles',
  help: 'Bedrock requests answered with ThrottlingException, one per HTTP attempt (SDK retries included).',
  unit: '{request}',
  labels: { gen_ai_operation_name: 'gen_ai.operation.name', gen_ai_request_model: 'gen_ai.request.model' },
};

/** `bedrock_client_cost_usd_total{gen_ai_request_model,gen_ai_token_type}` */
export const COST: MetricDefinition<{ gen_ai_request_model: string; gen_ai_token_type: GenAiTokenType }> = {
  name: 'bedrock_client_cost_usd_total',
  otelName: 'bedrock.client.cost',
  help: 'Estimated Bedrock spend in USD from token counts and the price table.',
  unit: 'USD',
  labels: { gen_ai_request_model: 'gen_ai.request.model', gen_ai_token_type: 'gen_ai.token.type' },
};
