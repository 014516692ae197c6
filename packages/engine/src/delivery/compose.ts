/**
 * Turns a notification row and its incident into the words each channel sends: a subject line, a body
 * with the links, and an SMS-sized line with the reply codes.
 */
import { changedLine, describeChange } from '../deployments/changes.ts';
import type { ChangeDto } from '../deployments/model.ts';
import type { NotificationRow } from '../db/tables.ts';
import { incidentContext } from '../incidents/context.ts';
import type { AlertDto, IncidentDto } from '../incidents/model.ts';
import type { DeliveryChannel, OutboundMessage } from './provider.ts';
import type { ComposeConfig } from './config.ts';

const STATE_WORD = { triggered: 'TRIGGERED', acknowledged: 'ACKNOWLEDGED', resolved: 'RESOLVED' } as const;

export function composeMessage(
  config: ComposeConfig,
  row: NotificationRow,
  incident: IncidentDto | null,
  alerts: readonly AlertDto[],
  changes: readonly ChangeDto[] = [],
): OutboundMessage {
  const callbackBaseUrl = config.server.publicUrl?.replace(/\/$/, '') ?? null;
  const kind: OutboundMessage['kind'] =
    row.kind === 'handoff' ? 'handoff' : row.kind === 'update' ? 'update' : 'page';
  const base = {
    notificationId: row.id,
    kind,
    channel: row.channel as DeliveryChannel,
    address: row.address,
    urgency: row.urgency,
    callbackBaseUrl,
  };
  if (!incident) {
    const d = JSON.parse(row.detail) as { scheduleName?: string; until?: number | null };
    const until = d.until
      ? ` until ${new Date(d.until).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : '';
    const text = `You are now on call for ${d.scheduleName ?? 'a schedule'}${until}.`;
    return {
      ...base,
      incident: null,
      context: null,
      subject: `On call: ${d.scheduleName ?? ''}`.trim(),
      body: text,
      short: text.slice(0, 160),
    };
  }
  const service = config.services.find((s) => s.id === incident.service);
  const context = incidentContext(config, incident, alerts);
  const state = incident.state === 'triggered' ? '' : ` ${STATE_WORD[incident.state]}`;
  const subject = `[${incident.tier}]${state} #${incident.id} ${incident.title} (${service?.name ?? incident.service})`;
  const lines = [
    `${incident.title}`,
    `Service: ${service?.name ?? incident.service} · Tier: ${incident.tier} ${config.tiers[incident.tier].name} · State: ${incident.state}`,
  ];
  if (context.value) lines.push(`Value: ${context.value}`);
  const description = context.annotations.description;
  if (description) lines.push(description);
  const changed = kind === 'update' ? null : changedLine(changes);
  if (changed) lines.push(changed);
  for (const [label, url] of [
    ['Dashboard', context.dashboardUrl],
    ['Logs', context.logsUrl],
    ['Runbook', context.runbookUrl],
    ['Silence', context.silenceUrl],
    ['Incident', context.incidentUrl],
  ] as const) {
    if (url) lines.push(`${label}: ${url}`);
  }
  const reply =
    incident.state === 'triggered' ? ` Reply "ack ${incident.id}" or "resolve ${incident.id}".` : '';
  const head = `[${incident.tier}]${state} #${incident.id} `;
  const room = 160 - head.length - reply.length;
  const title =
    incident.title.length > room ? `${incident.title.slice(0, Math.max(0, room - 1))}…` : incident.title;
  // The latest change goes in the SMS only when the whole title still fits beside it.
  const latest = changed && changes[0] ? ` Changed: ${describeChange(changes[0])}.` : '';
  const withChange = latest && title.length + latest.length <= room ? latest : '';
  return {
    ...base,
    incident: {
      id: incident.id,
      title: incident.title,
      tier: incident.tier,
      state: incident.state,
      service: incident.service,
      serviceName: service?.name ?? incident.service,
      createdAt: incident.createdAt,
    },
    context,
    subject,
    body: lines.join('\n'),
    short: `${head}${title}${withChange}${reply}`,
    changes: kind === 'update' ? [] : changes,
  };
}
