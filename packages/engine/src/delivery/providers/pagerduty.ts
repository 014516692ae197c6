/**
 * Forwarding to PagerDuty Events API v2 for teams that keep PagerDuty: `POST {url}` (default
 * https://events.pagerduty.com/v2/enqueue) with trigger, acknowledge and resolve under a stable
 * `dedup_key` (`klaxon-<incident id>`), the incident's links and custom_details.
 */
import {
  checkResponse,
  ProviderError,
  type NotificationProvider,
  type OutboundMessage,
} from '../provider.ts';

export interface PagerDutyForwardOptions {
  id: string;
  url?: string;
}

const SEVERITY: Record<string, string> = { T1: 'critical', T2: 'warning', T3: 'info' };

export function pagerDutyEvent(msg: OutboundMessage) {
  const inc = msg.incident;
  if (!inc) throw new ProviderError('PagerDuty forwarding needs an incident', { retryable: false });
  const dedupKey = `klaxon-${inc.id}`;
  if (inc.state === 'acknowledged')
    return { routing_key: msg.address, event_action: 'acknowledge', dedup_key: dedupKey };
  if (inc.state === 'resolved')
    return { routing_key: msg.address, event_action: 'resolve', dedup_key: dedupKey };
  const ctx = msg.context;
  const links = [
    ctx?.dashboardUrl && { href: ctx.dashboardUrl, text: 'Grafana dashboard' },
    ctx?.logsUrl && { href: ctx.logsUrl, text: 'Logs' },
    ctx?.tracesUrl && { href: ctx.tracesUrl, text: 'Traces' },
    ctx?.runbookUrl && { href: ctx.runbookUrl, text: 'Runbook' },
    ctx?.incidentUrl && { href: ctx.incidentUrl, text: 'Klaxon incident' },
  ].filter(Boolean);
  return {
    routing_key: msg.address,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: msg.subject.slice(0, 1024),
      source: inc.service,
      severity: SEVERITY[inc.tier] ?? 'warning',
      timestamp: inc.createdAt,
      component: inc.serviceName,
      class: ctx?.labels.alertname,
      custom_details: {
        tier: inc.tier,
        labels: ctx?.labels ?? {},
        annotations: ctx?.annotations ?? {},
        value: ctx?.value ?? null,
      },
    },
    links,
    client: 'Klaxon',
    ...(ctx?.incidentUrl ? { client_url: ctx.incidentUrl } : {}),
  };
}

export function pagerDutyForwarder(o: PagerDutyForwardOptions): NotificationProvider {
  const url = o.url ?? 'https://events.pagerduty.com/v2/enqueue';
  return {
    id: o.id,
    type: 'pagerduty',
    channels: ['pagerduty'],
    async send(msg, signal) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(pagerDutyEvent(msg)),
        signal,
      });
      await checkResponse(res, 'PagerDuty');
      const body = (await res.json()) as { dedup_key?: string };
      return { providerId: body.dedup_key };
    },
  };
}
