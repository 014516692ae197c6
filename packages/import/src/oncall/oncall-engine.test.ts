import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, FakeClock, parseConfig } from '@klaxon/engine';
import { createTestStore, startFakeOnCall, ONCALL_FIXTURE_NOW } from '@klaxon/testing';
import { describe, expect, it } from 'vitest';
import { runOnCallImport } from './run.ts';

const TOKEN = 'oncall-e2e-admin-token-0123456789';
const HOUR = 3_600_000;

describe('the engine started on an imported OnCall config', () => {
  it('answers GET /api/v1/oncall as OnCall renders final_shifts, hourly and at every handoff over 8 weeks', async () => {
    const fake = await startFakeOnCall({ throttleOnce: null });
    const file = join(mkdtempSync(join(tmpdir(), 'klaxon-oncall-e2e-')), 'klaxon.yaml');
    const r = await runOnCallImport({
      apiUrl: fake.url,
      token: fake.token,
      out: file,
      verifyWeeks: 1,
      now: () => ONCALL_FIXTURE_NOW,
    });
    expect(r.exitCode).toBe(0);
    const env = Object.fromEntries(
      readFileSync(`${file}.env`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    const text = `${readFileSync(file, 'utf8')}\napiTokens:\n  - { name: e2e, token: ${TOKEN}, role: admin }\n`;
    const config = parseConfig(text, file, env);
    const store = await createTestStore('sqlite');
    const { app } = await buildApp({
      config,
      store,
      clock: new FakeClock(ONCALL_FIXTURE_NOW),
      processMetrics: false,
    });
    try {
      const schedules = [...r.verification.map((v) => [v.oncallId, v.scheduleId] as const)];
      expect(schedules.length).toBe(2);
      let compared = 0;
      // Every hour for 8 weeks (both DST changes inside), and every handoff OnCall renders.
      const until = ONCALL_FIXTURE_NOW + 8 * 7 * 24 * HOUR;
      const times = new Set<number>();
      for (let t = ONCALL_FIXTURE_NOW; t < until; t += HOUR) times.add(t);
      // OnCall's rendering of the whole range, once per schedule; an instant's answer is the shifts covering it.
      const rendered = new Map(
        schedules.map(([oncallId]) => [oncallId, fake.finalShifts(oncallId, ONCALL_FIXTURE_NOW, until)]),
      );
      for (const shifts of rendered.values())
        for (const f of shifts)
          for (const edge of [f.start, f.end])
            if (edge >= ONCALL_FIXTURE_NOW && edge < until) times.add(edge);
      for (const t of [...times].sort((a, b) => a - b)) {
        const res = await app.inject({
          method: 'GET',
          url: `/api/v1/oncall?at=${new Date(t).toISOString()}`,
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(res.statusCode).toBe(200);
        const body = res.json<{ oncall: { schedule: string; user: string | null }[] }>();
        for (const [oncallId, scheduleId] of schedules) {
          const source = rendered
            .get(oncallId)!
            .filter((f) => f.start <= t && t < f.end)
            .map((f) => r.userIds.get(f.user));
          const klaxon = body.oncall.find((o) => o.schedule === scheduleId)?.user;
          expect([new Date(t).toISOString(), scheduleId, klaxon ? [klaxon] : []]).toEqual([
            new Date(t).toISOString(),
            scheduleId,
            source,
          ]);
          compared++;
        }
      }
      expect(compared).toBe(2 * times.size);
      expect(times.size).toBeGreaterThanOrEqual(8 * 7 * 24);
    } finally {
      await app.close();
      await store.close();
      await fake.close();
    }
  }, 120_000);
});
