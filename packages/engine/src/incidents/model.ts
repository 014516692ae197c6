/**
 * The incident API's data shapes: rows from the database turned into the JSON the API returns.
 */
import { tierSchema } from '../alerts/tier.ts';
import { z } from 'zod';
import type {
  AlertRow,
  EscalationRow,
  IncidentEventRow,
  IncidentRow,
  NotificationRow,
} from '../db/tables.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const json = (text: string): unknown => JSON.parse(text);

export const incidentSchema = z.object({
  id: z.number().int(),
  service: z.string(),
  tier: tierSchema,
  state: z.enum(['triggered', 'acknowledged', 'resolved']),
  title: z.string(),
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  reopenCount: z.number().int(),
});

export const alertSchema = z.object({
  id: z.number().int(),
  dedupKey: z.string(),
  status: z.enum(['firing', 'resolved']),
  tier: z.string(),
  source: z.string(),
  summary: z.string(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  details: z.record(z.string(), z.unknown()),
  generatorUrl: z.string().nullable(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  fireCount: z.number().int(),
});

export const eventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: z.string(),
  actor: z.string().nullable(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const notificationSchema = z.object({
  id: z.number().int(),
  user: z.string(),
  channel: z.string(),
  address: z.string(),
  urgency: z.string(),
  step: z.number().int().nullable(),
  dueAt: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

export const contextSchema = z.object({
  dashboardUrl: z.string().nullable(),
  logsUrl: z.string().nullable(),
  tracesUrl: z.string().nullable(),
  runbookUrl: z.string().nullable(),
  silenceUrl: z.string().nullable(),
  incidentUrl: z.string().nullable(),
  generatorUrl: z.string().nullable(),
  window: z.object({ from: z.string(), to: z.string() }),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  value: z.string().nullable(),
});

export const escalationSchema = z.object({
  policy: z.string(),
  state: z.string(),
  step: z.number().int(),
  cycle: z.number().int(),
  nextAt: z.string().nullable(),
});

export type IncidentDto = z.output<typeof incidentSchema>;
export type AlertDto = z.output<typeof alertSchema>;
export type EventDto = z.output<typeof eventSchema>;
export type NotificationDto = z.output<typeof notificationSchema>;

/** What a redacted address reads as. */
export const HIDDEN_ADDRESS = 'hidden';

/**
 * An incident's detail without people's contact details, for viewers (as /users shows no contact details):
 * the address of every notification to a person (phone numbers, push endpoints, email addresses, Slack
 * user ids) reads `hidden`, and so does every place the timeline or a delivery error quotes one.
 * Announcements to a service's channels (user '') keep theirs.
 *
 * @example
 * const shown = hasRole(principal, 'responder') ? detail : withoutContactDetails(detail);
 */
export function withoutContactDetails<T extends { notifications: NotificationDto[]; timeline: EventDto[] }>(
  detail: T,
): T {
  const addresses = [...new Set(detail.notifications.filter((n) => n.user !== '').map((n) => n.address))]
    // Too short to find safely in free text (no real address is); the field itself is still hidden.
    .filter((a) => a.length >= 3)
    // Longer first, so no address is left half-replaced by a shorter one inside it.
    .sort((a, b) => b.length - a.length);
  const scrub = (text: string) =>
    addresses.reduce((out, address) => out.split(address).join(HIDDEN_ADDRESS), text);
  const scrubValue = (value: unknown): unknown =>
    typeof value === 'string'
      ? scrub(value)
      : Array.isArray(value)
        ? value.map(scrubValue)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v)]))
          : value;
  return {
    ...detail,
    notifications: detail.notifications.map((n) => ({
      ...n,
      address: n.user !== '' ? HIDDEN_ADDRESS : n.address,
      lastError: n.lastError === null ? null : scrub(n.lastError),
    })),
    timeline: detail.timeline.map((e) => ({
      ...e,
      message: scrub(e.message),
      data: scrubValue(e.data) as Record<string, unknown>,
    })),
  };
}

export function toIncidentDto(r: IncidentRow): IncidentDto {
  return {
    id: r.id,
    service: r.service_id,
    tier: r.tier as IncidentDto['tier'],
    state: r.state,
    title: r.title,
    source: r.source,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    resolvedAt: iso(r.resolved_at),
    resolvedBy: r.resolved_by,
    reopenCount: r.reopen_count,
  };
}

export function toAlertDto(r: AlertRow): AlertDto {
  return {
    id: r.id,
    dedupKey: r.dedup_key,
    status: r.status,
    tier: r.tier,
    source: r.source,
    summary: r.summary,
    labels: json(r.labels) as Record<string, string>,
    annotations: json(r.annotations) as Record<string, string>,
    details: json(r.details) as Record<string, unknown>,
    generatorUrl: r.generator_url,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    firstSeenAt: iso(r.first_seen_at)!,
    lastSeenAt: iso(r.last_seen_at)!,
    fireCount: r.fire_count,
  };
}

export function toNotificationDto(r: NotificationRow): NotificationDto {
  return {
    id: r.id,
    user: r.user_id,
    channel: r.channel,
    address: r.address,
    urgency: r.urgency,
    step: r.step_index,
    dueAt: iso(r.due_at)!,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
  };
}

export function toEscalationDto(r: EscalationRow): z.output<typeof escalationSchema> {
  return { policy: r.policy_id, state: r.state, step: r.step_index, cycle: r.cycle, nextAt: iso(r.next_at) };
}

export function toEventDto(r: IncidentEventRow): EventDto {
  return {
    id: r.id,
    at: iso(r.at)!,
    kind: r.kind,
    actor: r.actor,
    message: r.message,
    data: json(r.data) as Record<string, unknown>,
  };
}
