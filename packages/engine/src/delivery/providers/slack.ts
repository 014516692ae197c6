/**
 * Slack Web API with a bot token: `POST {base}/api/chat.postMessage` (to a channel id, or a user id for
 * a DM) with Block Kit and Acknowledge/Resolve buttons, and `POST {base}/api/chat.update` to rewrite the
 * message when the incident changes. Interactivity requests are verified with the signing secret
 * (verifySlackSignature).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  checkResponse,
  ProviderError,
  type NotificationProvider,
  type OutboundMessage,
  type SendResult,
} from '../provider.ts';

export interface SlackOptions {
  id: string;
  botToken: string;
  baseUrl?: string;
}

export const SLACK_ACTIONS = { acknowledge: 'klaxon_acknowledge', resolve: 'klaxon_resolve' } as const;

/** The Block Kit blocks for an incident message. */
export function slackBlocks(msg: OutboundMessage): unknown[] {
  const ctx = msg.context;
  const links = [
    ctx?.dashboardUrl && `<${ctx.dashboardUrl}|Dashboard>`,
    ctx?.logsUrl && `<${ctx.logsUrl}|Logs>`,
    ctx?.tracesUrl && `<${ctx.tracesUrl}|Traces>`,
    ctx?.runbookUrl && `<${ctx.runbookUrl}|Runbook>`,
    ctx?.silenceUrl && `<${ctx.silenceUrl}|Silence>`,
    ctx?.incidentUrl && `<${ctx.incidentUrl}|Incident>`,
  ].filter(Boolean);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: msg.subject.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: msg.body.slice(0, 2900) } },
  ];
  if (links.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] });
  const inc = msg.incident;
  if (inc && inc.state !== 'resolved') {
    const buttons: unknown[] = [];
    if (inc.state === 'triggered') {
      buttons.push({
        type: 'button',
        action_id: SLACK_ACTIONS.acknowledge,
        text: { type: 'plain_text', text: 'Acknowledge' },
        style: 'primary',
        value: String(inc.id),
      });
    }
    buttons.push({
      type: 'button',
      action_id: SLACK_ACTIONS.resolve,
      text: { type: 'plain_text', text: 'Resolve' },
      value: String(inc.id),
    });
    blocks.push({ type: 'actions', block_id: `klaxon_incident_${inc.id}`, elements: buttons });
  }
  return blocks;
}

export function slackProvider(o: SlackOptions): NotificationProvider {
  const base = (o.baseUrl ?? 'https://slack.com').replace(/\/$/, '');
  const call = async (method: string, payload: object, signal: AbortSignal) => {
    const res = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
      signal,
    });
    await checkResponse(res, 'Slack');
    const body = (await res.json()) as { ok: boolean; error?: string; ts?: string; channel?: string };
    if (!body.ok) {
      throw new ProviderError(`Slack ${method} failed: ${body.error ?? 'unknown error'}`, {
        retryable:
          body.error === 'ratelimited' ||
          body.error === 'service_unavailable' ||
          body.error === 'internal_error',
      });
    }
    return body;
  };
  return {
    id: o.id,
    type: 'slack',
    channels: ['slack'],
    async send(msg, signal): Promise<SendResult> {
      const body = await call(
        'chat.postMessage',
        { channel: msg.address, text: msg.subject, blocks: slackBlocks(msg), unfurl_links: false },
        signal,
      );
      return { providerId: body.ts, providerRef: body.channel };
    },
    async update(msg, previous, signal) {
      await call(
        'chat.update',
        {
          channel: previous.providerRef ?? msg.address,
          ts: previous.providerId,
          text: msg.subject,
          blocks: slackBlocks(msg),
        },
        signal,
      );
    },
  };
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret. */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export function verifySlackSignature(
  signingSecret: string,
  timestamp: string | undefined,
  rawBody: string,
  header: string | undefined,
  nowMs: number,
): boolean {
  if (!timestamp || !header || !/^\d+$/.test(timestamp)) return false;
  // Refuse replays older than five minutes, as Slack advises.
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
