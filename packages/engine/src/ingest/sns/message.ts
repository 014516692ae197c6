/**
 * The Amazon SNS HTTP/HTTPS delivery envelope and the string SNS signs for each message type, as
 * "Verifying the signatures of Amazon SNS messages" defines it: `Name\nValue\n` for each field, in a
 * fixed order, skipping a Notification's Subject when it has none.
 */
import { z } from 'zod';

export const SNS_MESSAGE_TYPES = [
  'Notification',
  'SubscriptionConfirmation',
  'UnsubscribeConfirmation',
] as const;

/** `POST /api/v1/ingest/sns`: one message as SNS delivers it to an HTTPS subscription. */
export const snsMessageSchema = z
  .object({
    Type: z.enum(SNS_MESSAGE_TYPES, {
      error: 'Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation',
    }),
    MessageId: z.string().min(1).max(256),
    TopicArn: z.string().min(1).max(1024),
    Subject: z.string().max(1024).nullish(),
    Message: z.string().max(262_144),
    Timestamp: z.string().min(1).max(64),
    // Any short string: a version other than 1 or 2 is refused by the verifier (403 sns_signature_invalid).
    SignatureVersion: z.string().min(1).max(64),
    Signature: z.string().min(1).max(8192),
    SigningCertURL: z.string().min(1).max(2048),
    SubscribeURL: z.string().min(1).max(8192).optional(),
    Token: z.string().min(1).max(8192).optional(),
    UnsubscribeURL: z.string().max(8192).optional(),
    MessageAttributes: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.Type === 'Notification') return;
    for (const field of ['SubscribeURL', 'Token'] as const) {
      if (!m[field]) {
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} is required in a ${m.Type}` });
      }
    }
  })
  .describe('Amazon SNS message (HTTP/HTTPS delivery, JSON sent as text/plain)');

export type SnsMessage = z.output<typeof snsMessageSchema>;

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_FIELDS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

/**
 * The exact bytes SNS signed for `message`.
 *
 * @example
 * stringToSign({ Type: 'Notification', Message: 'hi', MessageId: 'm1', Timestamp: 't', TopicArn: 'a', … });
 * // 'Message\nhi\nMessageId\nm1\nTimestamp\nt\nTopicArn\na\nType\nNotification\n'
 */
export function stringToSign(message: SnsMessage): string {
  const fields = message.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = '';
  for (const field of fields) {
    const value = message[field];
    if (value == null) continue;
    out += `${field}\n${value}\n`;
  }
  return out;
}
