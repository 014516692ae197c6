/**
 * What a page carries of its signed action links: the SMS line (the acknowledge link, at most 160
 * characters, the title shrinking first), the email body (both links), ntfy's Actions header (checked
 * against a fake ntfy server), and a retry that reuses the links of its first attempt. Also the words
 * of a message row that brings its own subject and text (a cover-request offer).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  amPayload,
  createTestStore,
  KEYS,
  startFake,
  startHarness,
  testConfig,
  type FakeServer,
  type Harness,
} from '@klaxon/testing';
import { LINKS_YAML, PUBLIC } from '../actions/links.fixture.ts';
import { buildApp, type KlaxonApp } from '../app/build.ts';
import { standardModules } from '../app/modules.ts';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { NotificationRow } from '../db/tables.ts';
import { EngineLoop } from '../engine/loop.ts';
import { getIncident } from '../incidents/store.ts';
import { composeMessage } from './compose.ts';
import type { NotificationProvider, OutboundMessage } from './provider.ts';
import { ntfyProvider } from './providers/ntfy.ts';
import { ProviderRegistry } from './registry.ts';

const LINK = new RegExp(`${PUBLIC}/a/\\d+/[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{16}`);

describe('action links in SMS and email pages', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const page = async (title: string, fingerprint: string) => {
    h = await startHarness('sqlite', LINKS_YAML);
    const id = await h.fire({ alertname: 'Lag', service: 'kafka' }, title, fingerprint);
    await h.cycle();
    const to = (address: string) => h!.sent.find((m) => m.incident?.id === id && m.address === address)!;
    return { id, sms: to('+15550000001'), email: to('alice@example.com') };
  };

  it('keeps the reply codes and the whole title when they fit beside the link', async () => {
    const { id, sms } = await page('Kafka consumer lag', 'short');
    expect(sms.short).toBe(
      `[T1] #${id} Kafka consumer lag ${sms.actions!.acknowledge} Reply "ack ${id}" or "resolve ${id}".`,
    );
    expect(sms.short.length).toBeLessThanOrEqual(160);
  });

  it('shrinks a long title first, then drops the reply codes, and stays within 160 characters', async () => {
    const title = `Consumer lag on every partition of the ${'very-long-topic-name-'.repeat(6)}topic`;
    const { id, sms } = await page(title, 'long');
    const ack = sms.actions!.acknowledge!;
    expect(sms.short).toMatch(LINK);
    expect(sms.short.length).toBe(160);
    expect(sms.short).toMatch(new RegExp(`^\\[T1\\] #${id} Consumer lag on every .*… https://`));
    expect(sms.short.endsWith(` ${ack} Reply "ack ${id}" or "resolve ${id}".`)).toBe(true);
    // A longer link leaves the title too little room beside the reply codes: the codes go, the link stays.
    const row = await h!.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', sms.notificationId)
      .executeTakeFirstOrThrow();
    const incident = (await getIncident(h!.store, id)).incident;
    const longer = `${PUBLIC}/a/${id}/${'x'.repeat(80)}`;
    const msg = composeMessage(testConfig('', LINKS_YAML), row, incident, [], [], { acknowledge: longer });
    expect(msg.short.length).toBe(160);
    expect(msg.short).not.toContain('Reply');
    expect(msg.short.endsWith(`… ${longer}`)).toBe(true);
  });

  it('lists both links in the email body', async () => {
    const { email } = await page('Kafka consumer lag', 'mail');
    const { acknowledge, resolve } = email.actions!;
    expect(acknowledge).toMatch(LINK);
    expect(resolve).toMatch(LINK);
    expect(email.body.split('\n')).toEqual(
      expect.arrayContaining([`Acknowledge: ${acknowledge}`, `Resolve: ${resolve}`]),
    );
    // Only the email body carries them; SMS has its own line and push its buttons.
    expect(h!.sent.find((m) => m.address === 'ntfy:alice')!.body).not.toContain('Acknowledge:');
  });
});

describe('composeMessage for a message that brings its own words', () => {
  const row = (detail: object) =>
    ({
      id: 7,
      kind: 'offer',
      channel: 'sms',
      address: '+1555',
      urgency: 'low',
      incident_id: null,
      detail: JSON.stringify(detail),
    }) as unknown as NotificationRow;
  const config = testConfig();

  it('uses subject, text and url from detail', () => {
    const msg = composeMessage(
      config,
      row({ subject: 'Cover wanted', text: 'Bob asks for cover Sat 10:00–18:00.', url: 'https://k/c/1' }),
      null,
      [],
    );
    expect(msg).toMatchObject({
      subject: 'Cover wanted',
      body: 'Bob asks for cover Sat 10:00–18:00.\nhttps://k/c/1',
      short: 'Bob asks for cover Sat 10:00–18:00. https://k/c/1',
      incident: null,
    });
    const long = composeMessage(
      config,
      row({ subject: 'S', text: 'x'.repeat(300), url: 'https://k/c/1' }),
      null,
      [],
    );
    expect(long.short.length).toBe(160);
    expect(long.short.endsWith('… https://k/c/1')).toBe(true);
  });

  it('keeps the handoff notice otherwise', () => {
    const msg = composeMessage(
      config,
      row({ scheduleName: 'Primary', until: Date.parse('2026-04-01T09:00:00Z') }),
      null,
      [],
    );
    expect(msg.short).toBe('You are now on call for Primary until 2026-04-01 09:00 UTC.');
    expect(msg.subject).toBe('On call: Primary');
  });
});

describe('ntfy pages with action links, and retries', () => {
  let ntfy: FakeServer;
  let store: KlaxonDatabase;
  let built: KlaxonApp;
  afterEach(async () => {
    await built?.app.close();
    await store?.close();
    await ntfy?.close();
  });

  it('sends the exact Actions header, and a retry carries the links of the first attempt', async () => {
    let calls = 0;
    ntfy = await startFake((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'application/json' });
      res.end(calls === 1 ? '{"error":"busy"}' : '{"id":"n1"}');
    });
    const config = testConfig('', LINKS_YAML);
    store = await createTestStore('sqlite');
    const clock = new FakeClock('2026-03-31T10:00:00Z');
    const others: OutboundMessage[] = [];
    const capture: NotificationProvider = {
      id: 'capture',
      type: 'capture',
      channels: ['sms', 'email'],
      send: (msg) => (others.push(msg), Promise.resolve({})),
    };
    const registry = new ProviderRegistry([ntfyProvider({ id: 'ntfy', baseUrl: ntfy.url }), capture]);
    const standard = standardModules(config, store, { clock, registry, random: () => 0 });
    built = await buildApp({ config, store, clock, processMetrics: false, registry });
    const loop = new EngineLoop({ store, clock, modules: standard.modules, intervalMs: 1000 });
    const cycle = async () => {
      await loop.runOnce();
      await standard.delivery?.drain();
    };
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: { authorization: `Bearer ${KEYS.alertmanager}` },
      payload: amPayload([
        {
          labels: { alertname: 'Lag', service: 'kafka' },
          annotations: { summary: 'Kafka lag' },
          fingerprint: 'n1',
          startsAt: clock.now().toISOString(),
        },
      ]),
    });
    const id = res.json<{ results: { incidentId: number }[] }>().results[0]!.incidentId;
    await cycle();
    const toAlice = () => ntfy.requests.filter((r) => r.path === '/alice');
    expect(toAlice()).toHaveLength(1);
    clock.advance(10 * 60_000);
    await cycle();
    const [first, second] = toAlice();
    expect(second).toBeDefined();
    const actions = first!.headers.actions as string;
    const ack = /http, Acknowledge, (\S+), method=POST/.exec(actions)![1]!;
    expect(ack).toMatch(LINK);
    expect(actions).toBe(
      `http, Acknowledge, ${ack}, method=POST, clear=true; view, Open, ${PUBLIC}/incidents/${id}`,
    );
    expect(second!.headers.actions).toBe(actions);
    expect(
      await store.db
        .selectFrom('action_links')
        .select('action')
        .where('user_id', '=', 'alice')
        .where('channel', '=', 'push')
        .execute(),
    ).toHaveLength(2);
    // The link from the first, failed attempt acts.
    const used = await built.app.inject({
      method: 'POST',
      url: ack.slice(PUBLIC.length),
      headers: { accept: 'application/json' },
    });
    expect(used.json()).toMatchObject({
      ok: true,
      actor: 'push:alice',
      incident: { id, state: 'acknowledged' },
    });
    expect((await getIncident(store, id)).incident.acknowledgedBy).toBe('push:alice');
  });
});
