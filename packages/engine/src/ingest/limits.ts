/**
 * The limits an ingest body meets (docs/api.md, "Limits"), each refused with a 4xx that names it: the body
 * size is `server.bodyLimitBytes` (413), nesting is checked here before anything reads the body (400
 * `payload_too_deep`), and counts and lengths are in each payload's schema (400 `invalid_payload`).
 */
import { MAX_NESTING, tooDeep } from '../alerts/alert.ts';
import { ApiError } from '../errors/errors.ts';

/** Most alerts in one Alertmanager or Grafana webhook. */
export const MAX_ALERTS_PER_REQUEST = 10_000;

/** Most labels, and most annotations, on one alert (and in a webhook's group and common label sets). */
export const MAX_LABELS_PER_ALERT = 256;

/**
 * Throws `payload_too_deep` when `value` nests objects and arrays more than `MAX_NESTING` levels deep.
 * `root` starts the path in the message (`body`, or `Message` for an SNS message's JSON).
 */
export function refuseTooDeep(value: unknown, root: string, what = 'The body'): void {
  const path = tooDeep(value, MAX_NESTING, root);
  if (!path) return;
  throw new ApiError(
    'payload_too_deep',
    `${path}: ${what} nests objects and arrays more than ${MAX_NESTING} levels deep (${root} itself is level 1); Klaxon accepts at most ${MAX_NESTING} levels. Flatten that field and send again.`,
    [{ path, message: `more than ${MAX_NESTING} levels of nested objects and arrays` }],
  );
}
