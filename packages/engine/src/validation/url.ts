/**
 * Links Klaxon keeps and shows: only absolute http(s) URLs. A stored `javascript:` or `data:` URL would
 * run in the UI (or a mail client) of whoever clicks it. Kernel code: it imports nothing of the engine.
 */

/**
 * `raw` when it is an absolute http or https URL, else null. The check is on the URL as a browser parses
 * it, so ` JavaScript:…` or `java\tscript:…` is refused like `javascript:…`.
 *
 * @example
 * httpUrl('https://grafana.example.com/d/abc'); // 'https://grafana.example.com/d/abc'
 * httpUrl('javascript:alert(1)'); // null
 */
export function httpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? raw : null;
}

/** For a schema's `.refine`: what to say about a URL `httpUrl` refuses. */
export const HTTP_URL_MESSAGE = 'use an http or https URL, e.g. https://ci.example.com/runs/42';
