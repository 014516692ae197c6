/**
 * One-tap action links end to end: a whole engine (startHarness, FakeClock) pages people by SMS, email
 * and push; the links in those pages act once as their person, and every refusal (used, expired,
 * altered, unknown, for another incident, after resolve, a viewer's, a person no longer configured)
 * answers its code in JSON and a plain page in HTML, and changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, skipPostgres, startHarness, testConfig, type Harness } from '@klaxon/testing';
import { buildApp } from '../app/build.ts';
import { getIncident } from '../incidents/store.ts';

import { LINKS_YAML, PUBLIC } from './links.fixture.ts';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const JSON_ACCEPT = { accept: 'application/json' };

describe.each(DIALECTS)('action links on %s', (dialect) => {
  let h: Harness;

  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    h = await startHarness(dialect, LINKS_YAML);
  });
  afterEach(async () => {
    await h?.close();
  });

  const paged = async (fingerprint: string) => {
    const id = await h.fire(
      { alertname: `Lag-${fingerprint}`, service: 'kafka' },
      'Kafka consumer lag',
      fingerprint,
    );
    await h.cycle();
    return id;
  };
  /** The link of `action` in the page sent to `address` about incident `id`. */
  const link = (id: number, address: string, action: 'acknowledge' | 'resolve') => {
    const msg = h.sent.find((m) => m.incident?.id === id && m.address === address && m.actions?.[action]);
    if (!msg) throw new Error(`no ${action} link sent to ${address} for #${id}`);
    return msg.actions![action]!.slice(PUBLIC.length);
  };
  const post = (url: string, headers: Record<string, string> = JSON_ACCEPT) =>
    h.app.inject({ method: 'POST', url, headers });
  const get = (url: string, headers: Record<string, string> = HTML) =>
    h.app.inject({ method: 'GET', url, headers });
  const incident = async (id: number) => (await getIncident(h.store, id)).incident;

  it('puts links in the SMS, email and push pages, confirms on GET without acting, and acts once on POST', async () => {
    const id = await paged('ok');
    const ack = link(id, 'ntfy:alice', 'acknowledge');
    expect(ack).toMatch(new RegExp(`^/a/${id}/[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{16}$`));
    expect(link(id, 'alice@example.com', 'resolve')).not.toBe(ack);
    expect(h.sent.find((m) => m.address === '+15550000001')?.actions).toEqual({
      acknowledge: expect.stringContaining(`${PUBLIC}/a/${id}/`),
    });

    // A link scanner's GET (several of them) changes nothing.
    for (let i = 0; i < 3; i++) {
      const page = await get(ack);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain(`Acknowledge incident #${id} (Kafka consumer lag) as Alice?`);
      expect(page.body).toContain(`<form method="post" action="${ack}">`);
    }
    expect((await get(ack, JSON_ACCEPT)).json()).toMatchObject({
      ok: true,
      action: 'acknowledge',
      actor: 'push:alice',
    });
    expect((await incident(id)).state).toBe('triggered');

    const res = await post(ack);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ok: true,
      action: 'acknowledge',
      incident: { id, state: 'acknowledged' },
      actor: 'push:alice',
      message: `Incident #${id} acknowledged by Alice (push:alice).`,
    });
    expect(await incident(id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'push:alice' });
    const timeline = (await getIncident(h.store, id)).timeline;
    expect(timeline.filter((e) => e.kind === 'incident.acknowledged')).toEqual([
      expect.objectContaining({ actor: 'push:alice', message: 'Acknowledged by push:alice' }),
    ]);

    // Used: refused in JSON and in HTML, and nothing happens again.
    const again = await post(ack);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'link_used',
      message: expect.stringContaining('already used'),
    });
    const page = await post(ack, HTML);
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('This link was already used');
    expect(page.body).toContain(`acknowledged by Alice (push:alice)`);
    expect(
      (await getIncident(h.store, id)).timeline.filter((e) => e.kind === 'incident.acknowledged'),
    ).toHaveLength(1);
  });

  it('acts from a browser form (urlencoded POST) and answers with a page', async () => {
    const id = await paged('form');
    const res = await h.app.inject({
      method: 'POST',
      url: link(id, 'alice@example.com', 'resolve'),
      headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`Incident #${id} resolved by Alice (email:alice).`);
    expect(await incident(id)).toMatchObject({ state: 'resolved', resolvedBy: 'email:alice' });
  });

  it('ignores a body (an empty JSON post, as a service worker sends) but refuses a large one', async () => {
    const id = await paged('body');
    const ack = link(id, 'ntfy:alice', 'acknowledge');
    const big = await h.app.inject({
      method: 'POST',
      url: ack,
      headers: { ...JSON_ACCEPT, 'content-type': 'text/plain' },
      payload: 'x'.repeat(10_000),
    });
    expect(big.statusCode).toBe(413);
    expect((await incident(id)).state).toBe('triggered');
    const empty = await h.app.inject({
      method: 'POST',
      url: ack,
      headers: { ...JSON_ACCEPT, 'content-type': 'application/json' },
    });
    expect(empty.statusCode).toBe(200);
    // Another of the same page's links then finds the incident acknowledged, and says by whom.
    const sms = await post(link(id, '+15550000001', 'acknowledge'));
    expect(sms.json()).toMatchObject({
      ok: true,
      actor: 'sms:alice',
      message: `Incident #${id} was already acknowledged by push:alice.`,
    });
  });

  it('refuses an expired link', async () => {
    const id = await paged('exp');
    const ack = link(id, '+15550000001', 'acknowledge');
    h.clock.advance(120 * 60_000);
    const res = await post(ack);
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('link_expired');
    const page = await get(ack);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('This link has expired');
    expect((await incident(id)).state).toBe('triggered');
  });

  it('refuses an altered token, an unknown id and a malformed link as invalid', async () => {
    const id = await paged('tamper');
    const ack = link(id, 'ntfy:alice', 'acknowledge');
    const last = ack.at(-1) === 'A' ? 'B' : 'A';
    const tampered = `${ack.slice(0, -1)}${last}`;
    const unknown = `/a/${id}/AAAAAAAAAAAAAAAA.${ack.split('.')[1]}`;
    for (const url of [tampered, unknown, `/a/${id}/not-a-token`, `/a/abc/${ack.split('/')[3]}`]) {
      const res = await post(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('link_invalid');
      const page = await get(url);
      expect(page.statusCode, url).toBe(404);
      expect(page.body, url).toContain('This link does not work');
    }
    expect((await incident(id)).state).toBe('triggered');
    // The genuine link still works afterwards.
    expect((await post(ack)).statusCode).toBe(200);
  });

  it('refuses a link used with another incident in its path', async () => {
    const first = await paged('w1');
    const second = await paged('w2');
    expect(second).not.toBe(first);
    const token = link(first, 'ntfy:alice', 'acknowledge').split('/')[3];
    const res = await post(`/a/${second}/${token}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'link_wrong_incident',
      message: expect.stringContaining(`for incident #${first}, not #${second}`),
    });
    expect((await get(`/a/${second}/${token}`)).body).toContain('This link is for another incident');
    expect((await incident(first)).state).toBe('triggered');
    expect((await incident(second)).state).toBe('triggered');
  });

  it('refuses every link once the incident is resolved', async () => {
    const id = await paged('res');
    expect((await post(link(id, 'ntfy:alice', 'resolve'))).statusCode).toBe(200);
    expect(await incident(id)).toMatchObject({ state: 'resolved', resolvedBy: 'push:alice' });
    for (const url of [link(id, '+15550000001', 'acknowledge'), link(id, 'alice@example.com', 'resolve')]) {
      const res = await post(url);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({
        code: 'incident_resolved',
        message: expect.stringContaining('resolved (by push:alice)'),
      });
      expect((await get(url)).body).toContain('The incident is already resolved');
    }
  });

  it('refuses a viewer’s link, says why, and changes nothing', async () => {
    const id = await paged('viewer');
    const ack = link(id, '+15550000009', 'acknowledge');
    const res = await post(ack);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('Vic is a viewer'),
    });
    const page = await get(ack);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('This link cannot act for you');
    expect(page.body).not.toContain('<form');
    expect((await incident(id)).state).toBe('triggered');
  });

  it('refuses the link of a person no longer in the config', async () => {
    const id = await paged('gone');
    const ack = link(id, 'ntfy:alice', 'acknowledge');
    const withoutAlice = LINKS_YAML.replace(/ {2}- \{ id: alice,.*\n/, '')
      .replace('members: [alice, vic]', 'members: [vic]')
      .replace('[{ user: alice }, { user: vic }]', '[{ user: vic }]');
    const other = await buildApp({
      config: testConfig('', withoutAlice),
      store: h.store,
      clock: h.clock,
      processMetrics: false,
    });
    try {
      const res = await other.app.inject({ method: 'POST', url: ack, headers: JSON_ACCEPT });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toContain('"alice", who is no longer a Klaxon user');
    } finally {
      await other.app.close();
    }
    expect((await incident(id)).state).toBe('triggered');
  });

  it('logs the link id and what happened, never the token', async () => {
    const id = await paged('log');
    const ack = link(id, 'ntfy:alice', 'acknowledge');
    const [linkId, mac] = ack.split('/')[3]!.split('.') as [string, string];
    const lines: string[] = [];
    const logged = await buildApp({
      config: testConfig('', LINKS_YAML),
      store: h.store,
      clock: h.clock,
      processMetrics: false,
      logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
    });
    try {
      for (const method of ['GET', 'POST', 'POST'] as const)
        await logged.app.inject({ method, url: ack, headers: JSON_ACCEPT });
      await logged.app.inject({ method: 'POST', url: `${ack.slice(0, -1)}A`, headers: JSON_ACCEPT });
    } finally {
      await logged.app.close();
    }
    const text = lines.join('');
    expect(text).toContain(`"linkId":"${linkId}"`);
    expect(text).toContain('"code":"link_used"');
    expect(text).not.toContain(mac);
    expect(text).not.toContain(mac.slice(0, -1));
  });

  it('sends pages without links when the engine has no public URL', async () => {
    await h.close();
    h = await startHarness(dialect, LINKS_YAML.replace(`server: { publicUrl: '${PUBLIC}' }`, ''));
    const id = await paged('nourl');
    const pages = h.sent.filter((m) => m.incident?.id === id);
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((m) => m.actions === undefined)).toBe(true);
    expect(await h.store.db.selectFrom('action_links').selectAll().execute()).toEqual([]);
  });
});
