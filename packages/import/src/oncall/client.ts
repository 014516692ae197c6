/**
 * A client of Grafana OnCall's public API (`/api/v1/…`): the `Authorization: <token>` header OnCall
 * expects (its own API key, or a Grafana service account token with `X-Grafana-URL`), page-by-page lists
 * followed through each page's `next` URL, 429 answered by waiting as `Retry-After` says, and clear errors
 * for a wrong token or an unreachable server. Limits on pages, items and body sizes keep a hostile or
 * broken server from making the import run for ever.
 */

export class OnCallApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OnCallApiError';
  }
}

export interface OnCallClientOptions {
  apiUrl: string;
  token: string;
  /** Sent as `X-Grafana-URL` with a Grafana service account token. */
  grafanaUrl?: string;
  fetch?: typeof fetch;
  /** Waits `ms`; tests inject one that records the waits. */
  sleep?: (ms: number) => Promise<void>;
  maxRetries?: number;
  maxPages?: number;
  maxItems?: number;
  maxBodyBytes?: number;
}

interface Page {
  next?: string | null;
  results?: unknown;
}

const DEFAULT_SLEEP = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Longest single wait for a 429, whatever the server says. */
const MAX_WAIT_MS = 120_000;

/** How long a 429 asks us to wait: `Retry-After` (seconds or a date), else `X-RateLimit-Reset`. */
export function retryDelayMs(headers: Headers, attempt: number, now: number): number {
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.min(MAX_WAIT_MS, Math.max(0, seconds * 1000));
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.min(MAX_WAIT_MS, Math.max(0, at - now));
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.min(MAX_WAIT_MS, reset * 1000);
  return Math.min(MAX_WAIT_MS, 1000 * 2 ** attempt);
}

export class OnCallClient {
  readonly #base: URL;
  readonly #opts: Required<Omit<OnCallClientOptions, 'grafanaUrl' | 'apiUrl'>> & { grafanaUrl?: string };
  readonly #now: () => number;

  constructor(opts: OnCallClientOptions, now: () => number) {
    let base: URL;
    try {
      base = new URL(opts.apiUrl.endsWith('/') ? opts.apiUrl : `${opts.apiUrl}/`);
    } catch {
      throw new OnCallApiError(
        `--api-url ${opts.apiUrl} is not a URL; use e.g. https://oncall-prod-eu-west-0.grafana.net/oncall`,
      );
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:')
      throw new OnCallApiError(`--api-url must be http(s), not ${base.protocol}`);
    if (!opts.token) throw new OnCallApiError('an OnCall API token is needed (--token)');
    this.#base = base;
    this.#now = now;
    this.#opts = {
      token: opts.token,
      fetch: opts.fetch ?? fetch,
      sleep: opts.sleep ?? DEFAULT_SLEEP,
      maxRetries: opts.maxRetries ?? 5,
      maxPages: opts.maxPages ?? 500,
      maxItems: opts.maxItems ?? 20_000,
      maxBodyBytes: opts.maxBodyBytes ?? 8 * 1024 * 1024,
      ...(opts.grafanaUrl ? { grafanaUrl: opts.grafanaUrl } : {}),
    };
  }

  /** `api/v1/users/` → an absolute URL under the API URL. */
  url(path: string, query: Record<string, string> = {}): URL {
    const u = new URL(path.replace(/^\//, ''), this.#base);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u;
  }

  /** GET one JSON document, waiting out 429s. */
  async get(url: URL): Promise<unknown> {
    // The token goes only to the API's own origin, even if a `next` link points elsewhere.
    if (url.origin !== this.#base.origin)
      throw new OnCallApiError(
        `the API sent a link to another server (${url.origin}); refusing to send the token there`,
      );
    const headers: Record<string, string> = { authorization: this.#opts.token, accept: 'application/json' };
    if (this.#opts.grafanaUrl) headers['x-grafana-url'] = this.#opts.grafanaUrl;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.#opts.fetch(url, { method: 'GET', headers, redirect: 'error' });
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
        throw new OnCallApiError(
          `cannot reach the OnCall API at ${this.#base.origin}${cause}; check --api-url`,
        );
      }
      const text = await readLimited(res, this.#opts.maxBodyBytes);
      if (res.status === 429 && attempt < this.#opts.maxRetries) {
        await this.#opts.sleep(retryDelayMs(res.headers, attempt, this.#now()));
        continue;
      }
      if (res.status === 401 || res.status === 403)
        throw new OnCallApiError(
          `OnCall refused the token (${res.status}${detail(text)}): use an API key from OnCall → Settings → API keys, or a service account token with --grafana-url`,
          res.status,
        );
      if (!res.ok)
        throw new OnCallApiError(`GET ${url.pathname} answered ${res.status}${detail(text)}`, res.status);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new OnCallApiError(`GET ${url.pathname} did not answer JSON`, res.status);
      }
    }
  }

  /** Every item of a list endpoint, following `next` until it is null. */
  async list(path: string, query: Record<string, string> = {}): Promise<unknown[]> {
    const out: unknown[] = [];
    let url: URL | null = this.url(path, query);
    const seen = new Set<string>();
    for (let pages = 0; url; pages++) {
      if (pages >= this.#opts.maxPages)
        throw new OnCallApiError(`${path}: more than ${this.#opts.maxPages} pages`);
      if (seen.has(url.href))
        throw new OnCallApiError(`${path}: the API's next link loops back to ${url.href}`);
      seen.add(url.href);
      const page = (await this.get(url)) as Page | null;
      if (!page || typeof page !== 'object' || !Array.isArray(page.results))
        throw new OnCallApiError(`${path}: not a paginated list (no results array)`);
      out.push(...(page.results as unknown[]));
      if (out.length > this.#opts.maxItems)
        throw new OnCallApiError(`${path}: more than ${this.#opts.maxItems} items`);
      url = typeof page.next === 'string' && page.next ? new URL(page.next, this.#base) : null;
    }
    return out;
  }
}

async function readLimited(res: Response, max: number): Promise<string> {
  const length = Number(res.headers.get('content-length'));
  if (Number.isFinite(length) && length > max)
    throw new OnCallApiError(`an answer of ${length} bytes is over the ${max}-byte limit`);
  const text = await res.text();
  if (Buffer.byteLength(text) > max) throw new OnCallApiError(`an answer is over the ${max}-byte limit`);
  return text;
}

function detail(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    return typeof body.detail === 'string' ? `: ${body.detail.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
