/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`), so PagerDuty clients and Alertmanager's
 * `pagerduty_configs` work unchanged when pointed at Klaxon. Responses copy PagerDuty's shapes.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseTime, type IncomingAlert } from '../alerts/alert.ts';
import { httpUrl } from '../validation/url.ts';

const text = (max: number) => z.string().max(max);

export const pagerDutyEventSchema = z
  .object({
    routing_key: z
      .string({ error: "'routing_key' is missing or blank" })
      .min(1, "'routing_key' is missing or blank")
      .max(128),
    event_action: z.enum(['trigger', 'acknowledge', 'resolve'], {
      error: "'event_action' must be one of trigger, acknowledge or resolve",
    }),
    dedup_key: z.string().min(1).max(255, "'dedup_key' must be at most 255 characters").optional(),
    payload: z
      .object({
        summary: z
          .string({ error: "'payload.summary' is missing or blank" })
          .min(1, "'payload.summary' is missing or blank")
          .max(1024, "'payload.summary' must be at most 1024 characters"),
        source: z
          .string({ error: "'payload.source' is missing or blank" })
          .min(1, "'payload.source' is missing or blank")
          .max(1024),
        severity: z.enum(['critical', 'error', 'warning', 'info'], {
          error: "'payload.severity' must be one of critical, error, warning or info",
        }),
        timestamp: text(64).optional(),
        component: text(1024).optional(),
        group: text(1024).optional(),
        class: text(1024).optional(),
        custom_details: z.unknown().optional(),
      })
      .optional(),
    images: z
      .array(z.object({ src: text(8192), href: text(8192).optional(), alt: text(1024).optional() }))
      .max(100)
      .optional(),
    links: z
      .array(z.object({ href: text(8192), text: text(1024).optional() }))
      .max(100)
      .optional(),
    client: text(1024).optional(),
    client_url: text(8192).optional(),
  })
  .superRefine((event, ctx) => {
    if (event.event_action === 'trigger' && !event.payload) {
      ctx.addIssue({
        code: 'custom',
        path: ['payload'],
        message: "'payload' is required for trigger events",
      });
    }
    if (event.event_action !== 'trigger' && !event.dedup_key) {
      ctx.addIssue({
        code: 'custom',
        path: ['dedup_key'],
        message: `'dedup_key' is required for ${event.event_action} events`,
      });
    }
  })
  .describe('PagerDuty Events API v2 event');

export type PagerDutyEvent = z.output<typeof pagerDutyEventSchema>;

/** PagerDuty's answer to an accepted event. */
export const pagerDutyAccepted = z.object({
  status: z.literal('success'),
  message: z.string(),
  dedup_key: z.string(),
});

/** PagerDuty's answer to an invalid event. */
export const pagerDutyInvalid = z.object({
  status: z.string(),
  message: z.string(),
  errors: z.array(z.string()),
});

export function fromPagerDutyEvent(event: PagerDutyEvent): IncomingAlert {
  const dedupKey = event.dedup_key ?? randomUUID().replaceAll('-', '');
  const p = event.payload;
  const labels: Record<string, string> = {};
  const details: Record<string, unknown> = {};
  if (p) {
    labels.severity = p.severity;
    labels.source = p.source;
    if (p.component) labels.component = p.component;
    if (p.group) labels.group = p.group;
    if (p.class) labels.class = p.class;
    if (p.custom_details !== undefined) details.custom_details = p.custom_details;
    // Senders that know our tier model (e.g. `klaxon build --target pagerduty`) put it in custom_details.
    const tier = (p.custom_details as Record<string, unknown> | null | undefined)?.tier;
    if (typeof tier === 'string') labels.tier = tier;
  }
  if (event.links) details.links = event.links;
  if (event.images) details.images = event.images;
  if (event.client) details.client = event.client;
  return {
    action: event.event_action,
    dedupKey,
    groupKey: `pd:${dedupKey}`,
    summary: p?.summary ?? dedupKey,
    labels,
    annotations: {},
    details,
    // Kept only when it is http(s); a bad link never costs the event.
    generatorUrl: httpUrl(event.client_url),
    startsAt: parseTime(p?.timestamp),
    endsAt: null,
  };
}
