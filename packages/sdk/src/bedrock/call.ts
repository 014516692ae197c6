/** One instrumented Bedrock call: its clock readings and what it records when it ends. */
import type { CostCalculator } from '../cost/cost.ts';
import type { GenAiMetrics } from '../genai/genai.ts';
import { PROVIDER_AWS_BEDROCK, errorType, type GenAiOperationName } from '../genai/semconv.ts';
import type { CounterMetric, HistogramMetric } from '../metrics/types.ts';
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
}

export const THROTTLING = 'ThrottlingException';

export class BedrockCall {
  /** Response headers of the last HTTP attempt, for InvokeModel's token-count headers. */
  headers: Readonly<Record<string, string | undefined>> | undefined;
  private readonly started: number;
  private readonly labels: BedrockCallLabels;
  private firstTokenSeen = false;
  private ended = false;

  constructor(
    private readonly tools: CallInstruments,
    private readonly model: string,
    private readonly operation: GenAiOperationName,
  ) {
    this.started = tools.now();
    this.labels = { gen_ai_operation_name: operation, gen_ai_request_model: model };
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
    this.tools.timeToFirstToken.observe(this.labels, this.seconds());
  }

  succeed(usage: TokenUsage | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const durationSeconds = this.seconds();
    // Without streaming the first token arrives with the whole response.
    if (!this.firstTokenSeen) this.tools.timeToFirstToken.observe(this.labels, durationSeconds);
    this.tools.genAi.recordOperation({
      provider: PROVIDER_AWS_BEDROCK,
      operation: this.operation,
      model: this.model,
      durationSeconds,
      inputTokens: usage?.inputTokens,
      outputTokens: usage?.outputTokens,
    });
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
    this.tools.genAi.recordOperation({
      provider: PROVIDER_AWS_BEDROCK,
      operation: this.operation,
      model: this.model,
      durationSeconds: this.seconds(),
      errorType: errorType(err),
    });
  }
}
