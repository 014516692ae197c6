/**
 * The Bedrock model availability probe: on a fixed cadence, one minimal Converse call per model, with a
 * short timeout. It writes blackbox_exporter's names (`probe_success`, `probe_duration_seconds`) with
 * `probe="bedrock"` and `model=<modelId>`, so the catalog's rules read it like any other probe.
 */
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Registry } from 'prom-client';
import { clientConfig, type AwsClientOptions } from '../shared/aws.ts';
import { defined } from '../shared/defined.ts';
import { errorFields, silentLogger, type Logger } from '../shared/logger.ts';
import { every, systemTime, type Time } from '../shared/time.ts';

/** The slice of `BedrockRuntimeClient` the prober uses. */
export interface ConverseClient {
  send(command: ConverseCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export interface BedrockProberOptions {
  /** Model or inference-profile ids, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  models: readonly string[];
  client: ConverseClient;
  /** Default 60 000 (the contract's "every 60 seconds"). */
  intervalMs?: number;
  /** A probe that has no answer after this long fails with reason `Timeout`. Default 10 000. */
  timeoutMs?: number;
  /** Default 1: the cheapest answer that proves the model serves. */
  maxTokens?: number;
  /** Default `"ping"`. */
  prompt?: string;
  registry?: Registry;
  time?: Time;
  logger?: Logger;
}

/** What one probe found. */
export interface ProbeResult {
  model: string;
  success: boolean;
  durationSeconds: number;
  /** The exception name (`ThrottlingException`, `Timeout`, …) when it failed. */
  reason?: string;
  httpStatus?: number;
}

type Settings = Required<Omit<BedrockProberOptions, 'registry'>>;

export const BEDROCK_PROBE_DEFAULTS = { intervalMs: 60_000, timeoutMs: 10_000, maxTokens: 1, prompt: 'ping' };

/** Builds the Bedrock Runtime client the prober uses: no retries, so a probe measures one attempt. */
export function createBedrockClient(o: AwsClientOptions): BedrockRuntimeClient {
  return new BedrockRuntimeClient(clientConfig({ maxAttempts: 1, ...o }));
}

/**
 * Probes each model every `intervalMs`; a model whose previous probe is still running skips the tick.
 *
 * @example
 * const prober = new BedrockProber({ models: ['amazon.nova-micro-v1:0'], client: createBedrockClient({ region: 'us-east-1' }) });
 * prober.start();
 * const server = await startMetricsServer({ registry: prober.registry, port: 9470 });
 */
export class BedrockProber {
  readonly registry: Registry;
  readonly #o: Settings;
  readonly #inFlight = new Map<string, Promise<ProbeResult>>();
  readonly #success: Gauge<'probe' | 'model'>;
  readonly #duration: Gauge<'probe' | 'model'>;
  readonly #failures: Counter<'probe' | 'model' | 'reason'>;
  readonly #skipped: Counter<'probe' | 'model'>;
  #loop: { stop(): void } | undefined;

  constructor(opts: BedrockProberOptions) {
    if (opts.models.length === 0) throw new Error('BedrockProber: at least one model is required');
    this.#o = {
      ...BEDROCK_PROBE_DEFAULTS,
      time: systemTime,
      logger: silentLogger,
      ...defined(opts),
      models: [...new Set(opts.models)],
    } as Settings;
    this.registry = opts.registry ?? new Registry();
    const registers = [this.registry];
    this.#success = new Gauge({
      name: 'probe_success',
      help: 'Whether the last probe succeeded (1) or failed (0).',
      labelNames: ['probe', 'model'],
      registers,
    });
    this.#duration = new Gauge({
      name: 'probe_duration_seconds',
      help: 'How long the last probe took, failed ones included.',
      labelNames: ['probe', 'model'],
      registers,
    });
    this.#failures = new Counter({
      name: 'klaxon_probe_failures_total',
      help: 'Failed probes by reason (the AWS exception name, or Timeout).',
      labelNames: ['probe', 'model', 'reason'],
      registers,
    });
    this.#skipped = new Counter({
      name: 'klaxon_probe_skipped_total',
      help: 'Ticks skipped because the previous probe of the model was still running.',
      labelNames: ['probe', 'model'],
      registers,
    });
    for (const model of this.#o.models) this.#skipped.inc({ probe: 'bedrock', model }, 0);
  }

  /** Probes now and then every interval, until `stop()`. */
  start(): void {
    this.#loop ??= every(this.#o.time, this.#o.intervalMs, () => void this.tick());
  }

  /** Stops scheduling; probes already running finish. */
  stop(): void {
    this.#loop?.stop();
    this.#loop = undefined;
  }

  /** One round: starts a probe of every model that is not still being probed; resolves with those results. */
  tick(): Promise<ProbeResult[]> {
    return Promise.all(this.#o.models.flatMap((model) => this.#start(model) ?? []));
  }

  /** The models whose probe is running now. */
  running(): string[] {
    return [...this.#inFlight.keys()];
  }

  /** Resolves when no probe is running. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight.values());
  }

  #start(model: string): Promise<ProbeResult> | undefined {
    if (this.#inFlight.has(model)) {
      this.#skipped.inc({ probe: 'bedrock', model });
      this.#o.logger.warn(
        { probe: 'bedrock', model },
        'bedrock probe skipped: the previous probe of this model is still running',
      );
      return undefined;
    }
    const running = this.#probe(model).finally(() => this.#inFlight.delete(model));
    this.#inFlight.set(model, running);
    return running;
  }

  async #probe(model: string): Promise<ProbeResult> {
    const { client, time, timeoutMs, maxTokens, prompt, logger } = this.#o;
    const abort = new AbortController();
    const timer = time.schedule(timeoutMs, () => abort.abort());
    const started = performance.now();
    let result: ProbeResult;
    try {
      await client.send(
        new ConverseCommand({
          modelId: model,
          messages: [{ role: 'user', content: [{ text: prompt }] }],
          inferenceConfig: { maxTokens, temperature: 0 },
        }),
        { abortSignal: abort.signal },
      );
      result = { model, success: true, durationSeconds: (performance.now() - started) / 1000 };
    } catch (err) {
      const durationSeconds = (performance.now() - started) / 1000;
      const fields = abort.signal.aborted
        ? { error: 'Timeout', message: `no answer within ${timeoutMs} ms` }
        : errorFields(err);
      const reason = reasonLabel(String(fields.error));
      const httpStatus = typeof fields.httpStatus === 'number' ? fields.httpStatus : undefined;
      result = { model, success: false, durationSeconds, reason, ...(httpStatus ? { httpStatus } : {}) };
      this.#failures.inc({ probe: 'bedrock', model, reason });
      logger.warn({ probe: 'bedrock', model, durationSeconds, ...fields }, 'bedrock probe failed');
    } finally {
      timer.cancel();
    }
    this.#success.set({ probe: 'bedrock', model }, result.success ? 1 : 0);
    this.#duration.set({ probe: 'bedrock', model }, result.durationSeconds);
    return result;
  }
}

/** Exception names are a small closed set; anything odd becomes `Error` so the label stays bounded. */
function reasonLabel(name: string): string {
  return /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(name) ? name : 'Error';
}
