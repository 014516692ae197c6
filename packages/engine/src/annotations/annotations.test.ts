/**
 * Grafana annotations against a local fake of Grafana's `/api/annotations` API: the exact requests for a
 * deployment and an incident opened, acknowledged and resolved; and, with Grafana refusing connections,
 * hanging and answering 500, pages still go out on time while the annotation rows retry until it is back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  auth,
  DIALECTS,
  json,
  SERVICES_YAML,
  skipPostgres,
  startFake,
  startHarness,
  TOKENS,
  type FakeServer,
  type Harness,
  type RecordedRequest,
} from '@klaxon/testing';
import { ANNOTATION_TAGS } from './tags.ts';

const MIN = 60_000;
const GRAFANA_TOKEN = 'glsa_klaxon_test_0123456789abcdef';

const configYaml = (grafanaUrl: string) => `${SERVICES_YAML}
server: { publicUrl: 'https://klaxon.example.com' }
grafana: { url: '${grafanaUrl}', token: ${GRAFANA_TOKEN}, timeoutSeconds: 0.5, maxAttempts: 10, retryBaseSeconds: 5 }
`;

/** A fake Grafana: POST answers with the next annotation id, PATCH with "patched". */
function grafanaOk(): (
  req: RecordedRequest,
  res: Parameters<Parameters<FakeServer['respond']>[0]>[1],
) => void {
  let next = 100;
  return (req, res) => {
    if (req.method === 'POST' && req.path === '/api/annotations')
      return json(res, 200, { message: 'Annotation added', id: next++ });
    if (req.method === 'PATCH' && /^\/api\/annotations\/\d+$/.test(req.path))
      return json(res, 200, { message: 'Annotation patched' });
    return json(res, 404, { message: 'Not found' });
  };
}

const body = (r: RecordedRequest) => JSON.parse(r.body) as Record<string, unknown>;

describe.each(DIALECTS)('Grafana annotations (%s)', (dialect) => {
  let grafana: FakeServer | null = null;
  let h: Harness | null = null;

  afterEach(async () => {
    await h?.close();
    await grafana?.close();
    h = null;
    grafana = null;
  });

  it.skipIf(skipPostgres(dialect))(
    'pushes a deployment, and an incident opened, acknowledged and resolved, each request exact',
    async () => {
      grafana = await startFake(grafanaOk());
      h = await startHarness(dialect, configYaml(grafana.url));
      const t0 = h.clock.now().getTime();
      const posted = await h.app.inject({
        method: 'POST',
        url: '/api/v1/deployments',
        headers: auth(TOKENS.responder),
        payload: {
          service: 'kafka',
          version: '3.7.1',
          author: 'alice',
          url: 'https://github.com/acme/kafka/releases/tag/3.7.1',
          description: 'Raise num.io.threads',
          time: new Date(t0 - 10 * MIN).toISOString(),
        },
      });
      expect(posted.statusCode).toBe(201);
      const id = await h.fire(
        { alertname: 'KafkaLag', service: 'kafka', tier: 'T1' },
        'Consumer lag 12k',
        'f1',
      );
      await h.cycle();

      const posts = grafana.requests.filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(2);
      for (const r of grafana.requests) {
        expect(r.path).toBe('/api/annotations');
        expect(r.headers.authorization).toBe(`Bearer ${GRAFANA_TOKEN}`);
        expect(r.headers['content-type']).toBe('application/json');
      }
      const deployment = posts.map(body).find((b) => (b.tags as string[]).includes('deployment'));
      expect(deployment).toEqual({
        time: t0 - 10 * MIN,
        text: 'Deployed kafka 3.7.1 to production by alice\nRaise num.io.threads\nhttps://github.com/acme/kafka/releases/tag/3.7.1',
        tags: ['klaxon', 'deployment', 'service:kafka', 'env:production'],
      });
      const region = posts.map(body).find((b) => (b.tags as string[]).includes('incident'));
      const incidentTags = ['klaxon', 'incident', 'service:kafka', 'tier:T1', `incident:${id}`];
      expect(region).toEqual({
        time: t0,
        text: `Incident opened: [T1] #${id} Consumer lag 12k (kafka)\nhttps://klaxon.example.com/incidents/${id}`,
        tags: incidentTags,
      });
      // The fake numbers annotations in the order they arrive.
      const regionId = 100 + posts.findIndex((r) => (body(r).tags as string[]).includes('incident'));
      expect(incidentTags.slice(0, 2)).toEqual([ANNOTATION_TAGS.all, ANNOTATION_TAGS.incident]);

      h.clock.advance(2 * MIN);
      const ack = await h.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${id}/acknowledge`,
        headers: auth(TOKENS.responder),
      });
      expect(ack.statusCode).toBe(200);
      await h.cycle();
      const ackReq = grafana.requests[2]!;
      expect(ackReq).toMatchObject({ method: 'POST', path: '/api/annotations' });
      expect(body(ackReq)).toEqual({
        time: t0 + 2 * MIN,
        text: `Incident acknowledged by responder: [T1] #${id} Consumer lag 12k (kafka)`,
        tags: [...incidentTags, 'acknowledged'],
      });

      h.clock.advance(10 * MIN);
      const resolved = await h.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${id}/resolve`,
        headers: auth(TOKENS.responder),
      });
      expect(resolved.statusCode).toBe(200);
      await h.cycle();
      const patch = grafana.requests[3]!;
      expect(patch.method).toBe('PATCH');
      expect(patch.path).toBe(`/api/annotations/${regionId}`);
      expect(patch.headers.authorization).toBe(`Bearer ${GRAFANA_TOKEN}`);
      expect(body(patch)).toEqual({
        time: t0,
        timeEnd: t0 + 12 * MIN,
        text: `Incident resolved: [T1] #${id} Consumer lag 12k (kafka)\nResolved by responder after 12 min\nhttps://klaxon.example.com/incidents/${id}`,
        tags: incidentTags,
      });
      expect(grafana.requests).toHaveLength(4);

      const rows = await h.store.db.selectFrom('grafana_annotations').selectAll().orderBy('id').execute();
      expect(rows.map((r) => [r.ref, r.status, r.grafana_id !== null])).toEqual([
        ['deployment:1', 'sent', true],
        [`incident:${id}:0`, 'sent', true],
        [`incident:${id}:ack:${t0 + 2 * MIN}`, 'sent', true],
      ]);
      // Idempotent: another cycle pushes nothing.
      h.clock.advance(MIN);
      await h.cycle();
      expect(grafana.requests).toHaveLength(4);
    },
  );

  it.skipIf(skipPostgres(dialect))(
    'a T3 raised to T1 by its alerts: a tier-raised point, and the region re-tagged to T1',
    async () => {
      grafana = await startFake(grafanaOk());
      h = await startHarness(dialect, configYaml(grafana.url));
      const t0 = h.clock.now().getTime();
      const id = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend up', 'f3');
      await h.cycle();
      expect(grafana.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/annotations']);
      expect((body(grafana.requests[0]!).tags as string[]).includes('tier:T3')).toBe(true);

      h.clock.advance(MIN);
      await h.fire({ alertname: 'CostSpike', service: 'cost', tier: 'T1' }, 'Spend up a lot', 'f3');
      h.clock.advance(1_000);
      await h.cycle();
      const t1Tags = ['klaxon', 'incident', 'service:cost', 'tier:T1', `incident:${id}`];
      const rest = grafana.requests.slice(1);
      expect(rest.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        'PATCH /api/annotations/100',
        'POST /api/annotations',
      ]);
      expect(body(rest.find((r) => r.method === 'POST')!)).toEqual({
        time: t0 + MIN,
        text: `Tier raised from T3 to T1 by alertmanager:am: [T1] #${id} Spend up (cost)`,
        tags: [...t1Tags, ANNOTATION_TAGS.tierRaised],
      });
      expect(body(rest.find((r) => r.method === 'PATCH')!)).toEqual({
        time: t0,
        text: `Incident opened: [T3] #${id} Spend up (cost)\nhttps://klaxon.example.com/incidents/${id}`,
        tags: t1Tags,
      });
    },
  );

  it.skipIf(skipPostgres(dialect))(
    'a T3 advisory promoted to T2 by a person: the same point and re-tagging, with the person as actor',
    async () => {
      grafana = await startFake(grafanaOk());
      h = await startHarness(dialect, configYaml(grafana.url));
      const id = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend up', 'f4');
      h.clock.advance(6_000); // the advisories module's next pass gives it a row
      await h.cycle();
      const promoted = await h.app.inject({
        method: 'POST',
        url: '/api/v1/advisories/review',
        headers: auth(TOKENS.responder),
        payload: { incidentIds: [id], action: 'promote', tier: 'T2' },
      });
      expect(promoted.json().results[0], promoted.body).toMatchObject({ ok: true });
      const at = h.clock.now().getTime();
      h.clock.advance(1_000);
      await h.cycle();
      const t2Tags = ['klaxon', 'incident', 'service:cost', 'tier:T2', `incident:${id}`];
      const rest = grafana.requests.slice(1);
      expect(body(rest.find((r) => r.method === 'POST')!)).toEqual({
        time: at,
        text: `Tier raised from T3 to T2 by responder: [T2] #${id} Spend up (cost)`,
        tags: [...t2Tags, ANNOTATION_TAGS.tierRaised],
      });
      expect(body(rest.find((r) => r.method === 'PATCH')!).tags).toEqual(t2Tags);
    },
  );

  it.skipIf(skipPostgres(dialect))(
    'pages on time while Grafana refuses, hangs and answers 500; the annotation retries until Grafana is back',
    async () => {
      // A port with nothing listening: connection refused.
      const probe = await startFake();
      const port = Number(new URL(probe.url).port);
      await probe.close();
      h = await startHarness(dialect, configYaml(`http://127.0.0.1:${port}`));
      const t0 = h.clock.now().getTime();
      const id = await h.fire(
        { alertname: 'GameApi5xx', service: 'game-api', tier: 'T1' },
        '5xx at 7%',
        'f2',
      );
      await h.cycle();

      const pages = async () =>
        h!.store.db
          .selectFrom('notifications')
          .selectAll()
          .where('incident_id', '=', id)
          .where('kind', '=', 'page')
          .orderBy('id')
          .execute();
      const annotation = async () =>
        h!.store.db.selectFrom('grafana_annotations').selectAll().executeTakeFirstOrThrow();
      /** Pages sent so far: who, which channel, due how long after the incident opened, and how late. */
      const sentPages = async () =>
        (await pages())
          .filter((n) => n.status === 'sent')
          .map((n) => [n.user_id, n.channel, (n.due_at - t0) / MIN, n.sent_at! - n.due_at]);
      // Alice's call and SMS went out in the same cycle, at the instant they were due.
      expect(await sentPages()).toEqual([
        ['alice', 'voice', 0, 0],
        ['alice', 'sms', 0, 0],
      ]);
      expect(await annotation()).toMatchObject({ status: 'queued', attempts: 1, due_at: t0 + 5_000 });
      expect((await annotation()).last_error).toMatch(/Grafana unreachable: ECONNREFUSED/);

      // Grafana is up but never answers: the push times out (0.5 s), in the background.
      grafana = await startFake(() => undefined, { port });
      h.clock.advance(5_000);
      await h.cycle();
      expect(await annotation()).toMatchObject({
        status: 'queued',
        attempts: 2,
        last_error: 'Grafana timed out',
        due_at: t0 + 5_000 + 10_000,
      });

      // Then it answers 500, while alice's 2-minute reminders and the backup at 5 minutes go out on time.
      grafana.respond((_req, res) => json(res, 500, { message: 'database is locked' }));
      h.clock.set(t0 + 2 * MIN);
      await h.cycle();
      expect(await annotation()).toMatchObject({
        status: 'queued',
        attempts: 3,
        due_at: t0 + 2 * MIN + 20_000,
      });
      expect((await annotation()).last_error).toContain('Grafana answered 500');
      h.clock.set(t0 + 5 * MIN);
      await h.cycle();
      expect(await annotation()).toMatchObject({
        status: 'queued',
        attempts: 4,
        due_at: t0 + 5 * MIN + 40_000,
      });
      expect(await sentPages()).toEqual([
        ['alice', 'voice', 0, 0],
        ['alice', 'sms', 0, 0],
        ['alice', 'voice', 2, 0],
        ['alice', 'sms', 2, 0],
        ['bob', 'voice', 5, 0],
        ['bob', 'sms', 5, 0],
      ]);
      expect(h.sent.filter((m) => m.kind === 'page')).toHaveLength(6);

      // Grafana is back: the next retry creates the region, once.
      grafana.respond(grafanaOk());
      h.clock.advance(40_000);
      await h.cycle();
      expect(await annotation()).toMatchObject({
        status: 'sent',
        attempts: 5,
        grafana_id: 100,
        last_error: null,
      });
      const tries = grafana.requests.filter((r) => r.method === 'POST');
      expect(tries).toHaveLength(4); // hung, 500, 500, created (the refused one never arrived)
      expect(body(tries.at(-1)!)).toEqual({
        time: t0,
        text: `Incident opened: [T1] #${id} 5xx at 7% (game-api)\nhttps://klaxon.example.com/incidents/${id}`,
        tags: ['klaxon', 'incident', 'service:game-api', 'tier:T1', `incident:${id}`],
      });
      h.clock.advance(MIN);
      await h.cycle();
      expect(grafana.requests).toHaveLength(4);
    },
  );

  it.skipIf(skipPostgres(dialect))(
    'resolving while the region is still queued pushes one finished region',
    async () => {
      grafana = await startFake((_req, res) => json(res, 503, {}));
      h = await startHarness(dialect, configYaml(grafana.url));
      const t0 = h.clock.now().getTime();
      const id = await h.fire({ alertname: 'Lag', service: 'kafka', tier: 'T2' }, 'lag 6k', 'f3');
      await h.cycle();
      h.clock.advance(3 * MIN);
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${id}/resolve`,
        headers: auth(TOKENS.admin),
      });
      grafana.respond(grafanaOk());
      await h.cycle();
      const posts = grafana.requests.filter((r) => r.method === 'POST').slice(1);
      expect(posts).toHaveLength(1);
      expect(body(posts[0]!)).toMatchObject({ time: t0, timeEnd: t0 + 3 * MIN });
      expect(grafana.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    },
  );
});
