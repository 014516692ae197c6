import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  alarm,
  amPayload,
  auth,
  CERT_URL,
  confirmation,
  createTestStore,
  glueEvent,
  KEYS,
  notification,
  redshiftDataEvent,
  sign,
  snsSigningKey,
  startFake,
  TEST_CONFIG_YAML,
  testConfig,
  TOKENS,
  TOPIC,
  type FakeServer,
  type RecordedRequest,
  type SigningKey,
  type SnsFields,
} from '@klaxon/testing';
import { buildApp, FakeClock } from '../../index.ts';
import { SnsVerifier, type SnsFetch, type SnsVerifierOptions } from './verify.ts';

const SNS_KEY = 'sns-test-key-0123456789abcdef';
const LOCKED_KEY = 'sns-locked-key-0123456789abc';

const SNS_CONFIG = TEST_CONFIG_YAML.replace(
  'integrationKeys:\n',
  `integrationKeys:
  - key: ${SNS_KEY}
    name: cloudwatch
    service: kafka
    source: sns
    sns:
      alarmTiers: [{ alarmName: 'redshift-*-critical', tier: T1 }]
      eventRules:
        - source: aws.glue
          detailType: Glue Job State Change
          match: { state: [FAILED, TIMEOUT] }
          tier: T1
          summary: 'Glue job {{detail.jobName}} {{detail.state}}'
          dedupKey: 'glue:{{detail.jobName}}'
        - { source: aws.glue, detailType: Glue Job State Change, match: { state: SUCCEEDED }, action: resolve, dedupKey: 'glue:{{detail.jobName}}' }
        - name: RedshiftStatementFailed
          source: aws.redshift-data
          detailType: Redshift Data Statement Status Change
          match: { state: [FAILED, ABORTED] }
          summary: 'Redshift statement {{detail.statementName}} {{detail.state}}'
          dedupKey: 'redshift:{{detail.statementName}}'
  - { key: ${LOCKED_KEY}, name: locked, service: kafka, source: sns, sns: { topicArns: ['arn:aws:sns:us-east-1:123456789012:other'] } }
`,
);

const PEM_PATH = '/SimpleNotificationService-test.pem';
const CONFIRM_XML =
  '<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:us-east-1:123456789012:klaxon-alarms:sub-1</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>';

describe('POST /api/v1/ingest/sns', () => {
  let signer: SigningKey;
  let fake: FakeServer;
  /** Every URL the verifier asked for, before it was sent on to the fake. */
  let fetched: string[];
  let t: Awaited<ReturnType<typeof build>>;

  /** The fake plays the SNS host: the certificate, and the ConfirmSubscription action. */
  const playSns = (req: RecordedRequest, res: ServerResponse) => {
    if (req.path === PEM_PATH) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      res.end(signer.cert);
    } else if (req.path.startsWith('/?Action=ConfirmSubscription')) {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(CONFIRM_XML);
    } else {
      res.writeHead(404);
      res.end();
    }
  };

  /** Sends every URL (whatever its host) to the fake, and records it. */
  const viaFake: SnsFetch = (url, init) => {
    fetched.push(url);
    const u = new URL(url);
    return fetch(`${fake.url}${u.pathname}${u.search}`, init);
  };

  async function build(verifier: SnsVerifierOptions = { fetch: viaFake, timeoutMs: 2000 }) {
    const store = await createTestStore('sqlite');
    const clock = new FakeClock('2026-03-28T02:00:00Z');
    const config = testConfig('', SNS_CONFIG);
    const built = await buildApp({
      config,
      store,
      clock,
      processMetrics: false,
      snsVerifier: new SnsVerifier(verifier),
    });
    return {
      ...built,
      async close() {
        await built.app.close();
        await store.close();
      },
    };
  }

  const post = (message: SnsFields, opts: { key?: string; contentType?: string; headerType?: string } = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/ingest/sns?key=${opts.key ?? SNS_KEY}`,
      headers: {
        'content-type': opts.contentType ?? 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': opts.headerType ?? message.Type ?? '',
        'user-agent': 'Amazon Simple Notification Service Agent',
      },
      payload: JSON.stringify(message),
    });

  const incident = async (id: number) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: auth(TOKENS.viewer) })
    ).json();

  const incidentCount = async () =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/incidents', headers: auth(TOKENS.viewer) })).json()
      .incidents.length as number;

  beforeAll(async () => {
    signer = snsSigningKey();
    fake = await startFake(playSns);
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    fetched = [];
    fake.requests.length = 0;
    fake.respond(playSns);
    t = await build();
  });
  afterEach(async () => {
    await t?.close();
  });

  describe('CloudWatch alarms', () => {
    it('opens an incident on ALARM (SignatureVersion 2) and resolves it on OK (SignatureVersion 1)', async () => {
      const fire = await post(sign(notification(alarm('ALARM')), signer, { version: '2' }));
      expect(fire.statusCode, fire.body).toBe(200);
      const body = fire.json();
      expect(body).toMatchObject({ type: 'Notification', accepted: 1 });
      expect(body.results[0]).toMatchObject({
        dedupKey: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:redshift-cpu-high',
        outcome: 'opened',
        tier: 'T2',
      });
      const id = body.results[0].incidentId as number;
      const opened = await incident(id);
      expect(opened.incident).toMatchObject({
        service: 'kafka',
        tier: 'T2',
        state: 'triggered',
        source: 'sns',
      });
      expect(opened.incident.title).toContain('redshift-cpu-high');
      expect(opened.alerts[0].labels).toMatchObject({
        alertname: 'redshift-cpu-high',
        aws_region: 'us-east-1',
        aws_account: '123456789012',
        namespace: 'AWS/Redshift',
        metric: 'CPUUtilization',
        dimension_ClusterIdentifier: 'analytics-prod',
      });
      expect(opened.alerts[0].annotations.reason).toMatch(/^Threshold Crossed/);

      const ok = await post(sign(notification(alarm('OK')), signer, { version: '1' }));
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().results[0]).toMatchObject({ outcome: 'resolved', incidentId: id });
      expect((await incident(id)).incident.state).toBe('resolved');
      // One certificate fetch for both messages: it is cached by URL.
      expect(fake.requests.filter((r) => r.path === PEM_PATH)).toHaveLength(1);
    });

    it('takes the tier from the config, then from a T1/T2/T3 word in the alarm name', async () => {
      const byConfig = await post(
        sign(
          notification(
            alarm('ALARM', {
              AlarmName: 'redshift-disk-critical',
              AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:redshift-disk-critical',
            }),
          ),
          signer,
        ),
      );
      expect(byConfig.json().results[0].tier).toBe('T1');
      const byName = await post(
        sign(
          notification(
            alarm('ALARM', {
              AlarmName: 'T3 redshift-queue-depth',
              AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:T3 redshift-queue-depth',
            }),
          ),
          signer,
        ),
      );
      expect(byName.json().results[0].tier).toBe('T3');
    });

    it('acknowledges INSUFFICIENT_DATA without opening anything', async () => {
      const res = await post(sign(notification(alarm('INSUFFICIENT_DATA')), signer));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ accepted: 0, ignored: 'insufficient_data' });
      expect(await incidentCount()).toBe(0);
    });
  });

  describe('EventBridge events', () => {
    it('opens a T1 for a failed Glue job and resolves it when the job next succeeds', async () => {
      const res = await post(sign(notification(glueEvent('FAILED'), { Subject: undefined }), signer));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().results[0]).toMatchObject({
        dedupKey: 'glue:nightly-etl',
        outcome: 'opened',
        tier: 'T1',
      });
      const id = res.json().results[0].incidentId as number;
      const detail = await incident(id);
      expect(detail.incident).toMatchObject({
        tier: 'T1',
        title: 'Glue job nightly-etl FAILED',
        service: 'kafka',
      });
      expect(detail.alerts[0].labels).toMatchObject({ event_source: 'aws.glue', tier: 'T1' });

      const ok = await post(sign(notification(glueEvent('SUCCEEDED'), { Subject: undefined }), signer));
      expect(ok.json().results[0]).toMatchObject({ outcome: 'resolved', incidentId: id });
    });

    it('opens a T1 for a failed Redshift Data API statement', async () => {
      const res = await post(sign(notification(redshiftDataEvent('FAILED'), { Subject: undefined }), signer));
      expect(res.json().results[0]).toMatchObject({ dedupKey: 'redshift:nightly-rollup', tier: 'T1' });
      const detail = await incident(res.json().results[0].incidentId);
      expect(detail.incident.title).toBe('Redshift statement nightly-rollup FAILED');
      expect(detail.alerts[0].labels.alertname).toBe('RedshiftStatementFailed');
    });

    it('refuses an event nested deeper than 32 levels with 400 payload_too_deep, and takes the next', async () => {
      let deep: unknown = 'x';
      for (let i = 0; i < 3200; i++) deep = [deep];
      const event = glueEvent('FAILED');
      const res = await post(
        sign(
          notification({ ...event, detail: { ...event.detail, extra: deep } }, { Subject: undefined }),
          signer,
        ),
      );
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('payload_too_deep');
      expect(res.json().error.message).toContain('32 levels');
      expect(await incidentCount()).toBe(0);
      const next = await post(sign(notification(glueEvent('FAILED'), { Subject: undefined }), signer));
      expect(next.statusCode, next.body).toBe(200);
      expect(next.json().results[0].outcome).toBe('opened');
    });

    it('acknowledges and counts events no rule matches, and opens nothing', async () => {
      for (const event of [glueEvent('STOPPED'), redshiftDataEvent('FINISHED')]) {
        const res = await post(sign(notification(event, { Subject: undefined }), signer));
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ accepted: 0, ignored: 'unmatched_event' });
      }
      const plain = await post(sign(notification('hello from a person'), signer));
      expect(plain.json()).toMatchObject({ accepted: 0, ignored: 'unrecognized' });
      expect(await incidentCount()).toBe(0);
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: auth(TOKENS.viewer) }))
        .body;
      expect(metrics).toContain('klaxon_alerts_received_total{source="sns",outcome="unmatched_event"} 2');
      expect(metrics).toContain('klaxon_alerts_received_total{source="sns",outcome="unrecognized"} 1');
    });
  });

  describe('signatures', () => {
    const tamperings: [string, (m: SnsFields) => void][] = [
      ['Message', (m) => (m.Message = m.Message!.replace('"ALARM"', '"OK"'))],
      ['Timestamp', (m) => (m.Timestamp = '2026-03-28T02:00:01.000Z')],
      ['Subject', (m) => (m.Subject = 'nothing to see')],
      ['TopicArn', (m) => (m.TopicArn = 'arn:aws:sns:us-east-1:123456789012:other')],
      // Another first character (a fixed 'A' would be no change for one signature in 64).
      [
        'Signature',
        (m) => (m.Signature = `${m.Signature!.startsWith('A') ? 'B' : 'A'}${m.Signature!.slice(1)}`),
      ],
    ];
    it.each(tamperings)(
      'refuses a message whose %s was changed after signing, with 403',
      async (_f, tamper) => {
        for (const version of ['1', '2'] as const) {
          const message = sign(notification(alarm('ALARM')), signer, { version });
          tamper(message);
          const res = await post(message);
          expect(res.statusCode, res.body).toBe(403);
          expect(res.json().error.code).toBe('sns_signature_invalid');
        }
        expect(await incidentCount()).toBe(0);
      },
    );

    it('refuses a correctly signed message sent over an hour ago (a replay), or from the future, with 403', async () => {
      for (const [ts, code] of [
        ['2026-03-28T00:59:00.000Z', 403],
        ['2026-03-28T02:06:00.000Z', 403],
        ['2026-03-28T01:01:00.000Z', 200],
      ] as const) {
        const res = await post(sign({ ...notification(alarm('OK')), Timestamp: ts }, signer));
        expect(res.statusCode, `${ts}: ${res.body}`).toBe(code);
        if (code === 403) expect(res.json().error.code).toBe('sns_message_stale');
      }
      expect(await incidentCount()).toBe(0);
    });

    it('refuses a message signed by another key, or with an unknown SignatureVersion', async () => {
      const other = snsSigningKey();
      const forged = await post(sign(notification(alarm('ALARM')), other));
      expect(forged.statusCode).toBe(403);
      expect(forged.json().error.code).toBe('sns_signature_invalid');
      const v3 = await post({ ...sign(notification(alarm('ALARM')), signer), SignatureVersion: '3' });
      expect(v3.json().error.code).toBe('sns_signature_invalid');
      expect(await incidentCount()).toBe(0);
    });

    it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'])(
      'refuses SignatureVersion %s with 403 sns_signature_invalid, before fetching anything',
      async (version) => {
        const res = await post({ ...sign(notification(alarm('ALARM')), signer), SignatureVersion: version });
        expect(res.statusCode, res.body).toBe(403);
        expect(res.json().error.code).toBe('sns_signature_invalid');
        expect(fetched).toEqual([]);
        expect(await incidentCount()).toBe(0);
      },
    );

    it.each([
      'https://evil.example.com/cert.pem',
      'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com.cn.evil.com/SimpleNotificationService-test.pem',
      'https://evilsns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-test.pem',
      'https://x@sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com/cert.txt',
      'file:///etc/passwd',
      'not a url',
    ])('refuses SigningCertURL %s without fetching it', async (certUrl) => {
      const res = await post(sign(notification(alarm('ALARM')), signer, { certUrl }));
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('sns_cert_host_refused');
      expect(fetched).toEqual([]);
      expect(fake.requests).toEqual([]);
    });

    it('refuses the fake host itself unless the verifier is told to trust it (test mode)', async () => {
      const local = `${fake.url}${PEM_PATH}`;
      const refused = await post(sign(notification(alarm('ALARM')), signer, { certUrl: local }));
      expect(refused.json().error.code).toBe('sns_cert_host_refused');
      expect(fake.requests).toEqual([]);

      await t.close();
      t = await build({ trustedTestOrigins: [fake.url] });
      const accepted = await post(sign(notification(alarm('ALARM')), signer, { certUrl: local }));
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json().results[0].outcome).toBe('opened');
      expect(fake.requests.map((r) => r.path)).toEqual([PEM_PATH]);
    });

    it('answers 502 when the certificate cannot be fetched, and does not cache the failure', async () => {
      fake.respond((_req, res) => {
        res.writeHead(500);
        res.end();
      });
      const failed = await post(sign(notification(alarm('ALARM')), signer));
      expect(failed.statusCode).toBe(502);
      expect(failed.json().error.code).toBe('sns_cert_unavailable');
      fake.respond(playSns);
      const retried = await post(sign(notification(alarm('ALARM')), signer));
      expect(retried.statusCode, retried.body).toBe(200);
      expect(fetched).toEqual([CERT_URL, CERT_URL]);
    });
  });

  describe('subscriptions', () => {
    it('confirms a subscription by visiting its SubscribeURL', async () => {
      const res = await post(sign(confirmation(), signer));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        type: 'SubscriptionConfirmation',
        confirmed: true,
        subscriptionArn: 'arn:aws:sns:us-east-1:123456789012:klaxon-alarms:sub-1',
      });
      const visit = fake.requests.find((r) => r.path.startsWith('/?Action=ConfirmSubscription'));
      expect(visit?.method).toBe('GET');
      expect(new URL(visit!.path, fake.url).searchParams.get('Token')).toBe('tok123');
      expect(new URL(visit!.path, fake.url).searchParams.get('TopicArn')).toBe(TOPIC);
    });

    it.each([
      `https://evil.example.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=tok123`,
      `http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=tok123`,
      `https://sns.us-east-1.amazonaws.com.evil.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=tok123`,
      `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent('arn:aws:sns:us-east-1:123456789012:other')}&Token=tok123`,
      `https://sns.us-east-1.amazonaws.com/?Action=Subscribe&TopicArn=${encodeURIComponent(TOPIC)}&Token=tok123`,
    ])('refuses to visit SubscribeURL %s', async (url) => {
      const res = await post(sign(confirmation(url), signer));
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('sns_subscribe_url_refused');
      expect(fetched).toEqual([CERT_URL]);
      expect(fake.requests.map((r) => r.path)).toEqual([PEM_PATH]);
    });

    it('verifies a confirmation before visiting anything', async () => {
      const message = sign(confirmation(), signer);
      message.SubscribeURL = `${message.SubscribeURL}&extra=1`;
      const res = await post(message);
      expect(res.json().error.code).toBe('sns_signature_invalid');
      expect(fake.requests.map((r) => r.path)).toEqual([PEM_PATH]);
    });

    it('answers 502 when SNS refuses the confirmation, so SNS sends it again', async () => {
      fake.respond((req, res) => {
        if (req.path === PEM_PATH) return playSns(req, res);
        res.writeHead(403);
        res.end();
      });
      const res = await post(sign(confirmation(), signer));
      expect(res.statusCode).toBe(502);
      expect(res.json().error.code).toBe('sns_confirmation_failed');
    });

    it('acknowledges an UnsubscribeConfirmation', async () => {
      const res = await post(sign(confirmation(undefined, 'UnsubscribeConfirmation'), signer));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ type: 'UnsubscribeConfirmation', accepted: 0, results: [] });
      expect(fake.requests.map((r) => r.path)).toEqual([PEM_PATH]);
    });
  });

  describe('the edge', () => {
    it('needs an SNS integration key in the URL', async () => {
      const message = sign(notification(alarm('ALARM')), signer);
      const none = await t.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/sns',
        headers: { 'content-type': 'text/plain; charset=UTF-8' },
        payload: JSON.stringify(message),
      });
      expect(none.json().error.code).toBe('missing_credentials');
      expect((await post(message, { key: 'not-a-key-0123456789abcdef' })).json().error.code).toBe(
        'invalid_credentials',
      );
      expect((await post(message, { key: KEYS.alertmanager })).json().error.code).toBe(
        'wrong_integration_source',
      );
      expect(fetched).toEqual([]);
    });

    it('refuses topics outside the key’s topicArns before fetching anything', async () => {
      const res = await post(sign(notification(alarm('ALARM')), signer), { key: LOCKED_KEY });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('sns_topic_refused');
      expect(fetched).toEqual([]);
    });

    it('refuses bodies that are not SNS messages with 400 sns_message_invalid', async () => {
      const notJson = await t.app.inject({
        method: 'POST',
        url: `/api/v1/ingest/sns?key=${SNS_KEY}`,
        headers: { 'content-type': 'text/plain; charset=UTF-8' },
        payload: 'Type=Notification',
      });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json().error.code).toBe('sns_message_invalid');
      const unsigned = notification(alarm('ALARM'));
      const missing = await post(unsigned);
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.code).toBe('sns_message_invalid');
      expect(missing.json().error.details.map((d: { path: string }) => d.path)).toContain('body.Signature');
      const mismatch = await post(sign(notification(alarm('ALARM')), signer), {
        headerType: 'SubscriptionConfirmation',
      });
      expect(mismatch.json().error.code).toBe('sns_message_invalid');
      expect(fetched).toEqual([]);
    });

    it('takes application/json too, and leaves the other ingest endpoints on JSON only', async () => {
      const res = await post(sign(notification(alarm('ALARM')), signer), { contentType: 'application/json' });
      expect(res.statusCode, res.body).toBe(200);
      // The text/plain parser is scoped to the SNS route: a valid Alertmanager payload sent as text
      // stays a string there, as before.
      const am = await t.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/alertmanager',
        headers: { ...auth(KEYS.alertmanager), 'content-type': 'text/plain' },
        payload: JSON.stringify(amPayload([{ labels: { alertname: 'X' }, fingerprint: 'x1' }])),
      });
      expect(am.statusCode).toBe(400);
      expect(am.json().error.code).toBe('invalid_payload');
    });
  });
});
