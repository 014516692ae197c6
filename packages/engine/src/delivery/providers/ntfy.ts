/**
 * ntfy, the self-hosted push service. `POST {baseUrl}/{topic}` with the message as the body and the
 * headers Title, Priority (5 for high urgency), Tags, Click and Actions; optional Bearer token.
 * Push addresses look like `ntfy:<topic>`. A page's Actions are an http button that POSTs its signed
 * acknowledge link (the notification is cleared when it succeeds) and a view button that opens the
 * incident, in ntfy's short format (`<action>, <label>, <url>, <options>`, separated by `;`).
 */
import { checkResponse, type NotificationProvider, type OutboundMessage } from '../provider.ts';

/** The Actions header for a message, or undefined when it has no button to show. */
export function ntfyActions(msg: OutboundMessage): string | undefined {
  const actions: string[] = [];
  if (msg.actions?.acknowledge)
    actions.push(`http, Acknowledge, ${msg.actions.acknowledge}, method=POST, clear=true`);
  if (msg.context?.incidentUrl) actions.push(`view, Open, ${msg.context.incidentUrl}`);
  return actions.length > 0 ? actions.join('; ') : undefined;
}

export interface NtfyOptions {
  id: string;
  baseUrl: string;
  token?: string;
}

export function ntfyProvider(o: NtfyOptions): NotificationProvider {
  const base = o.baseUrl.replace(/\/$/, '');
  return {
    id: o.id,
    type: 'ntfy',
    channels: ['push'],
    accepts: (_channel, address) => address.startsWith('ntfy:'),
    async send(msg, signal) {
      const topic = msg.address.slice('ntfy:'.length);
      const headers: Record<string, string> = {
        title: msg.subject,
        priority: msg.urgency === 'high' ? '5' : msg.kind === 'handoff' ? '2' : '4',
        tags: msg.incident ? `rotating_light,${msg.incident.tier}` : 'calendar',
      };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (msg.context?.incidentUrl) headers.click = msg.context.incidentUrl;
      else if (msg.context?.dashboardUrl) headers.click = msg.context.dashboardUrl;
      const actions = ntfyActions(msg);
      if (actions) headers.actions = actions;
      const res = await fetch(`${base}/${encodeURIComponent(topic)}`, {
        method: 'POST',
        headers,
        body: msg.body,
        signal,
      });
      await checkResponse(res, 'ntfy');
      const body = (await res.json().catch(() => ({}))) as { id?: string };
      return { providerId: body.id };
    },
  };
}
