/**
 * The only links the UI renders from data (alert sources, runbooks, deployments): absolute http(s) URLs.
 * A stored `javascript:` or `data:` URL must never become a link someone can click.
 */

/**
 * `url` when it is an absolute http or https URL, else null. The check is on the URL as the browser parses
 * it, so ` JavaScript:…` or `java\tscript:…` is refused like `javascript:…`.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
