/**
 * The deployments API (Klaxon's payload, GitHub's deployment_status webhook, the Argo CD template) and
 * "what changed?": an incident lists the deployments to its service and its dependencies in the window
 * before it opened, on its detail, its timeline and its T1 page.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auth,
  DIALECTS,
  SERVICES_YAML,
  skipPostgres,
  startHarness,
  TOKENS,
  type Harness,
} from '@klaxon/testing';

const MIN = 60_000;
const GITHUB = JSON.parse(
  readFileSync(new URL('../../test/payloads/github-deployment-status.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown>>;
const ARGOCD = {
  source: 'argocd',
  app: 'kafka',
  project: 'platform',
  namespace: 'streaming',
  revision: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
  phase: 'Succeeded',
  syncStatus: 'Synced',
  healthStatus: 'Healthy',
  finishedAt: '2026-03-31T09:20:00Z',
  initiatedBy: 'bob',
  argocdUrl: 'https://argocd.example.com',
  images: ['ghcr.io/acme/kafka-broker:3.7.1'],
};

const YAML = `${SERVICES_YAML}
deployments: { changeWindowHours: 2, repositories: { 'acme/game-platform': game-api } }
`;

describe.each(DIALECTS)('deployments (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    h = await startHarness(dialect, YAML);
  });
  afterEach(async () => {
    await h?.close();
  });

  const post = (
    payload: unknown,
    opts: { token?: string; headers?: Record<string, string>; query?: string } = {},
  ) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/deployments${opts.query ?? ''}`,
      headers: { ...auth(opts.token ?? TOKENS.responder), ...opts.headers },
      payload: payload as Record<string, unknown>,
    });
  const github = (payload: unknown, event = 'deployment_status') =>
    post(payload, { headers: { 'x-github-event': event } });

  it('records Klaxon’s own payload, with defaults, once per id', async () => {
    const res = await post({ service: 'game-api', version: '1.4.2', id: 'rel-1' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      created: true,
      deployment: {
        id: 1,
        service: 'game-api',
        version: '1.4.2',
        environment: 'production',
        author: 'responder',
        url: null,
        description: null,
        source: 'api',
        revision: null,
        deployedAt: '2026-03-31T10:00:00.000Z',
        createdBy: 'responder',
        createdAt: '2026-03-31T10:00:00.000Z',
      },
    });
    const again = await post({ service: 'game-api', version: '1.4.2', id: 'rel-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, deployment: { id: 1 } });
  });

  it('records a GitHub deployment_status webhook, mapped by repository, and ignores the rest', async () => {
    const res = await github(GITHUB);
    expect(res.statusCode).toBe(201);
    expect(res.json().deployment).toMatchObject({
      service: 'game-api',
      version: 'main@1a2b3c4',
      environment: 'production',
      author: 'alice',
      url: 'https://github.com/acme/game-platform/actions/runs/8812345678',
      description: 'Deployed by the release workflow',
      source: 'github',
      revision: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      deployedAt: '2026-03-31T09:48:00.000Z',
    });
    // GitHub redelivers: nothing new.
    expect((await github(GITHUB)).json()).toMatchObject({ created: false, deployment: { id: 1 } });
    // A version declared in the deployment payload wins; ?service= wins over the mapping.
    const tagged = structuredClone(GITHUB);
    tagged.deployment_status!.id = 987655;
    tagged.deployment!.payload = { version: '1.5.0' };
    const mapped = await post(tagged, {
      headers: { 'x-github-event': 'deployment_status' },
      query: '?service=kafka',
    });
    expect(mapped.json().deployment).toMatchObject({ service: 'kafka', version: '1.5.0' });

    const pending = structuredClone(GITHUB);
    pending.deployment_status!.state = 'in_progress';
    const ignored = await github(pending);
    expect(ignored.statusCode).toBe(200);
    expect(ignored.json()).toEqual({
      deployment: null,
      created: false,
      ignored: 'deployment_status.state is "in_progress"; only "success" is recorded',
    });
    const ping = await github({ zen: 'Keep it logically awesome.', hook_id: 1 }, 'ping');
    expect(ping.statusCode).toBe(200);
    expect(ping.json().ignored).toContain('GitHub event "ping" is not recorded');
    const list = await h.app.inject({
      method: 'GET',
      url: '/api/v1/deployments',
      headers: auth(TOKENS.viewer),
    });
    expect(list.json().deployments).toHaveLength(2);
  });

  it('records an Argo CD notification from the documented template', async () => {
    const res = await post(ARGOCD);
    expect(res.statusCode).toBe(201);
    expect(res.json().deployment).toMatchObject({
      service: 'kafka',
      version: '9f8e7d6',
      environment: 'production',
      author: 'bob',
      url: 'https://argocd.example.com/applications/kafka',
      description: 'Argo CD kafka: Synced, Healthy; images: ghcr.io/acme/kafka-broker:3.7.1',
      source: 'argocd',
      revision: ARGOCD.revision,
      deployedAt: '2026-03-31T09:20:00.000Z',
    });
    expect((await post(ARGOCD)).json()).toMatchObject({ created: false });
    const running = await post({ ...ARGOCD, phase: 'Running' });
    expect(running.json()).toMatchObject({
      deployment: null,
      ignored: 'phase is "Running"; only "Succeeded" is recorded',
    });
  });

  it('refuses bad input with a code and a sentence that says what to fix', async () => {
    const missing = await post({ service: 'game-api' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({
      code: 'invalid_payload',
      details: [{ path: 'body.version', message: expect.any(String) }],
    });
    expect(missing.json().error.message).toMatch(/^body\.version: .+ Fix the body/);

    const typo = await post({ service: 'game-api', version: '1', enviroment: 'prod' });
    expect(typo.json().error.code).toBe('invalid_payload');
    expect(typo.json().error.message).toContain('enviroment');

    const unknown = await post({ service: 'gameapi', version: '1' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toEqual({
      code: 'unknown_service',
      message:
        'body.service: no service "gameapi" in the config. Use one of: kafka, monitoring, game-api, cost.',
    });

    const app = await post({ ...ARGOCD, app: 'payments-prod' });
    expect(app.json().error.code).toBe('unknown_service');
    expect(app.json().error.message).toContain('deployments.argocdApps ("payments-prod": <service id>)');

    const broken = structuredClone(GITHUB);
    delete broken.deployment_status!.created_at;
    const bad = await github(broken);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('body.deployment_status.created_at');

    expect((await post({ service: 'kafka', version: '1' }, { token: TOKENS.viewer })).json().error.code).toBe(
      'forbidden',
    );
    const anonymous = await h.app.inject({ method: 'POST', url: '/api/v1/deployments', payload: {} });
    expect(anonymous.statusCode).toBe(401);
    const query = await h.app.inject({
      method: 'GET',
      url: '/api/v1/deployments?since=yesterday',
      headers: auth(TOKENS.viewer),
    });
    expect(query.json().error.code).toBe('invalid_query');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'answers the documented 400 unknown_service for a repository or Argo CD app named %s',
    async (name) => {
      for (const fullName of [name, `acme/${name}`]) {
        const gh = structuredClone(GITHUB);
        gh.repository!.full_name = fullName;
        const res = await github(gh);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toEqual({
          code: 'unknown_service',
          message: `No service for repository ${fullName}. Add it to the config under deployments.repositories ("${fullName}": <service id>), or add ?service=<service id> to the webhook URL.`,
        });
      }
      const argo = await post({ ...ARGOCD, app: name });
      expect(argo.statusCode, argo.body).toBe(400);
      expect(argo.json().error).toEqual({
        code: 'unknown_service',
        message: `No service for Argo CD app ${name}. Add it to the config under deployments.argocdApps ("${name}": <service id>), or add ?service=<service id> to the webhook URL.`,
      });
    },
  );

  it('keeps only http(s) links: refuses them in its own payload, drops them from webhooks', async () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'ftp://ci.example.com/run/1',
    ]) {
      const res = await post({ service: 'game-api', version: '1', url });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'invalid_payload',
        details: [{ path: 'body.url', message: expect.stringContaining('http') }],
      });
    }
    const ok = await post({ service: 'game-api', version: '1', url: 'https://ci.example.com/run/1' });
    expect(ok.json().deployment.url).toBe('https://ci.example.com/run/1');

    // GitHub: an unsafe target_url falls back to the next link, or to none; the deployment is recorded.
    const links = [
      [{ target_url: 'javascript:alert(1)' }, {}, GITHUB.deployment_status!.log_url],
      [
        { target_url: 'javascript:alert(1)', log_url: null },
        {},
        'https://github.com/acme/game-platform/commit/1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      ],
      [
        { target_url: 'javascript:alert(1)', log_url: 'data:text/html,x' },
        { html_url: 'javascript:alert(1)//' },
        null,
      ],
    ] as const;
    for (const [i, [status, repository, url]] of links.entries()) {
      const gh = structuredClone(GITHUB);
      Object.assign(gh.deployment_status!, status, { id: 5000 + i });
      Object.assign(gh.repository!, repository);
      const res = await github(gh);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().deployment.url).toBe(url);
    }

    // Argo CD: an argocdUrl that is not http(s) leaves the deployment without a link.
    const argo = await post({ ...ARGOCD, argocdUrl: 'javascript:alert(1)//' });
    expect(argo.statusCode, argo.body).toBe(201);
    expect(argo.json().deployment.url).toBeNull();
  });

  it('lists on an incident, its timeline and its T1 page the changes to its service and dependencies', async () => {
    const t0 = h.clock.now().getTime();
    const at = (minutes: number) => new Date(t0 - minutes * MIN).toISOString();
    const deploy = (service: string, version: string, author: string, minutes: number) =>
      post({
        service,
        version,
        author,
        time: at(minutes),
        url: `https://ci.example.com/${service}/${version}`,
      });
    await deploy('game-api', '1.4.1', 'carol', 3 * 60); // older than the 2-hour window
    await deploy('kafka', '3.7.1', 'bob', 40); // a dependency of game-api
    await deploy('cost', '9.9.9', 'dave', 5); // unrelated
    await deploy('game-api', '1.4.2', 'alice', 12); // the service itself

    const id = await h.fire(
      { alertname: 'GameApi5xx', service: 'game-api', tier: 'T1' },
      'Game API 5xx at 7%',
      'f1',
    );
    h.clock.advance(MIN);
    await deploy('game-api', '1.4.3', 'alice', -1); // after it opened
    await h.cycle();

    const detail = (
      await h.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: auth(TOKENS.viewer) })
    ).json();
    expect(
      detail.changes.map((c: Record<string, unknown>) => [
        c.service,
        c.version,
        c.author,
        c.relation,
        c.minutesBefore,
      ]),
    ).toEqual([
      ['game-api', '1.4.2', 'alice', 'service', 12],
      ['kafka', '3.7.1', 'bob', 'dependency', 40],
    ]);
    const kinds = detail.timeline.map((e: { kind: string }) => e.kind);
    expect(kinds.slice(0, 3)).toEqual(['change.deployed', 'change.deployed', 'incident.triggered']);
    expect(detail.timeline[1]).toMatchObject({
      id: 0,
      at: at(12),
      actor: 'alice',
      message: 'Deployed game-api 1.4.2 to production by alice (12 min before the incident opened)',
      data: {
        service: 'game-api',
        version: '1.4.2',
        relation: 'service',
        url: 'https://ci.example.com/game-api/1.4.2',
      },
    });

    const page = h.sent.find((m) => m.kind === 'page' && m.channel === 'sms')!;
    expect(page.body).toContain(
      'Changed: game-api 1.4.2 by alice, 12 min before; kafka 3.7.1 by bob, 40 min before',
    );
    expect(page.short).toBe(
      `[T1] #${id} Game API 5xx at 7% Changed: game-api 1.4.2 by alice, 12 min before. Reply "ack ${id}" or "resolve ${id}".`,
    );
    expect(page.short.length).toBeLessThanOrEqual(160);
    expect(page.changes?.map((c) => c.version)).toEqual(['1.4.2', '3.7.1']);

    // An incident of an unrelated service lists nothing.
    const other = await h.fire({ alertname: 'Lag', service: 'monitoring', tier: 'T2' }, 'Scrape lag', 'f2');
    const plain = (
      await h.app.inject({ method: 'GET', url: `/api/v1/incidents/${other}`, headers: auth(TOKENS.viewer) })
    ).json();
    expect(plain.changes).toEqual([]);
  });
});
