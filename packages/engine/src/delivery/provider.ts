/**
 * The one small interface every delivery provider implements, and the error it throws. Optional
 * capabilities (updating a message already sent) are detected, not assumed.
 */
import type { ChangeDto } from '../deployments/model.ts';
import type { IncidentContext } from '../incidents/context.ts';

export type DeliveryChannel = 'voice' | 'sms' | 'push' | 'email' | 'slack' | 'webhook' | 'pagerduty';

/** Everything a provider needs to send one notification. */
export interface OutboundMessage {
  notificationId: number;
  /** `notice`: about no incident, not a handoff (a cover request offer, a device's test). */
  kind: 'page' | 'handoff' | 'update' | 'notice';
  channel: DeliveryChannel;
  /** Phone number, email address, push topic, Slack channel or user, webhook or routing key. */
  address: string;
  urgency: string;
  /** The incident this is about, when any. */
  incident: {
    id: number;
    title: string;
    tier: string;
    state: string;
    service: string;
    serviceName: string;
    createdAt: string;
  } | null;
  context: IncidentContext | null;
  /** One line: "[T1] #42 Kafka consumer lag 12k (kafka)". */
  subject: string;
  /** A few lines of plain text with the links. */
  body: string;
  /** At most 160 characters, with the reply codes. */
  short: string;
  /** What changed before the incident opened (deployments), newest first; empty or absent when none. */
  changes?: readonly ChangeDto[];
  /**
   * Signed one-tap links for this page, bound to (incident, person, action), when the engine has a public
   * URL: `POST` acts, `GET` shows a confirmation page. Absent on handoffs, updates and channel posts.
   */
  actions?: { acknowledge?: string; resolve?: string };
  /** Where a provider's inbound callbacks go (Twilio voice, status callbacks). */
  callbackBaseUrl: string | null;
}

export interface SendResult {
  /** The provider's id for the message (Twilio SID, Slack ts, …). */
  providerId?: string;
  /** Where the message was posted, when that differs from the address (Slack channel id). */
  providerRef?: string;
}

export class ProviderError extends Error {
  /** Whether sending again (later, or through another provider) may work. */
  readonly retryable: boolean;
  /** The provider asked us to wait this long (HTTP 429 Retry-After). */
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(message: string, opts: { retryable: boolean; retryAfterMs?: number; status?: number }) {
    super(message);
    this.name = 'ProviderError';
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
  }
}

/**
 * A way to deliver messages.
 *
 * @example
 * const provider: NotificationProvider = {
 *   id: 'log', type: 'log', channels: ['sms'],
 *   async send(msg) { console.log(msg.short); return {}; },
 * };
 */
export interface NotificationProvider {
  readonly id: string;
  readonly type: string;
  readonly channels: readonly DeliveryChannel[];
  /** Whether this provider serves `address` (e.g. ntfy only `ntfy:` push addresses). */
  accepts?(channel: DeliveryChannel, address: string): boolean;
  send(message: OutboundMessage, signal: AbortSignal): Promise<SendResult>;
  /** Optional: edit a message sent earlier (Slack), given what `send` returned. */
  update?(message: OutboundMessage, previous: SendResult, signal: AbortSignal): Promise<void>;
}

/** Turns an HTTP response into a ProviderError unless it is a success. */
export async function checkResponse(res: Response, provider: string): Promise<void> {
  if (res.ok) return;
  const text = (await res.text().catch(() => '')).slice(0, 300);
  const retryAfter = res.headers.get('retry-after');
  const seconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  throw new ProviderError(`${provider} answered ${res.status}: ${text}`, {
    retryable: res.status === 429 || res.status >= 500,
    retryAfterMs: seconds !== undefined ? seconds * 1000 : undefined,
    status: res.status,
  });
}
