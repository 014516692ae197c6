/**
 * The catalog of API error codes. Every error the HTTP API returns has one of these codes, its HTTP
 * status, and a sentence a person can act on. `docs/api.md` documents each code; a test checks that.
 */
export const ERROR_CODES = {
  invalid_json: {
    status: 400,
    hint: 'The body is not valid JSON. Send a JSON document with Content-Type: application/json.',
  },
  empty_body: { status: 400, hint: 'The body is empty. Send a JSON document.' },
  invalid_payload: {
    status: 400,
    hint: 'The body does not match the endpoint schema; see details for each problem.',
  },
  invalid_query: { status: 400, hint: 'A query parameter is invalid; see details.' },
  invalid_params: { status: 400, hint: 'A path parameter is invalid; see details.' },
  override_unreachable: {
    status: 400,
    hint: 'The override would put on call someone who cannot be paged at an urgency the schedule pages at (no notification rule, or no contact method for one). Choose someone who can be paged, or add their contact methods in the config.',
  },
  invalid_override_range: {
    status: 400,
    hint: "The override's range is refused: to must be after from, from at most an hour ago and at most 366 days ahead, and the override no longer than the schedule's overrideMaxDays (default 90).",
  },
  not_on_call: {
    status: 400,
    hint: 'A shift request hands over time its requester is on call (and a swap takes time the other person is on call), overrides included. Pick a range inside the shift, as GET /api/v1/schedules/:id/shifts shows it.',
  },
  invalid_temporary_schedule: {
    status: 400,
    hint: "A temporary schedule's shift ends before it starts, lies outside the period, or overlaps another shift. Give each moment of the period exactly one person.",
  },
  temporary_gap: {
    status: 400,
    hint: 'The shifts of a temporary schedule leave part of its period uncovered (the message names it): it replaces the schedule there, so nobody would be on call. Add a shift for that time or shorten the period.',
  },
  unknown_service: {
    status: 400,
    hint: 'The deployment names no service in the config. Use a service id, or map the repository or Argo CD app under deployments in the config.',
  },
  missing_credentials: {
    status: 401,
    hint: 'Send an Authorization: Bearer <key> header with an integration key or API token from the config.',
  },
  invalid_credentials: {
    status: 401,
    hint: 'The key or token is not in the config (check for typos or a rotated key), or the sign-in username or password is wrong.',
  },
  wrong_integration_source: {
    status: 403,
    hint: 'This integration key is for another source. Use a key whose source matches this endpoint.',
  },
  forbidden: {
    status: 403,
    hint: "Your role (the API token's, or the signed-in person's) does not allow this action, or the resource belongs to another team.",
  },
  session_expired: {
    status: 401,
    hint: 'The session cookie names no live session: it expired, the person signed out, or they were removed from the config. Sign in again.',
  },
  csrf_failed: {
    status: 403,
    hint: 'A change made with the session cookie needs the X-CSRF-Token header with the csrfToken from sign-in.',
  },
  too_many_attempts: {
    status: 429,
    hint: 'Too many sign-in attempts from this address, or failed ones for this user name, in the last minute. Wait a minute and try again.',
  },
  insecure_transport: {
    status: 400,
    hint: 'Sign-in over plain http from another host: the browser would drop the Secure session cookie. Serve Klaxon over HTTPS (or behind a proxy that sends X-Forwarded-Proto: https), or set auth.cookieSecure: false.',
  },
  sns_message_invalid: {
    status: 400,
    hint: 'The body is not an Amazon SNS message (JSON with Type, MessageId, TopicArn, Message, Timestamp, SignatureVersion, Signature and SigningCertURL).',
  },
  sns_signature_invalid: {
    status: 403,
    hint: 'The SNS message signature does not verify against its signing certificate: the message was altered or not sent by Amazon SNS.',
  },
  sns_message_stale: {
    status: 403,
    hint: 'The SNS message was sent more than an hour ago (or in the future): a replay or a stale retry. It is refused; send it again if it is real.',
  },
  sns_cert_host_refused: {
    status: 403,
    hint: 'The SigningCertURL is not an https URL of a .pem file on an Amazon SNS host (sns.<region>.amazonaws.com[.cn]); it was not fetched.',
  },
  sns_subscribe_url_refused: {
    status: 403,
    hint: 'The SubscribeURL is not an https ConfirmSubscription URL on an Amazon SNS host for this topic; it was not visited.',
  },
  sns_topic_refused: {
    status: 403,
    hint: "The message's TopicArn is not in this integration key's sns.topicArns.",
  },
  sns_cert_unavailable: {
    status: 502,
    hint: 'The SNS signing certificate could not be fetched or read; SNS retries the delivery.',
  },
  sns_confirmation_failed: {
    status: 502,
    hint: 'Visiting the SubscribeURL failed; SNS resends the confirmation, or confirm it by hand (docs/aws.md).',
  },
  config_invalid: {
    status: 400,
    hint: 'The config file was not reloaded: it has problems (each in details, with file:line:column). The running config is unchanged; fix the file and reload again.',
  },
  push_endpoint_refused: {
    status: 400,
    hint: "The browser's push endpoint is not on a push service the config allows (https, a host in the webpush provider's endpointHosts). Use a supported browser, or ask an admin to allow that push service.",
  },
  push_not_configured: {
    status: 409,
    hint: 'No webpush provider is configured, so browsers cannot receive notifications. Add one with VAPID keys (notifications.providers[] type webpush).',
  },
  not_found: { status: 404, hint: 'No such resource.' },
  route_not_found: { status: 404, hint: 'No such endpoint. See /api/v1/openapi.json for the API.' },
  method_not_allowed: { status: 405, hint: 'This endpoint does not take that HTTP method.' },
  incident_resolved: { status: 409, hint: 'The incident is already resolved.' },
  request_closed: {
    status: 409,
    hint: 'The shift request is no longer open: someone else accepted it first, or it was declined, canceled or expired. Reload the requests.',
  },
  request_overlap: {
    status: 409,
    hint: 'You already have an open request over part of this range. Cancel it first, or ask for another range.',
  },
  temporary_overlap: {
    status: 409,
    hint: 'Another temporary schedule of this schedule overlaps the period. Remove it first, or pick another period.',
  },
  not_escalating: { status: 409, hint: 'The incident has no escalation step left to run now.' },
  not_an_advisory: {
    status: 404,
    hint: 'The incident is not an advisory: only T3 incidents (opened since advisories were tracked) are reviewed. Open it in Klaxon instead.',
  },
  advisory_decided: {
    status: 409,
    hint: 'The advisory was already decided: a reviewed or dismissed one can only be promoted, a promoted one not changed. Reload the advisories.',
  },
  link_invalid: {
    status: 404,
    hint: 'The action link is not valid: it was cut short, altered, or is too old to be known. Open the incident in Klaxon instead.',
  },
  link_wrong_incident: {
    status: 400,
    hint: 'The action link belongs to another incident than the one in its address. Use the link exactly as it was sent.',
  },
  link_used: {
    status: 409,
    hint: 'The action link was already used; each link works once. Open the incident in Klaxon to see its state.',
  },
  link_expired: {
    status: 410,
    hint: 'The action link has expired (actionLinks.ttlMinutes after the page was sent). Open the incident in Klaxon instead.',
  },
  payload_too_large: {
    status: 413,
    hint: 'The body is larger than server.bodyLimitBytes. Send fewer alerts per request or raise the limit.',
  },
  payload_too_deep: {
    status: 400,
    hint: 'The body nests objects and arrays more than 32 levels deep (the body itself is level 1). Flatten the field the message names and send again.',
  },
  unsupported_media_type: { status: 415, hint: 'Send the body with Content-Type: application/json.' },
  unavailable: { status: 503, hint: 'The database is not reachable right now. Retry with backoff.' },
  internal: {
    status: 500,
    hint: 'An unexpected error happened. It has been logged; retry, and report it if it persists.',
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

/** An error the API turns into a response with its code's status. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Fastify reads the status from here. */
  readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message?: string, details?: ErrorDetail[]) {
    super(message ?? ERROR_CODES[code].hint);
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.statusCode = this.status;
    this.details = details;
  }

  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

/** Fastify's own errors (body parsing, limits, schema validation) as API errors. */
export function toApiError(err: Error & { code?: string; statusCode?: number }): ApiError {
  if (err instanceof ApiError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('empty_body');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('invalid_payload', 'The Content-Length header does not match the body.');
  }
  if (err.statusCode === 400 || err instanceof SyntaxError) {
    return err instanceof SyntaxError || /JSON/i.test(err.message)
      ? new ApiError('invalid_json', `The body is not valid JSON (${err.message}). Send a JSON document.`)
      : new ApiError('invalid_payload', `${err.message}. Fix the body and retry.`);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new ApiError('invalid_payload', err.message);
  }
  return new ApiError('internal');
}
