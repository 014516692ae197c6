/**
 * Two-way paging: replies and button presses come back here, each verified before it changes anything.
 * - `POST /api/v1/webhooks/twilio/sms`: SMS replies (`ack 42`, `resolve 42`, `42a`, `1a` …), signed with
 *   `X-Twilio-Signature`.
 * - `POST /api/v1/webhooks/twilio/voice/:id` and `…/gather`: the call script, and the key pressed
 *   ("1" acknowledges, "2" escalates now).
 * - `POST /api/v1/webhooks/slack/interactions`: Acknowledge/Resolve buttons, signed with the Slack signing
 *   secret.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { ApiError } from '../errors/errors.ts';
import { acknowledgeIncident, changeOptions, escalateIncident, resolveIncident } from '../incidents/store.ts';
import { updateNotification } from '../notifications/store.ts';
import { appendTimeline, timelineEvent } from '../timeline/timeline.ts';
import { pageCallTwiml, sayTwiml, verifyTwilioSignature } from './providers/twilio.ts';
import type { InboundConfig } from './config.ts';
import { finishFailed } from './failure.ts';
import { SLACK_ACTIONS, verifySlackSignature } from './providers/slack.ts';

export interface InboundDeps {
  config: InboundConfig;
  store: KlaxonDatabase;
  clock: Clock;
  poke?: () => void;
}

type Action = 'acknowledge' | 'resolve';

/** Reads an SMS reply: `ack 42`, `a 42`, `resolve 42`, `42a`, `42 ack`, or a bare `ack` (latest page). */
export function parseReply(text: string): { action: Action; incident: number | null } | null {
  const t = text.trim().toLowerCase();
  const word = '(ack|acknowledge|a|resolve|close|r|c)';
  const m = new RegExp(`^${word}\\s*#?(\\d+)?$`).exec(t) ?? new RegExp(`^#?(\\d+)\\s*${word}$`).exec(t);
  if (!m) return null;
  const [w, num] = /^\d/.test(m[1]!) ? [m[2]!, m[1]!] : [m[1]!, m[2]];
  const action: Action = w.startsWith('a') ? 'acknowledge' : 'resolve';
  return { action, incident: num ? Number(num) : null };
}

function publicUrl(config: InboundConfig, req: FastifyRequest): string {
  const base =
    config.server.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
  return `${base}${req.url}`;
}

export function inboundRoutes(app: FastifyInstance, deps: InboundDeps): void {
  const { config, store, clock } = deps;
  const twilio = config.notifications.providers.filter((p) => p.type === 'twilio');
  const slack = config.notifications.providers.find((p) => p.type === 'slack');
  const userByAddress = (types: string[], address: string) =>
    config.users.find((u) => u.contactMethods.some((c) => types.includes(c.type) && c.address === address));
  const act = async (action: Action, incidentId: number, actor: string) => {
    const now = clock.now().getTime();
    const incident =
      action === 'acknowledge'
        ? await acknowledgeIncident(store, incidentId, actor, now, changeOptions(config))
        : await resolveIncident(store, incidentId, actor, now, changeOptions(config));
    deps.poke?.();
    return incident;
  };

  // A plugin scope of its own: the form parser below applies to these routes only.
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, body),
    );
    const form = (req: FastifyRequest) =>
      Object.fromEntries(new URLSearchParams(typeof req.body === 'string' ? req.body : ''));
    const checkTwilio = (req: FastifyRequest, fields: Record<string, string>) => {
      const account = twilio.find((t) => t.accountSid === fields.AccountSid) ?? twilio[0];
      const signature = req.headers['x-twilio-signature'];
      if (
        !account ||
        !verifyTwilioSignature(
          account.authToken,
          publicUrl(config, req),
          fields,
          typeof signature === 'string' ? signature : undefined,
        )
      ) {
        throw new ApiError(
          'forbidden',
          'The X-Twilio-Signature does not match; the request was not sent by Twilio for this account.',
        );
      }
    };

    scope.post('/api/v1/webhooks/twilio/sms', { schema: { hide: true } }, async (req, reply) => {
      const fields = form(req);
      checkTwilio(req, fields);
      const user = userByAddress(['sms', 'voice'], fields.From ?? '');
      const answer = (text: string) =>
        reply
          .type('text/xml')
          .send(
            `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${text.replace(/[<&>]/g, '')}</Message></Response>`,
          );
      if (!user) return answer('This number is not a Klaxon responder.');
      const parsed = parseReply(fields.Body ?? '');
      if (!parsed) return answer('Reply "ack <incident>" or "resolve <incident>", e.g. "ack 42".');
      let incidentId = parsed.incident;
      if (incidentId === null) {
        const last = await store.db
          .selectFrom('notifications')
          .select('incident_id')
          .where('user_id', '=', user.id)
          .where('channel', '=', 'sms')
          .where('status', '=', 'sent')
          .orderBy('sent_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        incidentId = last?.incident_id ?? null;
        if (incidentId === null)
          return answer('No page to answer; reply with the incident number, e.g. "ack 42".');
      }
      try {
        const incident = await act(parsed.action, incidentId, `sms:${user.id}`);
        return answer(`#${incident.id} ${incident.state}: ${incident.title}`);
      } catch (err) {
        if (err instanceof ApiError) return answer(err.message);
        throw err;
      }
    });

    scope.post('/api/v1/webhooks/twilio/voice/:id', { schema: { hide: true } }, async (req, reply) => {
      const fields = form(req);
      checkTwilio(req, fields);
      const id = Number((req.params as { id: string }).id);
      const row = await store.db
        .selectFrom('notifications')
        .innerJoin('incidents', 'incidents.id', 'notifications.incident_id')
        .select(['incidents.id', 'incidents.title', 'incidents.tier', 'incidents.service_id'])
        .where('notifications.id', '=', id)
        .executeTakeFirst();
      if (!row)
        return reply.type('text/xml').send(sayTwiml('This page is no longer known to Klaxon. Goodbye.'));
      const service = config.services.find((s) => s.id === row.service_id)?.name ?? row.service_id;
      const text = `Klaxon ${row.tier} page. Incident ${row.id}, ${service}: ${row.title}.`;
      return reply
        .type('text/xml')
        .send(pageCallTwiml(text, `${publicUrl(config, req).split('?')[0]}/gather`));
    });

    scope.post('/api/v1/webhooks/twilio/voice/:id/gather', { schema: { hide: true } }, async (req, reply) => {
      const fields = form(req);
      checkTwilio(req, fields);
      const id = Number((req.params as { id: string }).id);
      const row = await store.db
        .selectFrom('notifications')
        .select(['incident_id', 'user_id', 'step_index'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row?.incident_id)
        return reply.type('text/xml').send(sayTwiml('This page is no longer known to Klaxon. Goodbye.'));
      if (fields.Digits === '1') {
        const incident = await act('acknowledge', row.incident_id, `voice:${row.user_id}`).catch(
          (e: unknown) => {
            if (e instanceof ApiError) return null;
            throw e;
          },
        );
        return reply
          .type('text/xml')
          .send(
            sayTwiml(
              incident
                ? `Incident ${incident.id} acknowledged. Goodbye.`
                : 'The incident is already resolved. Goodbye.',
            ),
          );
      }
      if (fields.Digits === '2') {
        const escalated = await escalateIncident(
          store,
          row.incident_id,
          `voice:${row.user_id}`,
          clock.now().getTime(),
        ).catch((e: unknown) => {
          if (e instanceof ApiError) return null;
          throw e;
        });
        if (escalated) deps.poke?.();
        return reply
          .type('text/xml')
          .send(
            sayTwiml(
              escalated
                ? 'Escalating to the next responder now. Goodbye.'
                : 'There is no escalation step left to run. Goodbye.',
            ),
          );
      }
      return reply.type('text/xml').send(sayTwiml('Unknown key. Goodbye.'));
    });

    scope.post('/api/v1/webhooks/twilio/status/:id', { schema: { hide: true } }, async (req, reply) => {
      const fields = form(req);
      checkTwilio(req, fields);
      const id = Number((req.params as { id: string }).id);
      const status = fields.MessageStatus ?? fields.CallStatus ?? '';
      const row = Number.isInteger(id)
        ? await store.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst()
        : undefined;
      // Twilio retries non-2xx callbacks; anything we cannot use is acknowledged and ignored.
      if (!row || row.status !== 'sent') return reply.code(204).send();
      const now = clock.now().getTime();
      const note = async (kind: string, message: string) => {
        if (row.incident_id === null) return;
        await appendTimeline(store.db, [
          timelineEvent(row.incident_id, now, kind, 'twilio', message, {
            notificationId: id,
            channel: row.channel,
            status,
          }),
        ]);
      };
      if (status === 'delivered' || status === 'completed') {
        await updateNotification(store.db, id, { status: 'delivered', updated_at: now });
        await note('notification.delivered', `${row.channel} to ${row.user_id || row.address} ${status}`);
      } else if (['undelivered', 'failed', 'busy', 'no-answer', 'canceled'].includes(status)) {
        await note(
          'notification.failed',
          `${row.channel} to ${row.user_id || row.address}: Twilio reports ${status}`,
        );
        await finishFailed({ db: store.db, clock, poke: deps.poke }, row, `Twilio reports ${status}`);
      }
      return reply.code(204).send();
    });

    scope.post('/api/v1/webhooks/slack/interactions', { schema: { hide: true } }, async (req, reply) => {
      const raw = typeof req.body === 'string' ? req.body : '';
      const ts = req.headers['x-slack-request-timestamp'];
      const sig = req.headers['x-slack-signature'];
      if (
        !slack ||
        slack.type !== 'slack' ||
        !verifySlackSignature(
          slack.signingSecret,
          typeof ts === 'string' ? ts : undefined,
          raw,
          typeof sig === 'string' ? sig : undefined,
          clock.now().getTime(),
        )
      ) {
        throw new ApiError(
          'forbidden',
          'The Slack signature does not match this app’s signing secret, or the request is older than 5 minutes.',
        );
      }
      let payload: {
        user?: { id?: string; username?: string };
        actions?: { action_id?: string; value?: string }[];
      };
      try {
        payload = JSON.parse(new URLSearchParams(raw).get('payload') ?? '') as typeof payload;
      } catch {
        throw new ApiError('invalid_payload', 'Expected a Slack interactivity payload (payload=<JSON>).');
      }
      const action = payload.actions?.[0];
      const incidentId = Number(action?.value);
      const verb =
        action?.action_id === SLACK_ACTIONS.acknowledge
          ? 'acknowledge'
          : action?.action_id === SLACK_ACTIONS.resolve
            ? 'resolve'
            : null;
      if (!verb || !Number.isInteger(incidentId)) return reply.code(200).send();
      const slackUser = payload.user?.id ?? '';
      const user = userByAddress(['slack'], slackUser);
      await act(
        verb,
        incidentId,
        user ? `slack:${user.id}` : `slack:${payload.user?.username ?? slackUser}`,
      ).catch((e: unknown) => {
        if (!(e instanceof ApiError)) throw e;
      });
      return reply.code(200).send();
    });
    done();
  });
}
