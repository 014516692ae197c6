/**
 * Two-way paging: replies and button presses come back here, each verified before it changes anything.
 * - `POST /api/v1/webhooks/twilio/sms`: SMS replies (`ack 42`, `resolve 42`, `42a`, `1a` …), signed with
 *   `X-Twilio-Signature`.
 * - `POST /api/v1/webhooks/twilio/voice/:id` and `…/gather`: the call script, and the key pressed
 *   ("1" acknowledges, "2" escalates now).
 * - `POST /api/v1/webhooks/slack/interactions`: Acknowledge/Resolve buttons, signed with the Slack signing
 *   secret.
 * Whoever acts is a Klaxon user identified by the channel (the user whose number sent the SMS, the person
 * the call paged, the user whose `slack` contact method is the Slack user id), and goes through the same
 * role and team check as the API (`authorizeAction`); a refusal tells them why, in the channel's own
 * medium, and changes nothing. A signed request is accepted once (replay.ts).
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { authorizeAction, channelPrincipal, type ChannelVia, type Principal } from '../auth/principal.ts';
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
import { firstSighting, SLACK_REPLAY_MS, TWILIO_REPLAY_MS } from './replay.ts';

export interface InboundDeps {
  config: InboundConfig;
  store: KlaxonDatabase;
  clock: Clock;
  poke?: () => void;
}

type Action = 'acknowledge' | 'resolve';
type InboundUser = InboundConfig['users'][number];

const NOTHING_CHANGED = 'Nothing was changed.';

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

/** Whether incident `incidentId` paged `userId` (a page notification to them, on any channel). */
async function wasPaged(store: KlaxonDatabase, incidentId: number, userId: string): Promise<boolean> {
  const row = await store.db
    .selectFrom('notifications')
    .select('id')
    .where('incident_id', '=', incidentId)
    .where('user_id', '=', userId)
    .where('kind', '=', 'page')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export function inboundRoutes(app: FastifyInstance, deps: InboundDeps): void {
  const { config, store, clock } = deps;
  const twilio = config.notifications.providers.filter((p) => p.type === 'twilio');
  const slack = config.notifications.providers.find((p) => p.type === 'slack');
  const slackBase = slack?.baseUrl?.replace(/\/+$/, '');
  const userByAddress = (types: string[], address: string) =>
    config.users.find((u) => u.contactMethods.some((c) => types.includes(c.type) && c.address === address));
  /**
   * Whether `user`, reached through `via`, may act on the incident: the principal to act as, or the
   * sentence that tells them why not. Another team's incident is answered like a missing one, unless the
   * incident paged this person.
   */
  const authorize = async (
    user: InboundUser,
    via: ChannelVia,
    incidentId: number,
  ): Promise<{ principal: Principal } | { refusal: string }> => {
    const principal = channelPrincipal(config, user, via);
    const row = await store.db
      .selectFrom('incidents')
      .select('service_id')
      .where('id', '=', incidentId)
      .executeTakeFirst();
    const paged = row ? await wasPaged(store, incidentId, user.id) : false;
    const decision = authorizeAction(config, principal, row?.service_id ?? '', 'responder', { paged });
    if (decision.allowed && row) return { principal };
    if (!decision.allowed && decision.reason === 'role')
      return {
        refusal: `You are a ${user.role} in Klaxon: acknowledging, resolving or escalating needs the responder role. ${NOTHING_CHANGED}`,
      };
    return {
      refusal: `Incident ${incidentId} does not exist or is not on a service of your teams. ${NOTHING_CHANGED}`,
    };
  };
  /** An ephemeral message to the Slack user who pressed a button, through the interaction's response_url. */
  const tellSlackUser = (responseUrl: unknown, text: string, log: FastifyBaseLogger) => {
    if (typeof responseUrl !== 'string' || !URL.canParse(responseUrl)) return;
    const url = new URL(responseUrl);
    const allowed =
      (url.protocol === 'https:' && url.hostname === 'hooks.slack.com') ||
      (slackBase !== undefined && responseUrl.startsWith(`${slackBase}/`));
    if (!allowed) return;
    void fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      signal: AbortSignal.timeout(5000),
    }).catch((err: unknown) => log.warn({ err }, 'could not answer a Slack interaction'));
  };
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
    /** Verifies the Twilio signature and returns it (an ApiError when it does not match). */
    const checkTwilio = (req: FastifyRequest, fields: Record<string, string>): string => {
      const account = twilio.find((t) => t.accountSid === fields.AccountSid) ?? twilio[0];
      const signature = req.headers['x-twilio-signature'];
      if (
        !account ||
        typeof signature !== 'string' ||
        !verifyTwilioSignature(account.authToken, publicUrl(config, req), fields, signature)
      ) {
        throw new ApiError(
          'forbidden',
          'The X-Twilio-Signature does not match; the request was not sent by Twilio for this account.',
        );
      }
      return signature;
    };
    /** False when this signed Twilio request was already accepted (a replay). */
    const firstTwilio = (signature: string) =>
      firstSighting(store.db, 'twilio', signature, clock.now().getTime(), TWILIO_REPLAY_MS);

    scope.post('/api/v1/webhooks/twilio/sms', { schema: { hide: true } }, async (req, reply) => {
      const fields = form(req);
      const signature = checkTwilio(req, fields);
      const answer = (text: string) =>
        reply
          .type('text/xml')
          .send(
            `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${text.replace(/[<&>]/g, '')}</Message></Response>`,
          );
      if (!(await firstTwilio(signature)))
        return answer(`This message was already handled. ${NOTHING_CHANGED}`);
      const user = userByAddress(['sms', 'voice'], fields.From ?? '');
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
      const allowed = await authorize(user, 'sms', incidentId);
      if ('refusal' in allowed) return answer(allowed.refusal);
      try {
        const incident = await act(parsed.action, incidentId, allowed.principal.name);
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
      const signature = checkTwilio(req, fields);
      const id = Number((req.params as { id: string }).id);
      const row = Number.isInteger(id)
        ? await store.db
            .selectFrom('notifications')
            .select(['incident_id', 'user_id', 'step_index'])
            .where('id', '=', id)
            .executeTakeFirst()
        : undefined;
      const say = (text: string) => reply.type('text/xml').send(sayTwiml(text));
      if (!row?.incident_id) return say('This page is no longer known to Klaxon. Goodbye.');
      if (fields.Digits !== '1' && fields.Digits !== '2') return say('Unknown key. Goodbye.');
      if (!(await firstTwilio(signature))) return say('This key press was already handled. Goodbye.');
      // The person this call paged is the one acting.
      const user = config.users.find((u) => u.id === row.user_id);
      if (!user) return say(`This page is for someone who is not a Klaxon user. ${NOTHING_CHANGED} Goodbye.`);
      const allowed = await authorize(user, 'voice', row.incident_id);
      if ('refusal' in allowed) return say(`${allowed.refusal} Goodbye.`);
      const actor = allowed.principal.name;
      // A change the incident's state no longer allows (already resolved, nothing to escalate) is said.
      const refused = (e: unknown): null => {
        if (e instanceof ApiError) return null;
        throw e;
      };
      if (fields.Digits === '1') {
        const incident = await act('acknowledge', row.incident_id, actor).catch(refused);
        return say(
          incident
            ? `Incident ${incident.id} acknowledged. Goodbye.`
            : 'The incident is already resolved. Goodbye.',
        );
      }
      const escalated = await escalateIncident(store, row.incident_id, actor, clock.now().getTime()).catch(
        refused,
      );
      if (escalated) deps.poke?.();
      return say(
        escalated
          ? 'Escalating to the next responder now. Goodbye.'
          : 'There is no escalation step left to run. Goodbye.',
      );
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
      // The signature proves Slack sent it, not that it is new: the same request is accepted once.
      if (!(await firstSighting(store.db, 'slack', String(sig), clock.now().getTime(), SLACK_REPLAY_MS)))
        throw new ApiError(
          'forbidden',
          'This Slack request was already accepted once; a replayed request is refused.',
        );
      let payload: {
        user?: { id?: unknown };
        response_url?: unknown;
        actions?: { action_id?: unknown; value?: unknown }[];
      } | null;
      try {
        payload = JSON.parse(new URLSearchParams(raw).get('payload') ?? '') as typeof payload;
      } catch {
        payload = null;
      }
      if (typeof payload !== 'object' || payload === null)
        throw new ApiError('invalid_payload', 'Expected a Slack interactivity payload (payload=<JSON>).');
      const action = payload.actions?.[0];
      const incidentId = Number(action?.value);
      const verb =
        action?.action_id === SLACK_ACTIONS.acknowledge
          ? 'acknowledge'
          : action?.action_id === SLACK_ACTIONS.resolve
            ? 'resolve'
            : null;
      if (!verb || !Number.isInteger(incidentId)) return reply.code(200).send();
      const responseUrl = payload.response_url;
      /** Tells only the person who pressed the button (Slack shows it to them alone); nothing else happens. */
      const tell = (text: string) => {
        tellSlackUser(responseUrl, text, req.log);
        return reply.code(200).send({ response_type: 'ephemeral', replace_original: false, text });
      };
      const slackUser = typeof payload.user?.id === 'string' ? payload.user.id : '';
      const user = slackUser ? userByAddress(['slack'], slackUser) : undefined;
      if (!user)
        return tell(
          `Your Slack account (${slackUser.slice(0, 40) || 'unknown'}) is not linked to a Klaxon user, so Klaxon did not ${verb} incident ${incidentId}. Ask an admin to add your Slack user id as a slack contact method. ${NOTHING_CHANGED}`,
        );
      const allowed = await authorize(user, 'slack', incidentId);
      if ('refusal' in allowed) return tell(allowed.refusal);
      try {
        await act(verb, incidentId, allowed.principal.name);
      } catch (e) {
        if (e instanceof ApiError) return tell(e.message);
        throw e;
      }
      return reply.code(200).send();
    });
    done();
  });
}
