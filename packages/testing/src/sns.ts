/**
 * Plays Amazon SNS in tests: an RSA signing key with a self-signed certificate (as SNS's
 * SigningCertURL serves), and messages signed the way SNS signs them. The string to sign is written out
 * here from AWS's documentation, independently of the engine's own, so a wrong field order fails.
 */
import { execFileSync } from 'node:child_process';
import { createSign } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SigningKey {
  key: string;
  cert: string;
}

/** An RSA 2048 key and a self-signed certificate for it, made with the openssl command. */
export function snsSigningKey(): SigningKey {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-sns-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=sns.amazonaws.com',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}

export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:klaxon-alarms';
export const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';

export type SnsFields = Record<string, string | undefined>;

/** SNS signs `Name\nValue\n` for these fields, in this order, skipping an absent Subject. */
function canonical(m: SnsFields): string {
  const fields =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields
    .filter((f) => m[f] !== undefined)
    .map((f) => `${f}\n${m[f]}\n`)
    .join('');
}

/** Adds SignatureVersion, Signature and SigningCertURL to `fields`, as SNS does. */
export function sign(
  fields: SnsFields,
  signer: SigningKey,
  opts: { version?: '1' | '2'; certUrl?: string } = {},
): SnsFields {
  const version = opts.version ?? '2';
  const out = { ...fields, SignatureVersion: version, SigningCertURL: opts.certUrl ?? CERT_URL };
  const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(canonical(out), 'utf8')
    .sign(signer.key, 'base64');
  return { ...out, Signature: signature };
}

let counter = 0;
const nextId = () => `0000000${++counter}-aaaa-bbbb-cccc-dddddddddddd`.slice(-36);

/** A Notification whose Message is `message` (JSON-encoded when not a string). */
export function notification(message: unknown, extra: SnsFields = {}): SnsFields {
  return {
    Type: 'Notification',
    MessageId: nextId(),
    TopicArn: TOPIC,
    Subject: 'ALARM: "redshift-cpu" in US East (N. Virginia)',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: '2026-03-28T02:00:00.000Z',
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:sub`,
    ...extra,
  };
}

/** A SubscriptionConfirmation (or UnsubscribeConfirmation) for `TOPIC`. */
export function confirmation(
  subscribeUrl = `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=tok123`,
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' = 'SubscriptionConfirmation',
): SnsFields {
  return {
    Type: type,
    MessageId: nextId(),
    Token: 'tok123',
    TopicArn: TOPIC,
    Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: subscribeUrl,
    Timestamp: '2026-03-28T01:59:00.000Z',
  };
}

/** A CloudWatch alarm state change, as an alarm's SNS action publishes it. */
export function alarm(state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA', overrides: Record<string, unknown> = {}) {
  return {
    AlarmName: 'redshift-cpu-high',
    AlarmDescription: 'Redshift leader CPU above 90% for 15 minutes',
    AWSAccountId: '123456789012',
    AlarmConfigurationUpdatedTimestamp: '2026-03-01T10:00:00.000+0000',
    NewStateValue: state,
    NewStateReason:
      state === 'ALARM'
        ? 'Threshold Crossed: 3 datapoints [97.1, 95.0, 96.4] were greater than the threshold (90.0).'
        : 'Threshold Crossed: 1 datapoint [41.0] was not greater than the threshold (90.0).',
    StateChangeTime: state === 'ALARM' ? '2026-03-28T01:58:00.000+0000' : '2026-03-28T02:30:00.000+0000',
    Region: 'US East (N. Virginia)',
    AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:redshift-cpu-high',
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    OKActions: [],
    AlarmActions: [TOPIC],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/Redshift',
      StatisticType: 'Statistic',
      Statistic: 'AVERAGE',
      Unit: null,
      Dimensions: [{ value: 'analytics-prod', name: 'ClusterIdentifier' }],
      Period: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 90.0,
      TreatMissingData: 'missing',
    },
    ...overrides,
  };
}

/** An EventBridge "Glue Job State Change" event. */
export function glueEvent(state: string, jobName = 'nightly-etl') {
  return {
    version: '0',
    id: `glue-${jobName}-${state}`,
    'detail-type': 'Glue Job State Change',
    source: 'aws.glue',
    account: '123456789012',
    time: '2026-03-28T02:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      jobName,
      severity: state === 'SUCCEEDED' ? 'INFO' : 'ERROR',
      state,
      jobRunId: 'jr_0123456789abcdef',
      message: state === 'FAILED' ? 'Command failed with exit code 1' : 'Job run succeeded',
    },
  };
}

/** An EventBridge "Redshift Data Statement Status Change" event (Data API and scheduled queries). */
export function redshiftDataEvent(state: string, statementName = 'nightly-rollup') {
  return {
    version: '0',
    id: `rsd-${statementName}-${state}`,
    'detail-type': 'Redshift Data Statement Status Change',
    source: 'aws.redshift-data',
    account: '123456789012',
    time: '2026-03-28T02:05:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:redshift:us-east-1:123456789012:cluster:analytics-prod'],
    detail: {
      principal: 'arn:aws:iam::123456789012:role/scheduler',
      statementName,
      statementId: '11111111-2222-3333-4444-555555555555',
      redshiftQueryId: 9381,
      state,
      rows: 0,
      expireAt: 1_774_750_000,
    },
  };
}
