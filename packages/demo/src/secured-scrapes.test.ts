/**
 * The game day's secured-scrape check against real Prometheus and the simulator behind a token: it passes
 * when Prometheus sends the token, and names each target when Prometheus scrapes without it (so it can fail).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Platform, startSimServer, type SimServer } from '@klaxon/sim';
import { missingBinary } from '@klaxon/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { prometheusConfig, startPrometheus } from './monitoring.ts';
import { findBinary, freePort } from './processes.ts';
import { securedScrapeProblems } from './secured-scrapes.ts';

const skip = missingBinary(['prometheus'], 'prometheus');
const TOKEN = 'sim-scrape-token-0123456789abcdef';
const JOBS = ['game-api', 'kafka-exporter'];

describe.skipIf(skip)('securedScrapeProblems', () => {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-secured-'));
  const running: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of running.reverse()) await s.stop().catch(() => {});
  });

  /** Prometheus scraping `sim`'s JOBS and itself, sending the token or not. */
  async function prometheus(sim: SimServer, name: string, token: string | undefined) {
    const port = await freePort();
    const prom = await startPrometheus({
      bin: findBinary(['prometheus'])!,
      dir: join(dir, name),
      port,
      config: prometheusConfig({
        scrapeIntervalSeconds: 1,
        evaluationIntervalSeconds: 1,
        ruleFiles: [],
        alertmanager: '127.0.0.1:9',
        targets: [
          ...sim.targets
            .filter((t) => JOBS.includes(t.job))
            .map((t) => ({
              job: t.job,
              address: new URL(sim.url).host,
              path: t.path,
              ...(token ? { bearerToken: token } : {}),
            })),
          { job: 'prometheus', address: `127.0.0.1:${port}`, path: '/metrics' },
        ],
      }),
    });
    running.push(prom);
    return { urls: { prometheus: prom.url }, scrapeAuth: { secured: JOBS, open: ['prometheus'] } };
  }

  it('finds nothing wrong when every scrape sends the token, and each target when none does', async () => {
    const now = Date.now();
    const sim = await startSimServer({
      platform: new Platform({ seed: 7, startMs: now - 60_000 }),
      now: () => Date.now(),
      token: TOKEN,
    });
    running.push({ stop: () => sim.close() });
    const [withToken, without] = await Promise.all([
      prometheus(sim, 'with-token', TOKEN),
      prometheus(sim, 'without-token', undefined),
    ]);
    expect(await securedScrapeProblems(withToken)).toEqual([]);
    const problems = await securedScrapeProblems(without);
    for (const job of JOBS) {
      expect(problems).toContain(`${job}: up is 0, not 1`);
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${job}: down \\(.*401`)));
    }
    expect(problems.filter((p) => p.startsWith('prometheus'))).toEqual([]);
  }, 90_000);
});
