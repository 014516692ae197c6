/**
 * `klaxon cardinality` as a user runs it, against a real Prometheus scraping the simulator: a budget
 * exceeded on purpose (exit 1 naming the metric and the label), the seed's budget (exit 0), and URLs
 * that are not Prometheus (exit 2).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  findBinary,
  freePort,
  prometheusConfig,
  startPrometheus,
  waitFor,
  type RunningService,
} from '@klaxon/demo';
import { Platform, startSimServer, type SimServer } from '@klaxon/sim';
import { missingBinary } from '@klaxon/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');
const skip = missingBinary(['prometheus'], 'prometheus');

/** Runs the CLI without blocking this process: the simulator answers from it. */
async function klaxon(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function promQuery(url: string, q: string): Promise<number> {
  const body = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
    data: { result: { value: [number, string] }[] };
  };
  return Number(body.data.result[0]?.value[1] ?? 0);
}

describe.skipIf(skip)('klaxon cardinality', () => {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-cardinality-'));
  let sim: SimServer;
  let prometheus: RunningService;

  /** A build directory holding only a budget, as `--catalog <dir>` reads it. */
  const budgetDir = (name: string, budget: unknown) => {
    const out = join(dir, name);
    mkdirSync(join(out, 'prometheus'), { recursive: true });
    writeFileSync(join(out, 'prometheus', 'cardinality-budget.json'), JSON.stringify(budget));
    return out;
  };

  beforeAll(async () => {
    const now = Date.now();
    const platform = new Platform({ seed: 42, startMs: now - 60_000 });
    platform.advanceTo(now);
    sim = await startSimServer({ platform, now: () => Date.now() });
    const port = await freePort();
    prometheus = await startPrometheus({
      bin: findBinary(['prometheus'])!,
      dir: join(dir, 'prometheus'),
      port,
      config: prometheusConfig({
        scrapeIntervalSeconds: 1,
        evaluationIntervalSeconds: 1,
        ruleFiles: [],
        alertmanager: '127.0.0.1:9',
        targets: sim.targets.map((t) => ({
          job: t.job,
          address: new URL(sim.url).host,
          path: t.path,
          instance: `sim:${t.job}`,
          honorLabels: true,
        })),
      }),
    });
    await waitFor(
      'every simulator target scraped',
      async () => (await promQuery(prometheus.url, 'count(up == 1)')) === sim.targets.length,
      30_000,
    );
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 naming the metric and the label over a budget exceeded on purpose', async () => {
    const metric = 'http_server_request_duration_seconds_bucket';
    const catalog = budgetDir('tight', {
      seriesPerMetric: 1_000_000,
      valuesPerLabel: 1_000_000,
      perMetric: { [metric]: 1 },
      perLabel: { region: 1 },
    });
    const series = await promQuery(prometheus.url, `count(${metric})`);
    const regions = await promQuery(prometheus.url, 'count(count by (region) ({region!=""}))');
    expect(series).toBeGreaterThan(1);
    expect(regions).toBeGreaterThan(1);

    const text = await klaxon('cardinality', '--prometheus', prometheus.url, '--catalog', catalog);
    expect(text.status, text.stderr).toBe(1);
    expect(text.stderr).toContain(`metric ${metric} has ${series} series (budget 1)`);
    expect(text.stderr).toContain(`label region has ${regions} values (budget 1)`);
    expect(text.stderr).toMatch(/Fix: drop the label .* aggregate .* or raise the budget in the catalog/);
    expect(text.stdout).toMatch(/Series per metric\n\s+NAME\s+SERIES\s+BUDGET\n/);

    const json = await klaxon(
      'cardinality',
      '--prometheus',
      prometheus.url,
      '--catalog',
      catalog,
      '--json',
      '--top',
      '3',
    );
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as {
      offenders: { kind: string; name: string; count: number }[];
      metrics: unknown[];
      totalSeries: { count: number };
    };
    expect(report.offenders.map((o) => [o.kind, o.name, o.count])).toEqual([
      ['metric', metric, series],
      ['label', 'region', regions],
    ]);
    expect(report.metrics).toHaveLength(3);
    expect(report.totalSeries.count).toBeGreaterThanOrEqual(
      await promQuery(prometheus.url, 'count({__name__!=""})'),
    );
  }, 60_000);

  it('exits 0 within the seed catalog’s budget, with the top metric in the table', async () => {
    const r = await klaxon('cardinality', '--prometheus', prometheus.url);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('budget from the seed catalog');
    expect(r.stdout).toContain('Within budget.');
    const top = (await (await fetch(`${prometheus.url}/api/v1/status/tsdb`)).json()) as {
      data: { seriesCountByMetricName: { name: string; value: number }[] };
    };
    expect(r.stdout).toMatch(
      new RegExp(
        `\\n  ${top.data.seriesCountByMetricName[0]!.name} +${top.data.seriesCountByMetricName[0]!.value} `,
      ),
    );
  }, 60_000);

  it('exits 2 with a clear message for a URL that is not Prometheus', async () => {
    const notProm = await klaxon('cardinality', '--prometheus', sim.url);
    expect(notProm.status).toBe(2);
    expect(notProm.stderr).toContain(
      `${sim.url} did not answer GET /api/v1/status/tsdb as Prometheus does (404`,
    );
    const closed = await klaxon('cardinality', '--prometheus', `http://127.0.0.1:${await freePort()}`);
    expect(closed.status).toBe(2);
    expect(closed.stderr).toMatch(/could not reach Prometheus at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const bad = await klaxon('cardinality', '--prometheus', 'prometheus:9090');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('must start with http:// or https://');
    const budget = await klaxon(
      'cardinality',
      '--prometheus',
      prometheus.url,
      '--catalog',
      budgetDir('bad', { seriesPerMetric: -1, valuesPerLabel: 1 }),
    );
    expect(budget.status).toBe(2);
    expect(budget.stderr).toMatch(
      /cardinality-budget\.json: cardinality\.seriesPerMetric: .*whole numbers ≥ 0/,
    );
  }, 60_000);

  it('documents itself with --help', async () => {
    const r = await klaxon('cardinality', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--prometheus <url>');
    expect(r.stdout).toContain('Exit codes: 0 within budget, 1 over budget');
  });
});
