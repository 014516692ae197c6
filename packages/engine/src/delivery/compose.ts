/**
 * Turns a notification row and its incident into the words each channel sends: a subject line, a body
 * with the links, and an SMS-sized line with the acknowledge link and the reply codes. A page's signed
 * action links (actions/links.ts) go in the SMS line and the email body; push providers read
 * `message.actions`. A row with no incident is a handoff notice, or a message whose `detail` carries
 * its own `subject`, `text` and optional `url` (a cover-request offer).
 */
import { changedLine, describeChange } from '../deployments/changes.ts';
import type { ChangeDto } from '../deployments/model.ts';
import type { NotificationRow } from '../db/tables.ts';
import { incidentContext } from '../incidents/context.ts';
import type { AlertDto, IncidentDto } from '../incidents/model.ts';
import type { DeliveryChannel, OutboundMessage } from './provider.ts';
import type { ComposeConfig } from './config.ts';

const STATE_WORD = { triggered: 'TRIGGERED', acknowledged: 'ACKNOWLEDGED', resolved: 'RESOLVED' } as const;
const SMS = 160;
/** Below this much room for the title, the SMS drops the reply codes and keeps the link. */
const MIN_TITLE = 20;

type Actions = NonNullable<OutboundMessage['actions']>;

/** A message row with no incident: its own words when `detail` has them, else a handoff notice. */
function standalone(detail: string): { subject: string; body: string; short: string } {
  const d = JSON.parse(detail) as Record<string, unknown>;
  if (typeof d.subject === 'string' && typeof d.text === 'string') {
    const url = typeof d.url === 'string' ? d.url : '';
    const tail = url ? ` ${url}` : '';
    const room = SMS - tail.length;
    const text = d.text.length > room ? `${d.text.slice(0, Math.max(0, room - 1))}…` : d.text;
    return { subject: d.subject, body: url ? `${d.text}\n${url}` : d.text, short: `${text}${tail}` };
  }
  const name = typeof d.scheduleName === 'string' ? d.scheduleName : undefined;
  const until =
    typeof d.until === 'number' && d.until
      ? ` until ${new Date(d.until).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : '';
  const text = `You are now on call for ${name ?? 'a schedule'}${until}.`;
  return { subject: `On call: ${name ?? ''}`.trim(), body: text, short: text.slice(0, SMS) };
}

export function composeMessage(
  config: ComposeConfig,
  row: NotificationRow,
  incident: IncidentDto | null,
  alerts: readonly AlertDto[],
  changes: readonly ChangeDto[] = [],
  actions?: Actions,
): OutboundMessage {
  const callbackBaseUrl = config.server.publicUrl?.replace(/\/$/, '') ?? null;
  // Rows about no incident other than handoffs (cover offers, a device's test) are notices.
  const kind: OutboundMessage['kind'] =
    row.kind === 'handoff'
      ? 'handoff'
      : row.kind === 'update'
        ? 'update'
        : incident || row.incident_id !== null
          ? 'page'
          : 'notice';
  const base = {
    notificationId: row.id,
    kind,
    channel: row.channel as DeliveryChannel,
    address: row.address,
    urgency: row.urgency,
    callbackBaseUrl,
  };
  if (!incident) return { ...base, incident: null, context: null, ...standalone(row.detail) };
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
  if (base.channel === 'email') {
    if (actions?.acknowledge) lines.push(`Acknowledge: ${actions.acknowledge}`);
    if (actions?.resolve) lines.push(`Resolve: ${actions.resolve}`);
  }
  for (const [label, url] of [
    ['Dashboard', context.dashboardUrl],
    ['Logs', context.logsUrl],
    ['Traces', context.tracesUrl],
    ['Runbook', context.runbookUrl],
    ['Silence', context.silenceUrl],
    ['Incident', context.incidentUrl],
  ] as const) {
    if (url) lines.push(`${label}: ${url}`);
  }
  const reply =
    incident.state === 'triggered' ? ` Reply "ack ${incident.id}" or "resolve ${incident.id}".` : '';
  const head = `[${incident.tier}]${state} #${incident.id} `;
  const link = actions?.acknowledge ? ` ${actions.acknowledge}` : '';
  // The title shrinks first; the reply codes go when they would leave the title too little room.
  const tail = link && SMS - head.length - link.length - reply.length < MIN_TITLE ? link : `${link}${reply}`;
  const room = SMS - head.length - tail.length;
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
    short: `${head}${title}${withChange}${tail}`,
    changes: kind === 'update' ? [] : changes,
    ...(actions ? { actions } : {}),
  };
}
