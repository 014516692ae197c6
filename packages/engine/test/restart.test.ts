/**
 * Escalation timers survive SIGKILL: the engine is killed between steps and restarted. A step that fell
 * due while it was down fires at once on start, later steps fire within 1 s of due, and no step fires
 * twice.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastOncallYaml, freePort, KEYS, spawnEngine, TOKENS, waitFor } from '@klaxon/testing';

const STEP_S = 3;

interface Step {
  at: string;
  data: { step: number; dueAt: number | null };
}

describe('escalation across SIGKILL', () => {
  it('fires each step once: the overdue one at start, the next within 1 s of due', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-restart-'));
    const configFile = join(dir, 'klaxon.yaml');
    writeFileSync(configFile, fastOncallYaml(STEP_S, join(dir, 'outbox.jsonl')));
    const engineOpts = { configFile, database: join(dir, 'klaxon.db'), port: await freePort() };
    let engine = spawnEngine(engineOpts);
    const base = engine.url;
    try {
      await engine.ready();
      const res = await fetch(`${base}/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          routing_key: KEYS.pagerduty,
          event_action: 'trigger',
          dedup_key: 'kafka-down',
          payload: { summary: 'Kafka down', source: 'test', severity: 'critical' },
        }),
      });
      expect(res.status).toBe(202);
      const steps = async () => {
        const detail = (await (
          await fetch(`${base}/api/v1/incidents/1`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } })
        ).json()) as {
          timeline: ({ kind: string } & Step)[];
        };
        return detail.timeline.filter((e) => e.kind === 'escalation.step');
      };
      const [first] = await waitFor(
        'step 1 to fire',
        async () => ((await steps()).length === 1 ? steps() : undefined),
        5000,
      );
      await engine.kill();
      // Step 2 falls due while the engine is down.
      await new Promise((r) => setTimeout(r, (STEP_S + 1) * 1000));
      const restartedAt = Date.now();
      engine = spawnEngine(engineOpts);
      await engine.ready();
      const readyAt = Date.now();
      const all = await waitFor(
        'step 3 to fire',
        async () => {
          const s = await steps();
          return s.length >= 3 ? s : undefined;
        },
        15_000,
      );
      await new Promise((r) => setTimeout(r, 1500));
      const final = await steps();
      expect(final.map((s) => s.data.step)).toEqual([0, 1, 2]);
      const [, second, third] = all;
      const firstAt = Date.parse(first!.at);
      const secondAt = Date.parse(second!.at);
      expect(second!.data.dueAt).toBe(firstAt + STEP_S * 1000);
      expect(secondAt).toBeGreaterThanOrEqual(restartedAt);
      // The engine is ready (answers /readyz) a moment after its first cycle starts.
      expect(secondAt - readyAt, 'the overdue step fires at once on start').toBeLessThan(1000);
      expect(Date.parse(third!.at) - third!.data.dueAt!, 'later steps fire within 1 s of due').toBeLessThan(
        1000,
      );
      expect(third!.data.dueAt).toBe(secondAt + STEP_S * 1000);
    } finally {
      await engine.kill();
    }
  }, 60_000);
});
