/**
 * What kind of failure a GenAI call ended in, and the two metrics of the contract that count them:
 * `gen_ai_client_failures_total` (one per failed call) and `gen_ai_client_fallbacks_total` (one per switch to
 * another model). The classes tell apart "retry later" (throttled) from "nothing works until someone acts"
 * (quota exhausted, spend cap) and from problems a fallback cannot fix (validation, content filter).
 */
import type { MetricDefinition } from '../metrics/types.ts';
import { errorType } from './semconv.ts';

export const FAILURE_CLASSES = [
  'throttled',
  'quota_exhausted',
  'spend_cap',
  'content_filtered',
  'validation',
  'server_error',
  'timeout',
] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

export type FailureLabels = {
  gen_ai_provider_name: string;
  gen_ai_request_model: string;
  failure_class: FailureClass;
};

export type FallbackLabels = {
  gen_ai_provider_name: string;
  from_model: string;
  to_model: string;
  reason: FailureClass;
};

/** `gen_ai_client_failures_total{gen_ai_provider_name,gen_ai_request_model,failure_class}` */
export const FAILURES: MetricDefinition<FailureLabels> = {
  name: 'gen_ai_client_failures_total',
  otelName: 'gen_ai.client.failures',
  help: 'GenAI calls that failed, once per call, by failure class (a content filter on a response counts too).',
  unit: '{call}',
  labels: {
    gen_ai_provider_name: 'gen_ai.provider.name',
    gen_ai_request_model: 'gen_ai.request.model',
    failure_class: 'klaxon.gen_ai.failure_class',
  },
};

/** `gen_ai_client_fallbacks_total{gen_ai_provider_name,from_model,to_model,reason}` */
export const FALLBACKS: MetricDefinition<FallbackLabels> = {
  name: 'gen_ai_client_fallbacks_total',
  otelName: 'gen_ai.client.fallbacks',
  help: 'GenAI requests moved from one model to another, by the failure class that caused it.',
  unit: '{fallback}',
  labels: {
    gen_ai_provider_name: 'gen_ai.provider.name',
    from_model: 'klaxon.gen_ai.fallback.from_model',
    to_model: 'klaxon.gen_ai.fallback.to_model',
    reason: 'klaxon.gen_ai.fallback.reason',
  },
};

/** The span attribute that carries the failure class (the semconv has none). */
export const FAILURE_CLASS_ATTRIBUTE = 'klaxon.gen_ai.failure_class';

// Spend caps and budgets, as providers word them (the status is often a plain 400 or 403):
// Anthropic "Your credit balance is too low…" and "You have reached your specified API usage limits…" (400);
// OpenAI "You exceeded your current quota, please check your plan and billing details" (insufficient_quota,
// 429) and billing_hard_limit_reached; Bedrock Marketplace "…INVALID_PAYMENT_INSTRUMENT…" (403); LiteLLM
// "Budget has been exceeded"; gateways' "spend limit"/"spending cap". "budget" alone is not enough: Anthropic's
// thinking `budget_tokens` appears in ordinary validation errors.
const SPEND_CAP =
  /credit balance is too low|usage limits?\b.*\breached|reached your specified api usage limit|insufficient_quota|check your plan and billing|billing[ _]hard[ _]limit|invalid_payment_instrument|payment instrument|spend(?:ing)?[ _-]?(?:cap|limit)|budget (?:has been |was |is )?(?:exceeded|reached|exhausted)|exceeded (?:your |the )?budget|budget_exceeded|over budget/i;
// Quotas that do not refill within seconds: Bedrock ServiceQuotaExceededException, daily token quotas
// ("Too many tokens per day" arrives as a ThrottlingException), and other "quota" wording.
const QUOTA = /quota|per day\b|daily limit/i;
// A "quota" that refills within a minute is a rate limit: Vertex AI's "Quota exceeded for quota metric
// '… requests per minute …'", Azure's "exceeded token rate limit". Those are throttles, never a T1 page.
const RATE = /per (?:minute|second)\b|rate limit|\b[rt]pm\b/i;
const TIMEOUT_NAMES = new Set([
  'ModelTimeoutException',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RateLimitError',
  'Throttling',
]);
const SERVER_NAMES = new Set([
  'InternalServerException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'ModelErrorException',
  'ModelStreamErrorException',
  'InternalFailure',
  'ServiceUnavailable',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const CONTENT_FILTER = /content[ _]?filter|guardrail/i;
/** Bedrock's names for a client error that is the request's fault (the rest of 4xx is treated alike). */
const VALIDATION_NAMES = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
]);

interface ErrorFields {
  name: string;
  code: string;
  message: string;
  status: number | undefined;
}

function fieldsOf(err: unknown): ErrorFields {
  const e = (err && typeof err === 'object' ? err : {}) as Record<string, unknown>;
  const meta = e.$metadata as { httpStatusCode?: unknown } | undefined;
  const statusRaw = meta?.httpStatusCode ?? e.status ?? e.statusCode;
  const code = typeof e.code === 'string' ? e.code : typeof e.type === 'string' ? e.type : '';
  return {
    name: errorType(err),
    code,
    // Only the start of the message is read: long messages may echo the request.
    message: typeof e.message === 'string' ? e.message.slice(0, 500) : '',
    status: typeof statusRaw === 'number' ? statusRaw : undefined,
  };
}

/**
 * The failure class of a thrown error, or undefined when it is none of them (a programming error, an unknown
 * network failure). Pure: reads the error's name, code, HTTP status and the start of its message.
 *
 * @example
 * classifyFailure(err); // 'throttled' for a ThrottlingException, 'spend_cap' for "credit balance is too low"
 */
export function classifyFailure(err: unknown): FailureClass | undefined {
  const { name, code, message, status } = fieldsOf(err);
  const text = `${code} ${message}`;
  if (SPEND_CAP.test(text)) return 'spend_cap';
  if (name === 'ServiceQuotaExceededException' || (QUOTA.test(text) && !RATE.test(text)))
    return 'quota_exhausted';
  if (CONTENT_FILTER.test(`${name} ${code}`)) return 'content_filtered';
  if (TIMEOUT_NAMES.has(name) || TIMEOUT_CODES.has(code) || status === 408 || status === 504)
    return 'timeout';
  if (THROTTLE_NAMES.has(name)) return 'throttled';
  // Before the status: Bedrock sends ModelNotReadyException as a 429.
  if (SERVER_NAMES.has(name) || NETWORK_CODES.has(code)) return 'server_error';
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'server_error';
  if (VALIDATION_NAMES.has(name) || (status !== undefined && status >= 400 && status < 500))
    return 'validation';
  return undefined;
}

/** Converse `stopReason`s that mean a guardrail or the model's filter stopped the output. */
const FILTER_STOP_REASONS = new Set(['guardrail_intervened', 'content_filtered', 'CONTENT_FILTERED']);

/**
 * Whether a successful response was cut by a content filter: Converse `stopReason` `guardrail_intervened` or
 * `content_filtered`, an InvokeModel body (or stream chunk) with `amazon-bedrock-guardrailAction: INTERVENED`,
 * or Titan's `completionReason: CONTENT_FILTERED`.
 */
export function isContentFiltered(response: Readonly<Record<string, unknown>> | undefined): boolean {
  if (!response) return false;
  const stop = response.stopReason ?? response.completionReason;
  if (typeof stop === 'string' && FILTER_STOP_REASONS.has(stop)) return true;
  return response['amazon-bedrock-guardrailAction'] === 'INTERVENED';
}

/** The failure classes a fallback helps with by default: another model may well answer. */
export const DEFAULT_FALLBACK_CLASSES: ReadonlySet<FailureClass> = new Set<FailureClass>([
  'throttled',
  'quota_exhausted',
  'spend_cap',
  'server_error',
  'timeout',
]);
