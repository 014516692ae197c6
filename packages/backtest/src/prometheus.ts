/**
 * The Prometheus HTTP API the backtest reads: `query_range` split into chunks Prometheus accepts (at most
 * `maxPoints` steps per series, halved again when Prometheus refuses a chunk as too expensive), and
 * instant queries. An unreachable server is an input error; a query Prometheus rejects is a QueryError
 * that the caller turns into a reported skip.
 */
import { BacktestInputError } from './time.ts';

export interface Series {
  labels: Record<string, string>;
  /** Evaluation timestamps (ms) at which the expression had a value. */
  times: number[];
}

export class QueryError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'QueryError';
    this.code = code;
  }
}

interface ApiBody {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

interface MatrixItem {
  metric: Record<string, string>;
  values: [number, string][];
}

export class PrometheusClient {
  readonly url: string;
  private readonly timeoutMs: number;

  constructor(url: string, o: { timeoutMs?: number } = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BacktestInputError(
        'bad_prometheus_url',
        `--prometheus "${url}" is not a URL; pass Prometheus's base URL, e.g. http://prometheus:9090`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new BacktestInputError(
        'bad_prometheus_url',
        `--prometheus "${url}" must be an http:// or https:// URL`,
      );
    this.url = url.replace(/\/+$/, '');
    this.timeoutMs = o.timeoutMs ?? 120_000;
  }

  /** Queries go as POST forms (a long expression fits); the label-values endpoint takes GET only. */
  private async get(path: string, params: Record<string, string>, method = 'POST'): Promise<ApiBody> {
    const form = new URLSearchParams(params);
    let res: Response;
    try {
      res =
        method === 'GET'
          ? await fetch(`${this.url}${path}?${form.toString()}`, {
              signal: AbortSignal.timeout(this.timeoutMs),
            })
          : await fetch(`${this.url}${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: form,
              signal: AbortSignal.timeout(this.timeoutMs),
            });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      if ((err as Error).name === 'TimeoutError')
        throw new QueryError('query_timeout', `Prometheus did not answer within ${this.timeoutMs / 1000} s`);
      throw new BacktestInputError(
        'prometheus_unreachable',
        `could not reach Prometheus at ${this.url} (${cause}); check --prometheus and that Prometheus is up`,
      );
    }
    const text = await res.text();
    let parsed: ApiBody;
    try {
      parsed = JSON.parse(text) as ApiBody;
    } catch {
      throw new BacktestInputError(
        'prometheus_bad_answer',
        `${this.url}${path} answered ${res.status} with something that is not Prometheus's JSON API; is --prometheus the Prometheus base URL?`,
      );
    }
    if (parsed.status !== 'success') {
      const code =
        parsed.errorType === 'bad_data'
          ? 'query_invalid'
          : /too many samples|max(imum)? resolution|exceeded|timeout|timed out/i.test(parsed.error ?? '')
            ? 'query_too_large'
            : 'query_failed';
      throw new QueryError(code, parsed.error ?? `HTTP ${res.status}`);
    }
    return parsed;
  }

  /** Metric names with a series in the range: the block index answers, no samples are read. */
  async metricNames(fromMs: number, toMs: number): Promise<Set<string>> {
    const bad = (why: string) =>
      new BacktestInputError(
        'prometheus_bad_answer',
        `${this.url} did not answer like Prometheus's HTTP API (label values: ${why}); is --prometheus the Prometheus base URL?`,
      );
    let body: ApiBody;
    try {
      body = await this.get(
        '/api/v1/label/__name__/values',
        { start: String(fromMs / 1000), end: String(toMs / 1000) },
        'GET',
      );
    } catch (err) {
      throw err instanceof QueryError ? bad(err.message) : err;
    }
    // Label values answer a list where queries answer { resultType, result }.
    const names = (body as { data?: unknown }).data;
    if (!Array.isArray(names)) throw bad('no list of names');
    return new Set((names as unknown[]).filter((n): n is string => typeof n === 'string'));
  }

  /** An instant query at `timeMs`: the vector's series and their values. */
  async instant(query: string, timeMs: number): Promise<{ labels: Record<string, string>; value: number }[]> {
    const body = await this.get('/api/v1/query', { query, time: String(timeMs / 1000) });
    const result = body.data?.result;
    if (body.data?.resultType !== 'vector' || !Array.isArray(result)) return [];
    return (result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      labels: r.metric,
      value: Number(r.value[1]),
    }));
  }

  /**
   * The expression at every step from `startMs` to `endMs` (inclusive, on the step grid), in chunks of at
   * most `maxPoints` steps; a chunk Prometheus finds too expensive is split in two, down to 10 steps.
   */
  async range(o: {
    query: string;
    startMs: number;
    endMs: number;
    stepMs: number;
    maxPoints: number;
    onChunk?: () => void;
  }): Promise<Series[]> {
    const series = new Map<string, Series>();
    const run = async (from: number, to: number): Promise<void> => {
      let body: ApiBody;
      try {
        body = await this.get('/api/v1/query_range', {
          query: o.query,
          start: String(from / 1000),
          end: String(to / 1000),
          step: String(o.stepMs / 1000),
        });
      } catch (err) {
        const steps = Math.round((to - from) / o.stepMs) + 1;
        if (
          err instanceof QueryError &&
          (err.code === 'query_too_large' || err.code === 'query_timeout') &&
          steps > 10
        ) {
          const mid = from + Math.floor(steps / 2) * o.stepMs;
          await run(from, mid - o.stepMs);
          await run(mid, to);
          return;
        }
        throw err;
      }
      for (const item of (body.data?.result ?? []) as MatrixItem[]) {
        const key = JSON.stringify(Object.entries(item.metric).sort(([a], [b]) => (a < b ? -1 : 1)));
        let s = series.get(key);
        if (!s) series.set(key, (s = { labels: item.metric, times: [] }));
        for (const [t] of item.values) s.times.push(Math.round(t * 1000));
      }
    };
    const chunkMs = (o.maxPoints - 1) * o.stepMs;
    for (let from = o.startMs; from <= o.endMs; from += chunkMs + o.stepMs) {
      await run(from, Math.min(o.endMs, from + chunkMs));
      o.onChunk?.();
    }
    return [...series.values()];
  }
}
