import { describe, expect, it } from 'vitest';
import {
  alarm,
  glueEvent,
  notification,
  redshiftDataEvent,
  TEST_CONFIG_YAML,
  testConfig,
} from '@klaxon/testing';
import { DEFAULT_SNS_OPTIONS, type ConfigError } from '../../index.ts';
import { alarmTier, cloudWatchAlarmSchema, fromAlarm, globMatches } from './cloudwatch.ts';
import { eventBridgeEventSchema, fromEvent, render } from './eventbridge.ts';
import { snsMessageSchema, stringToSign } from './message.ts';
import { fromNotification } from './notification.ts';
import { isSnsUrl } from './verify.ts';

const options = (sns: Record<string, unknown>) =>
  testConfig(
    '',
    TEST_CONFIG_YAML.replace(
      'integrationKeys:\n',
      `integrationKeys:\n  - { key: sns-unit-key-0123456789abcdef, name: s, service: kafka, source: sns, sns: ${JSON.stringify(sns)} }\n`,
    ),
  ).integrationKeys[0]!.sns!;

describe('the string SNS signs', () => {
  it('lists Notification fields in order, skipping an absent Subject', () => {
    const m = snsMessageSchema.parse({
      ...notification('hello', { Subject: undefined, MessageId: 'm-1', Timestamp: 't-1' }),
      SignatureVersion: '2',
      Signature: 'x',
      SigningCertURL: 'https://sns.us-east-1.amazonaws.com/a.pem',
    });
    expect(stringToSign(m)).toBe(
      'Message\nhello\nMessageId\nm-1\nTimestamp\nt-1\nTopicArn\narn:aws:sns:us-east-1:123456789012:klaxon-alarms\nType\nNotification\n',
    );
    expect(stringToSign({ ...m, Subject: 'S' })).toContain('MessageId\nm-1\nSubject\nS\nTimestamp\n');
  });

  it('lists confirmation fields in order, SubscribeURL and Token included', () => {
    const m = snsMessageSchema.parse({
      Type: 'SubscriptionConfirmation',
      MessageId: 'm',
      Token: 'tok',
      TopicArn: 'arn',
      Message: 'msg',
      SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
      Timestamp: 't',
      SignatureVersion: '1',
      Signature: 'x',
      SigningCertURL: 'https://sns.us-east-1.amazonaws.com/a.pem',
    });
    expect(stringToSign(m)).toBe(
      'Message\nmsg\nMessageId\nm\nSubscribeURL\nhttps://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription\nTimestamp\nt\nToken\ntok\nTopicArn\narn\nType\nSubscriptionConfirmation\n',
    );
  });

  it('requires SubscribeURL and Token in confirmations', () => {
    const r = snsMessageSchema.safeParse({
      Type: 'SubscriptionConfirmation',
      MessageId: 'm',
      TopicArn: 'arn',
      Message: 'msg',
      Timestamp: 't',
      SignatureVersion: '1',
      Signature: 'x',
      SigningCertURL: 'https://sns.us-east-1.amazonaws.com/a.pem',
    });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['SubscribeURL', 'Token']);
  });
});

describe('isSnsUrl', () => {
  it.each([
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', true],
    ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem', true],
    ['https://sns.us-gov-west-1.amazonaws.com/x.pem', true],
    ['https://SNS.US-EAST-1.AMAZONAWS.COM/x.pem', true],
    ['http://sns.us-east-1.amazonaws.com/x.pem', false],
    ['https://sns.us-east-1.amazonaws.com.evil.com/x.pem', false],
    ['https://sns.us-east-1.amazonaws.com./x.pem', false],
    ['https://sns.amazonaws.com/x.pem', false],
    ['https://s3.amazonaws.com/x.pem', false],
    ['https://sns.us-east-1.amazonaws.com:444/x.pem', false],
    ['https://a:b@sns.us-east-1.amazonaws.com/x.pem', false],
    ['//sns.us-east-1.amazonaws.com/x.pem', false],
  ])('%s → %s', (url, expected) => {
    expect(isSnsUrl(url)).toBe(expected);
  });
});

describe('CloudWatch alarms', () => {
  const parse = (a: unknown) => cloudWatchAlarmSchema.parse(a);

  it('maps ALARM to trigger and OK to resolve, keyed by the alarm ARN, with times', () => {
    const fired = fromAlarm(parse(alarm('ALARM')), DEFAULT_SNS_OPTIONS)!;
    expect(fired).toMatchObject({
      action: 'trigger',
      dedupKey: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:redshift-cpu-high',
      startsAt: Date.parse('2026-03-28T01:58:00Z'),
      endsAt: null,
      generatorUrl:
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/redshift-cpu-high',
    });
    expect(fired.labels.tier).toBeUndefined();
    const ok = fromAlarm(parse(alarm('OK')), DEFAULT_SNS_OPTIONS)!;
    expect(ok).toMatchObject({
      action: 'resolve',
      dedupKey: fired.dedupKey,
      endsAt: Date.parse('2026-03-28T02:30:00Z'),
    });
  });

  it('keys on the alarm name when there is no ARN', () => {
    expect(fromAlarm(parse(alarm('ALARM', { AlarmArn: undefined })), DEFAULT_SNS_OPTIONS)!.dedupKey).toBe(
      'redshift-cpu-high',
    );
  });

  it('does what insufficientData says with INSUFFICIENT_DATA', () => {
    expect(fromAlarm(parse(alarm('INSUFFICIENT_DATA')), DEFAULT_SNS_OPTIONS)).toBeNull();
    expect(
      fromAlarm(parse(alarm('INSUFFICIENT_DATA')), options({ insufficientData: 'trigger' }))!.action,
    ).toBe('trigger');
  });

  it('finds the tier in config, then in the name or description, and not inside words', () => {
    const opts = options({ alarmTiers: [{ alarmName: 'db-*', tier: 'T1' }] });
    expect(alarmTier(parse(alarm('ALARM', { AlarmName: 'db-cpu T3' })), opts)).toBe('T1');
    expect(alarmTier(parse(alarm('ALARM', { AlarmName: 'api-5xx [T2]' })), opts)).toBe('T2');
    expect(
      alarmTier(parse(alarm('ALARM', { AlarmName: 'x', AlarmDescription: 'tier=T1: pages' })), opts),
    ).toBe('T1');
    expect(alarmTier(parse(alarm('ALARM', { AlarmName: 'ec2-t1.micro-CT1X' })), opts)).toBeNull();
  });

  it('matches alarm names with * globs only', () => {
    expect(globMatches('redshift-*-critical', 'redshift-disk-critical')).toBe(true);
    expect(globMatches('redshift-*', 'redshift')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });
});

describe('EventBridge rules', () => {
  const glueRules = options({
    eventRules: [
      {
        source: 'aws.glue',
        detailType: 'Glue Job State Change',
        match: { state: ['FAILED', 'TIMEOUT'] },
        summary: 'Glue job {{detail.jobName}} {{detail.state}}',
        dedupKey: '{{detail.jobName}}',
      },
    ],
  });

  it('makes a T1 trigger from the first matching rule, with rendered summary and key', () => {
    const alert = fromEvent(eventBridgeEventSchema.parse(glueEvent('TIMEOUT')), glueRules, 'm')!;
    expect(alert).toMatchObject({
      action: 'trigger',
      dedupKey: 'nightly-etl',
      summary: 'Glue job nightly-etl TIMEOUT',
      labels: {
        tier: 'T1',
        alertname: 'Glue Job State Change',
        event_source: 'aws.glue',
        aws_region: 'us-east-1',
      },
    });
    expect(fromEvent(eventBridgeEventSchema.parse(glueEvent('SUCCEEDED')), glueRules, 'm')).toBeNull();
    expect(fromEvent(eventBridgeEventSchema.parse(redshiftDataEvent('FAILED')), glueRules, 'm')).toBeNull();
  });

  it('falls back to the event id when a dedupKey field is missing', () => {
    const event = eventBridgeEventSchema.parse({ ...glueEvent('FAILED'), detail: { state: 'FAILED' } });
    expect(fromEvent(event, glueRules, 'm')!.dedupKey).toBe('glue-nightly-etl-FAILED');
  });

  it('renders paths with dashes, nested objects and lists', () => {
    const event = eventBridgeEventSchema.parse(redshiftDataEvent('FAILED'));
    expect(render('{{detail-type}} {{ detail.redshiftQueryId }} {{resources}} {{nope.x}}!', event)).toBe(
      'Redshift Data Statement Status Change 9381 ["arn:aws:redshift:us-east-1:123456789012:cluster:analytics-prod"] !',
    );
  });

  it('matches an event field that is a list when any element is allowed', () => {
    const rules = options({
      eventRules: [{ source: 'aws.redshift-data', match: { state: 'FAILED', rows: [0, 1] } }],
    });
    expect(fromEvent(eventBridgeEventSchema.parse(redshiftDataEvent('FAILED')), rules, 'm')).not.toBeNull();
  });

  it('sorts notifications into alarms, events and the rest', () => {
    const n = (m: unknown) =>
      snsMessageSchema.parse({
        ...notification(m),
        SignatureVersion: '2',
        Signature: 'x',
        SigningCertURL: 'https://sns.us-east-1.amazonaws.com/a.pem',
      });
    expect(fromNotification(n(alarm('ALARM')), glueRules)).toHaveProperty('alert');
    expect(fromNotification(n(glueEvent('FAILED')), glueRules)).toHaveProperty('alert');
    expect(fromNotification(n(glueEvent('STOPPED')), glueRules)).toMatchObject({
      ignored: 'unmatched_event',
    });
    expect(fromNotification(n({ AlarmName: 'x', NewStateValue: 'WEIRD' }), glueRules)).toMatchObject({
      ignored: 'unrecognized',
    });
    expect(fromNotification(n('plain text'), glueRules)).toMatchObject({ ignored: 'unrecognized' });
  });
});

describe('sns config', () => {
  const problems = (keyYaml: string) => {
    try {
      testConfig('', TEST_CONFIG_YAML.replace('integrationKeys:\n', `integrationKeys:\n${keyYaml}\n`));
      return [];
    } catch (err) {
      return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it('accepts the documented shape', () => {
    expect(
      problems(
        `  - { key: sns-unit-key-0123456789abcdef, name: s, service: kafka, source: sns, sns: { topicArns: ['arn:aws:sns:us-east-1:123456789012:alarms'], eventRules: [{ source: aws.glue, match: { state: [FAILED] }, summary: 'Glue {{detail.jobName}}' }] } }`,
      ),
    ).toEqual([]);
  });

  it('refuses sns options on a key for another source', () => {
    expect(
      problems(
        `  - { key: am-unit-key-0123456789abcdef, name: a, service: kafka, source: alertmanager, sns: {} }`,
      ),
    ).toEqual([
      expect.stringMatching(/^integrationKeys\[0\]\.sns: sns options apply only to keys with source: sns/),
    ]);
  });

  it('explains broken templates, match paths, topic ARNs and unknown fields', () => {
    const found = problems(
      `  - { key: sns-unit-key-0123456789abcdef, name: s, service: kafka, source: sns, sns: { topicArns: [alarms], eventRules: [{ source: aws.glue, summary: 'Glue {{detail.job name}}', match: { 'a..b': x }, severity: high }] } }`,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/topicArns\[0\]: use an SNS topic ARN/),
        expect.stringMatching(/eventRules\[0\]\.summary: use \{\{path\}\} placeholders/),
        expect.stringMatching(/eventRules\[0\]\.match.*use a dotted path/),
        expect.stringMatching(/eventRules\[0\].*severity/),
      ]),
    );
  });
});
