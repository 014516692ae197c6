/** One instrumented Bedrock call: its clock readings, its span, and what it records when it ends. */
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { CostCalculator } from '../cost/cost.ts';
import type { GenAiMetrics } from '../genai/genai.ts';
import { FAILURE_CLASS_ATTRIBUTE, classifyFailure } from '../genai/failures.ts';
import { PROVIDER_AWS_BEDROCK, errorType, type GenAiOperationName } from '../genai/semconv.ts';
import type { CounterMetric, Exemplar, HistogramMetric } from '../metrics/types.ts';
import { exemplarOf } from '../tracing/tracing.ts';
import { boundedJson, type ChatMessage } from './content.ts';
import type { BedrockCallLabels } from './metrics.ts';
import type { TokenUsage } from './usage.ts';
import type { GenAiTokenType } from '../genai/semconv.ts';

export interface CallInstruments {
  genAi: GenAiMetrics;
  timeToFirstToken: HistogramMetric<BedrockCallLabels>;
  throttles: CounterMetric<BedrockCallLabels>;
  cost?: {
    calculator: CostCalculator;
    counter: CounterMetric<{ gen_ai_request_model: string; gen_ai_token_type: GenAiTokenType }>;
  };
  now: () => number;
  /** Whether prompts and completions go on the span. */
  captureContent: boolean;
}

/** What a successful response says, beyond its tokens. */
export interface CallResult {
  usage?: TokenUsage;
  responseModel?: string;
  responseId?: string;
  finishReason?: string;
  /** A guardrail or the model's filter stopped the output: counted as a `content_filtered` failure. */
  contentFiltered?: boolean;
  /** The completion, when content capture is on. */
  output?: ChatMessage[];
}

export const THROTTLING = 'ThrottlingException';

export class BedrockCall {
  /** Response headers of the last HTTP attempt, for InvokeModel's token-count headers. */
  headers: Readonly<Record<string, string | undefined>> | undefined;
  private readonly started: number;
  private readonly labels: BedrockCallLabels;
  private readonly exemplar: Exemplar | undefined;
  private firstTokenSeen = false;
  private ended = false;

  constructor(
    private readonly tools: CallInstruments,
    private readonly model: string,
    private readonly operation: GenAiOperationName,
    readonly span: Span,
  ) {
    this.started = tools.now();
    this.labels = { gen_ai_operation_name: operation, gen_ai_request_model: model };
    this.exemplar = exemplarOf(span);
  }

  get captureContent(): boolean {
    return this.tools.captureContent && this.span.isRecording();
  }

  private seconds(): number {
    return (this.tools.now() - this.started) / 1000;
  }

  throttled(): void {
    this.tools.throttles.inc(this.labels);
  }

  /** The first output token arrived (streaming). */
  firstToken(): void {
    if (this.firstTokenSeen) return;
    this.firstTokenSeen = true;
    const seconds = this.seconds();
    this.tools.timeToFirstToken.observe(this.labels, seconds, this.exemplar);
    this.span.setAttribute('gen_ai.response.time_to_first_chunk', seconds);
  }

  succeed(result: CallResult): void {
    if (this.ended) return;
    this.ended = true;
    const durationSeconds = this.seconds();
    const { usage } = result;
    // Without streaming the first token arrives with the whole response.
    if (!this.firstTokenSeen)
      this.tools.timeToFirstToken.observe(this.labels, durationSeconds, this.exemplar);
    const failureClass = result.contentFiltered ? 'content_filtered' : undefined;
    this.tools.genAi.recordOperation({
      provider: PROVIDER_AWS_BEDROCK,
      operation: this.operation,
      model: this.model,
      durationSeconds,
      inputTokens: usage?.inputTokens,
      outputTokens: usage?.outputTokens,
      failureClass,
      exemplar: this.exemplar,
    });
    this.endSpan(result, failureClass);
    const cost = this.tools.cost;
    if (!cost || !usage) return;
    const priced = cost.calculator.cost(this.model, usage.inputTokens ?? 0, usage.outputTokens ?? 0);
    if (!priced) return;
    cost.counter.inc({ gen_ai_request_model: this.model, gen_ai_token_type: 'input' }, priced.inputUsd);
    cost.counter.inc({ gen_ai_request_model: this.model, gen_ai_token_type: 'output' }, priced.outputUsd);
  }

  fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const type = errorType(err);
    const failureClass = classifyFailure(err);
    this.tools.genAi.recordOperation({
      provider: PROVIDER_AWS_BEDROCK,
      operation: this.operation,
      model: this.model,
      durationSeconds: this.seconds(),
      errorType: type,
      failureClass,
      exemplar: this.exemplar,
    });
    // The exception's message is left out: Bedrock's messages may quote the request.
    this.span.setAttribute('error.type', type);
    if (failureClass) this.span.setAttribute(FAILURE_CLASS_ATTRIBUTE, failureClass);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    this.span.end();
  }

  private endSpan(result: CallResult, failureClass: string | undefined): void {
    const span = this.span;
    if (span.isRecording()) {
      const { usage } = result;
      if (usage?.inputTokens !== undefined) span.setAttribute('gen_ai.usage.input_tokens', usage.inputTokens);
      if (usage?.outputTokens !== undefined)
        span.setAttribute('gen_ai.usage.output_tokens', usage.outputTokens);
      if (result.responseModel) span.setAttribute('gen_ai.response.model', result.responseModel);
      if (result.responseId) span.setAttribute('gen_ai.response.id', result.responseId);
      if (result.finishReason) span.setAttribute('gen_ai.response.finish_reasons', [result.finishReason]);
      if (failureClass) span.setAttribute(FAILURE_CLASS_ATTRIBUTE, failureClass);
      if (result.output && this.captureContent)
        span.setAttribute('gen_ai.output.messages', boundedJson(result.output));
    }
    span.end();
  }
}
