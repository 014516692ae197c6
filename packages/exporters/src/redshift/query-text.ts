/**
 * The start of a query's text, made safe for a label and an alert body: string literals are masked
 * (they may hold e-mail addresses or keys), whitespace and control characters collapse to one space, and
 * the result is cut to `max` characters with an ellipsis.
 */
export const QUERY_TEXT_LENGTH = 80;

/**
 * @example
 * sanitizeQueryText("SELECT *\n  FROM players WHERE email = 'bob@example.com'")
 * // "SELECT * FROM players WHERE email = '?'"
 */
export function sanitizeQueryText(text: string, max = QUERY_TEXT_LENGTH): string {
  // Left to right, so a closing quote is never taken for an opening one; '' is an escaped quote, and a
  // literal may be cut off by the system table's column width.
  const masked = text.replace(/'(?:[^']|'')*('|$)/g, (_m, close: string) => `'?${close}`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we remove
  const flat = masked.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max
    ? flat
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}
