/** The simulator's HTTP targets, open or behind a bearer token as a secured exporter would be. */
import { afterEach, describe, expect, it } from 'vitest';
import { Platform } from './platform/platform.ts';
import { startSimServer, type SimServer } from './server.ts';

const TOKEN = 'sim-scrape-token-0123456789';
const START = Date.UTC(2026, 0, 5, 12);
let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const start = (token?: string) =>
  startSimServer({ platform: new Platform({ seed: 1, startMs: START }), now: () => START, token });

describe('startSimServer', () => {
  it('with a token, answers every target 401 without it and 200 with it; / and /healthz stay open', async () => {
    sim = await start(TOKEN);
    expect(sim.targets.length).toBeGreaterThan(0);
    for (const t of sim.targets) {
      const refused = await fetch(`${sim.url}${t.path}`);
      expect(refused.status, t.job).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(
        (await fetch(`${sim.url}${t.path}`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status,
      ).toBe(401);
      const ok = await fetch(`${sim.url}${t.path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status, t.job).toBe(200);
      expect(await ok.text()).toMatch(/^# (HELP|TYPE) /m);
    }
    expect((await fetch(`${sim.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${sim.url}/`)).status).toBe(200);
  });

  it('without a token, serves every target to anyone', async () => {
    sim = await start();
    expect((await fetch(`${sim.url}${sim.targets[0]!.path}`)).status).toBe(200);
  });
});
