/**
 * Reading a holidays calendar over HTTP: a GET with a timeout and a size limit, through an injectable
 * fetch. Errors say what went wrong without the URL (it may hold a secret), and `safeUrl` is the URL as
 * logs may show it: scheme and host only.
 */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface DownloadLimits {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Refuse a body larger than this (bytes). */
  maxBytes: number;
}

export const DEFAULT_LIMITS: DownloadLimits = { timeoutMs: 10_000, maxBytes: 1024 * 1024 };

export class DownloadError extends Error {}

/**
 * The URL as logs may show it: scheme and host only. Private calendar links carry their secret in the
 * user info, the query or the path (Google's `/calendar/ical/<id>/private-<token>/basic.ics`), so the
 * path goes too; the `calendar` field of the log line says which calendar it was.
 */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '/' : '/…'}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** The body of `url` as text; throws a DownloadError on a non-2xx answer, a timeout or a body too large. */
export async function download(fetchImpl: FetchLike, url: string, limits: DownloadLimits): Promise<string> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'GET',
      headers: { accept: 'text/calendar, text/plain;q=0.5' },
      redirect: 'follow',
      signal,
    });
  } catch (err) {
    throw failure(err, limits);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new DownloadError(`the calendar server answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limits.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new DownloadError(`the calendar is larger than ${limits.maxBytes} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (done || !value) break;
      size += value.byteLength;
      if (size > limits.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new DownloadError(`the calendar is larger than ${limits.maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (err) {
    throw err instanceof DownloadError ? err : failure(err, limits);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new DownloadError('the calendar is not UTF-8 text');
  }
}

function failure(err: unknown, limits: DownloadLimits): DownloadError {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return new DownloadError(`the calendar server did not answer within ${limits.timeoutMs / 1000} s`);
  // fetch reports refused connections, resets and DNS failures as a TypeError with a cause code.
  return new DownloadError(`the calendar server is unreachable (${e.cause?.code ?? e.name})`);
}
