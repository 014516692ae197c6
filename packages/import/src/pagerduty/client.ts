/**
 * A small client of the PagerDuty REST API v2: the token and version headers, classic pagination
 * (`limit`/`offset`/`more`), and 429 answered by waiting (Retry-After, else `ratelimit-reset`, else an
 * exponential backoff) through an injectable sleep. Every failure is an ImportSourceError a person can act on.
 */

/** Why the source could not be read: bad token, unreachable, refused, or an answer we cannot use. */
export class ImportSourceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ImportSourceError';
  }
}

export interface PdClientOptions {
  token: string;
  /** Default https://api.pagerduty.com (EU accounts: https://api.eu.pagerduty.com). */
  apiUrl?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Page size for list endpoints (PagerDuty allows up to 100). */
  pageSize?: number;
  /** How many 429s in a row before giving up. */
  maxRetries?: number;
  /** Most objects read from one list endpoint. */
  maxItems?: number;
}

export type Query = readonly (readonly [string, string])[];

const MAX_WAIT_MS = 60_000;
const MAX_BODY_CHARS = 20_000_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class PdClient {
  readonly #token: string;
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #pageSize: number;
  readonly #maxRetries: number;
  readonly #maxItems: number;

  constructor(opts: PdClientOptions) {
    if (!opts.token) throw new ImportSourceError('no PagerDuty API token: pass --token');
    this.#token = opts.token;
    this.#base = (opts.apiUrl ?? 'https://api.pagerduty.com').replace(/\/+$/, '');
    this.#fetch = opts.fetch ?? fetch;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#pageSize = opts.pageSize ?? 100;
    this.#maxRetries = opts.maxRetries ?? 8;
    this.#maxItems = opts.maxItems ?? 10_000;
  }

  /** GET `path` with `query` (kept in order; repeated names such as `include[]` allowed). */
  async get(path: string, query: Query = []): Promise<Record<string, unknown>> {
    const qs = new URLSearchParams(query.map(([k, v]): [string, string] => [k, v])).toString();
    const url = `${this.#base}${path}${qs ? `?${qs}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.#fetch(url, {
          headers: {
            Authorization: `Token token=${this.#token}`,
            Accept: 'application/vnd.pagerduty+json;version=2',
          },
          signal: AbortSignal.timeout(30_000),
        });
      } catch (err) {
        const why =
          err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : '';
        throw new ImportSourceError(
          `cannot reach the PagerDuty API at ${this.#base} (${why}); check --api-url and the network`,
        );
      }
      if (res.status === 429 && attempt < this.#maxRetries) {
        await res.body?.cancel();
        await this.#sleep(this.#waitFor(res, attempt));
        continue;
      }
      const text = await res.text();
      if (text.length > MAX_BODY_CHARS)
        throw new ImportSourceError(`GET ${path}: answer larger than ${MAX_BODY_CHARS} characters`);
      if (!res.ok) throw new ImportSourceError(this.#describe(res.status, path, text), res.status);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ImportSourceError(`GET ${path}: the answer is not JSON (status ${res.status})`);
      }
      if (!isRecord(body)) throw new ImportSourceError(`GET ${path}: the answer is not a JSON object`);
      return body;
    }
  }

  /** Every object of a classic-paginated list (`key` is e.g. `users`), page by page until `more` is false. */
  async list(path: string, key: string, query: Query = []): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let offset = 0; ;) {
      const page = await this.get(path, [
        ...query,
        ['limit', String(this.#pageSize)],
        ['offset', String(offset)],
      ]);
      const items = page[key];
      if (!Array.isArray(items)) throw new ImportSourceError(`GET ${path}: no "${key}" list in the answer`);
      out.push(...(items as unknown[]));
      if (out.length > this.#maxItems)
        throw new ImportSourceError(`GET ${path}: more than ${this.#maxItems} ${key}; import stopped`);
      if (page.more !== true || items.length === 0) return out;
      offset += items.length;
    }
  }

  #waitFor(res: Response, attempt: number): number {
    const retryAfter = Number(res.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter * 1000, MAX_WAIT_MS);
    const reset = Number(res.headers.get('ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.min(reset * 1000, MAX_WAIT_MS);
    return Math.min(1000 * 2 ** attempt, MAX_WAIT_MS);
  }

  #describe(status: number, path: string, text: string): string {
    let detail = '';
    try {
      const body = JSON.parse(text) as unknown;
      if (isRecord(body) && isRecord(body.error)) {
        const e = body.error;
        const errors = Array.isArray(e.errors) ? e.errors.filter((x) => typeof x === 'string') : [];
        detail = [typeof e.message === 'string' ? e.message : '', ...errors].filter(Boolean).join('; ');
      }
    } catch {
      detail = '';
    }
    const suffix = detail ? `: ${detail.slice(0, 300)}` : '';
    if (status === 401)
      return `PagerDuty refused the token (401${suffix}); pass a valid REST API key with --token`;
    if (status === 403)
      return `PagerDuty forbids GET ${path} for this token (403${suffix}); use a read-only key of an admin or account owner`;
    if (status === 429) return `PagerDuty kept rate-limiting GET ${path} (429); try again later`;
    return `GET ${path} failed with status ${status}${suffix}`;
  }
}
