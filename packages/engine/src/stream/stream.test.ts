import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  auth,
  DIALECTS,
  SERVICES_YAML,
  skipPostgres,
  startHarness,
  TOKENS,
  type Harness,
} from '@klaxon/testing';
import type { IncidentDto } from '../incidents/model.ts';
import { IncidentFeed } from './feed.ts';

/** Two teams: kafka belongs to platform, game-api to game; a token scoped to game only. */
const TEAMS_YAML = SERVICES_YAML.replace(
  '  - { id: game-api, name: Game API, team: platform,',
  '  - { id: game-api, name: Game API, team: game,',
)
  .replace('teams:\n', 'teams:\n  - { id: game, name: Game, members: [bob] }\n')
  .replace(
    '  - { name: viewer, token: ',
    `  - { name: game-viewer, token: game-viewer-token-0123456789, role: viewer, teams: [game] }\n  - { name: viewer, token: `,
  );

for (const dialect of DIALECTS) {
  describe.skipIf(skipPostgres(dialect))(`live incident feed (${dialect})`, () => {
    let h: Harness;
    afterEach(async () => {
      await h?.close();
    });

    it('reports every change to an incident once: opened, paged, delivered, noted, acknowledged', async () => {
      h = await startHarness(dialect, SERVICES_YAML);
      const feed = new IncidentFeed(h.store.db, { intervalMs: 60_000 });
      const batches: IncidentDto[][] = [];
      const stop = feed.subscribe((b) => batches.push(b));
      await feed.ready();
      const ids = () => batches.flat().map((i) => `${i.id}:${i.state}`);

      const id = await h.fire({ alertname: 'Down', service: 'kafka', tier: 'T1' }, 'Kafka down', 'f1');
      await feed.poll();
      expect(ids()).toEqual([`${id}:triggered`]);
      await feed.poll();
      expect(batches, 'nothing new, nothing reported').toHaveLength(1);

      await h.cycle(); // step 1 pages: notifications queued and delivered
      await feed.poll();
      expect(ids()).toEqual([`${id}:triggered`, `${id}:triggered`]);

      h.clock.advance(1000);
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${id}/acknowledge`,
        headers: auth(TOKENS.responder),
      });
      await feed.poll();
      expect(ids().at(-1)).toBe(`${id}:acknowledged`);

      // A change committed late with a time before the newest one seen is still reported.
      await h.store.db
        .insertInto('incident_events')
        .values({
          incident_id: id,
          at: h.clock.now().getTime() - 5000,
          kind: 'note',
          actor: 'x',
          message: 'late',
          data: '{}',
        })
        .execute();
      const before = batches.length;
      await feed.poll();
      expect(batches.length).toBe(before + 1);
      stop();
      expect(feed.listeners).toBe(0);
    });
  });
}

describe('GET /api/v1/stream', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  /** Reads server-sent events until `until` holds or 5 s pass. */
  async function read(url: string, token: string, until: (events: IncidentDto[]) => boolean) {
    const ctrl = new AbortController();
    const res = await fetch(url, { headers: auth(token), signal: ctrl.signal });
    const events: IncidentDto[] = [];
    let connected = false;
    const decoder = new TextDecoder();
    let buf = '';
    const timer = setTimeout(() => ctrl.abort(), 5000);
    const done = (async () => {
      try {
        for await (const chunk of res.body!) {
          buf += decoder.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, end);
            buf = buf.slice(end + 2);
            if (frame.includes(': connected')) connected = true;
            const data = /^data: (.*)$/m.exec(frame);
            if (frame.startsWith('event: incident') && data) events.push(JSON.parse(data[1]!) as IncidentDto);
          }
          if (until(events)) break;
        }
      } catch {
        // aborted
      }
    })();
    return {
      res,
      events,
      connected: async () => {
        while (!connected) await new Promise((r) => setTimeout(r, 20));
      },
      finish: async () => {
        await done;
        clearTimeout(timer);
        ctrl.abort();
      },
    };
  }

  it('streams incidents as they change, only those the caller may see', async () => {
    h = await startHarness('sqlite', TEAMS_YAML);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/api/v1/stream`;

    const all = await read(url, TOKENS.viewer, (e) => e.some((i) => i.service === 'game-api'));
    const game = await read(url, 'game-viewer-token-0123456789', (e) =>
      e.some((i) => i.service === 'game-api'),
    );
    expect(all.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await all.connected();
    await game.connected();
    await h.fire({ alertname: 'Lag', service: 'kafka', tier: 'T2' }, 'Kafka lag', 'k1');
    await h.fire({ alertname: 'Errors', service: 'game-api', tier: 'T1' }, 'Game API errors', 'g1');
    await all.finish();
    await game.finish();
    expect(all.events.map((i) => i.service)).toEqual(expect.arrayContaining(['kafka', 'game-api']));
    expect(game.events.map((i) => i.service)).toEqual(['game-api']);

    const denied = await fetch(url);
    expect(denied.status).toBe(401);
  });
});
