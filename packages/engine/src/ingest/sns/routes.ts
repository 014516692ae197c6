/**
 * `POST /api/v1/ingest/sns?key=<integration key>`: an Amazon SNS HTTPS subscription. SNS cannot add
 * headers, so the key rides in the URL (a Bearer header works too, for curl). Every message is
 * signature-verified before anything else happens; then a SubscriptionConfirmation is confirmed, an
 * UnsubscribeConfirmation is logged, and a Notification becomes an alert or is acknowledged and counted.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { bearerToken, type Credentials } from '../../auth/credentials.ts';
import { ApiError } from '../../errors/errors.ts';
import type { EngineMetrics } from '../../metrics/metrics.ts';
import { DEFAULT_SNS_OPTIONS, type IntegrationKeyConfig } from '../config.ts';
import { ingestResult } from '../response.ts';
import type { Ingest } from '../routes.ts';
import { SNS_MESSAGE_TYPES, snsMessageSchema, type SnsMessage } from './message.ts';
import { fromNotification } from './notification.ts';
import type { Clock } from '../../clock/clock.ts';
import type { SnsVerifier } from './verify.ts';

export const SNS_ROUTE = '/api/v1/ingest/sns';

export interface SnsRouteDeps {
  credentials: Credentials<IntegrationKeyConfig>;
  metrics: EngineMetrics;
  ingest: Ingest;
  verifier: SnsVerifier;
  clock: Clock;
}

/**
 * A signed message is valid forever, so a captured one could be replayed (an old ALARM re-opening an
 * incident). SNS retries a delivery for at most an hour under its default policies: older is refused.
 */
export const SNS_MAX_AGE_MS = 3_600_000;
const SNS_MAX_SKEW_MS = 300_000;

const snsResponse = z.object({
  type: z.enum(SNS_MESSAGE_TYPES),
  accepted: z.number().int().describe('Alerts stored (0 or 1).'),
  results: z.array(ingestResult),
  confirmed: z.boolean().optional().describe('SubscriptionConfirmation: the SubscribeURL was visited.'),
  subscriptionArn: z.string().nullable().optional(),
  ignored: z
    .enum(['insufficient_data', 'unmatched_event', 'unrecognized'])
    .optional()
    .describe('A Notification that opened nothing, and why.'),
});

const snsQuery = z.object({
  key: z.string().max(256).optional().describe('The integration key (source: sns).'),
});

function keyOf(req: FastifyRequest): string | undefined {
  const key = (req.query as Record<string, unknown> | undefined)?.key;
  return typeof key === 'string' && key !== '' ? key : bearerToken(req);
}

export function snsRoutes(app: FastifyInstance, deps: SnsRouteDeps): void {
  const { credentials, metrics, ingest, verifier } = deps;

  // A scope of its own: SNS posts JSON as text/plain, and only this route should read it as JSON.
  void app.register((scope, _opts, done) => {
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, parsed) => {
      try {
        parsed(null, JSON.parse(body as string));
      } catch (err) {
        parsed(
          new ApiError(
            'sns_message_invalid',
            `The body is not JSON (${(err as Error).message}); SNS sends its message as JSON.`,
          ),
          undefined,
        );
      }
    });

    scope.post(
      SNS_ROUTE,
      {
        schema: {
          summary: 'Amazon SNS HTTPS subscription: CloudWatch alarms and EventBridge events (docs/aws.md)',
          description:
            'Pass the integration key as ?key=. Every message must carry a valid SNS signature; subscription confirmations are confirmed by visiting the SubscribeURL.',
          tags: ['ingest'],
          consumes: ['text/plain', 'application/json'],
          querystring: snsQuery,
          body: snsMessageSchema,
          response: { 200: snsResponse },
        },
        logLevel: 'warn',
        attachValidation: true,
      },
      async (req, reply) => {
        const key = credentials.integration(keyOf(req), 'sns');
        if (req.validationError) {
          const e = req.validationError as unknown as ApiError;
          throw new ApiError('sns_message_invalid', e.message, e.details);
        }
        const message = req.body as SnsMessage;
        const headerType = req.headers['x-amz-sns-message-type'];
        if (typeof headerType === 'string' && headerType !== message.Type) {
          throw new ApiError(
            'sns_message_invalid',
            `The x-amz-sns-message-type header (${headerType}) does not match the message Type (${message.Type}).`,
          );
        }
        const options = key.sns ?? DEFAULT_SNS_OPTIONS;
        if (options.topicArns && !options.topicArns.includes(message.TopicArn)) {
          throw new ApiError(
            'sns_topic_refused',
            `Topic ${message.TopicArn} is not in sns.topicArns of integration key "${key.name}".`,
          );
        }
        await verifier.verify(message);
        const sentAt = Date.parse(message.Timestamp);
        const age = deps.clock.now().getTime() - sentAt;
        if (!Number.isFinite(sentAt) || age > SNS_MAX_AGE_MS || age < -SNS_MAX_SKEW_MS) {
          throw new ApiError(
            'sns_message_stale',
            `SNS message ${message.MessageId} was sent at ${message.Timestamp}, more than an hour ago (or in the future); replayed or delayed messages are refused. Check the sender's clock, or send it again.`,
          );
        }

        const base = { type: message.Type, accepted: 0, results: [] };
        if (message.Type === 'SubscriptionConfirmation') {
          const subscriptionArn = await verifier.confirm(message);
          req.log.warn(
            { topic: message.TopicArn, subscriptionArn, key: key.name },
            'SNS subscription confirmed',
          );
          return { ...base, confirmed: true, subscriptionArn };
        }
        if (message.Type === 'UnsubscribeConfirmation') {
          req.log.warn({ topic: message.TopicArn, key: key.name }, 'SNS subscription ended (unsubscribed)');
          return base;
        }
        const outcome = fromNotification(message, options);
        if ('ignored' in outcome) {
          metrics.alertsReceived.inc({ source: 'sns', outcome: outcome.ignored });
          req.log.info(
            { topic: message.TopicArn, messageId: message.MessageId, key: key.name },
            `SNS notification ignored: ${outcome.detail}`,
          );
          return { ...base, ignored: outcome.ignored };
        }
        const results = await ingest(key, [outcome.alert], reply);
        return { ...base, accepted: results.length, results };
      },
    );
    done();
  });
}
