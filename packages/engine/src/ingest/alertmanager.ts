/**
 * Alertmanager's webhook payload (version 4) and Grafana's alerting webhook, which extends it. Both
 * de-duplicate alerts on their fingerprint and group them into incidents by group key.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseTime, type IncomingAlert } from '../alerts/alert.ts';
import { httpUrl } from '../validation/url.ts';
import { MAX_ALERTS_PER_REQUEST, MAX_LABELS_PER_ALERT } from './limits.ts';

const labelMap = z
  .record(z.string().max(1024), z.string().max(16_384))
  .refine(
    (labels) => Object.keys(labels).length <= MAX_LABELS_PER_ALERT,
    `at most ${MAX_LABELS_PER_ALERT} labels (or annotations) per alert`,
  );

const alertList = <T extends z.ZodType>(alert: T) =>
  z
    .array(alert)
    .min(1)
    .max(
      MAX_ALERTS_PER_REQUEST,
      `at most ${MAX_ALERTS_PER_REQUEST} alerts per request; set max_alerts in the webhook config`,
    );

const webhookAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: z.string().max(64).optional(),
  endsAt: z.string().max(64).optional(),
  generatorURL: z.string().max(8192).optional(),
  fingerprint: z.string().min(1).max(255).optional(),
});

const webhookBase = {
  groupKey: z.string().max(8192).optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(1024).optional(),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().max(8192).optional(),
};

/** `POST /api/v1/ingest/alertmanager`: Alertmanager's webhook_config payload. */
export const alertmanagerWebhookSchema = z
  .object({
    version: z.literal('4', {
      error: 'Alertmanager webhook version must be "4" (Alertmanager 0.10 and later)',
    }),
    ...webhookBase,
    alerts: alertList(webhookAlert),
  })
  .describe('Alertmanager webhook payload, version 4');

const grafanaAlert = webhookAlert.extend({
  values: z.record(z.string(), z.unknown()).nullish(),
  valueString: z.string().max(16_384).optional(),
  silenceURL: z.string().max(8192).optional(),
  dashboardURL: z.string().max(8192).optional(),
  panelURL: z.string().max(8192).optional(),
  imageURL: z.string().max(8192).optional(),
});

/** `POST /api/v1/ingest/grafana`: Grafana alerting's webhook contact point payload. */
export const grafanaWebhookSchema = z
  .object({
    version: z.string().max(16).optional(),
    orgId: z.number().int().optional(),
    title: z.string().max(16_384).optional(),
    state: z.string().max(64).optional(),
    message: z.string().max(65_536).optional(),
    ...webhookBase,
    alerts: alertList(grafanaAlert),
  })
  .describe('Grafana alerting webhook payload');

export type AlertmanagerWebhook = z.output<typeof alertmanagerWebhookSchema>;
export type GrafanaWebhook = z.output<typeof grafanaWebhookSchema>;
type WebhookAlert = z.output<typeof grafanaAlert>;

/** Alertmanager's own fingerprint is a hash of the label set; we compute a stand-in when a sender omits it. */
export function labelsFingerprint(labels: Record<string, string>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(labels).sort()) h.update(`${k}\u0000${labels[k]}\u0000`);
  return h.digest('hex').slice(0, 16);
}

export function summaryOf(labels: Record<string, string>, annotations: Record<string, string>): string {
  const text =
    annotations.summary || annotations.title || annotations.description || labels.alertname || 'Alert';
  return text.length > 1024 ? `${text.slice(0, 1021)}...` : text;
}

/** Turns a webhook payload (Alertmanager or Grafana) into incoming alerts. */
export function fromWebhook(payload: AlertmanagerWebhook | GrafanaWebhook): IncomingAlert[] {
  const groupKey = payload.groupKey || `${payload.receiver ?? ''}:${JSON.stringify(payload.groupLabels)}`;
  return payload.alerts.map((a: WebhookAlert) => {
    const details: Record<string, unknown> = {};
    if (payload.receiver) details.receiver = payload.receiver;
    if (payload.externalURL) details.externalURL = payload.externalURL;
    for (const k of [
      'values',
      'valueString',
      'silenceURL',
      'dashboardURL',
      'panelURL',
      'imageURL',
    ] as const) {
      if (a[k] != null) details[k] = a[k];
    }
    return {
      action: a.status === 'firing' ? 'trigger' : 'resolve',
      dedupKey: a.fingerprint ?? labelsFingerprint(a.labels),
      groupKey,
      summary: summaryOf(a.labels, a.annotations),
      labels: a.labels,
      annotations: a.annotations,
      details,
      // A link from the sender: kept only when it is http(s), and never a reason to refuse the alert.
      generatorUrl: httpUrl(a.generatorURL),
      startsAt: parseTime(a.startsAt),
      endsAt: a.status === 'resolved' ? parseTime(a.endsAt) : null,
    };
  });
}
