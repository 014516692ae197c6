/**
 * `klaxon backtest` against real Prometheus on six hours of simulated history with a lag fault: what
 * it pages, what a lowered threshold changes (`--baseline`), and the bad inputs (unreachable Prometheus,
 * a range without data, a range too large, rules Prometheus cannot evaluate) giving clear errors or
 * reported skips, never a silent zero.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileAlertmanager, seedCatalog } from '@klaxon/catalog';
import { freePort, requireBinaries, seriesBlocks, startPrometheus, type RunningService } from '@klaxon/demo';
import { Platform } from '@klaxon/sim';
import { backtest, type BacktestFlags } from '../src/commands/backtest.ts';
import { CliError } from '../src/output.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONFIG = join(ROOT, 'examples', 'klaxon.yaml');
const LOWERED = resolve(ROOT, 'packages/cli/test/fixtures/lower-lag.catalog.ts');
const STEP = 60_000;
const FROM = Date.UTC(2026, 10, 2, 0, 0, 0); // a Monday
const TO = FROM + 6 * 3_600_000;
const LAG = { consumergroup: 'narrative-workers', topic: 'player-actions' };

let dir: string;
let prom: RunningService;

const flags = (extra: Partial<BacktestFlags> = {}): BacktestFlags => ({
  prometheus: prom.url,
  from: new Date(FROM + 3_600_000).toISOString(),
  to: new Date(TO).toISOString(),
  engineConfig: CONFIG,
  json: true,
  evaluationInterval: '30s',
  ackAfter: '2m',
  ...extra,
});
const quiet = { write: () => {}, tty: false, now: () => TO };

beforeAll(async () => {
  const bins = requireBinaries(['prometheus', 'promtool']);
  dir = mkdtempSync(join(tmpdir(), 'klaxon-backtest-'));
  const platform = new Platform({ seed: 7, startMs: FROM });
  // 02:00–02:40 UTC: lag 4000 (between 3000 and the seed's 5000); 03:00–03:30: 12000 (T1 and T2).
  const at = (h: number, m = 0) => FROM + h * 3_600_000 + m * 60_000;
  platform.addFault({ knob: 'kafka.consumer_lag', labels: LAG, set: 4000, startMs: at(2), endMs: at(2, 40) });
  platform.addFault({
    knob: 'kafka.consumer_lag',
    labels: LAG,
    set: 12000,
    startMs: at(3),
    endMs: at(3, 30),
  });
  await seriesBlocks({
    source: platform,
    fromMs: FROM,
    toMs: TO,
    stepMs: STEP,
    dataDir: join(dir, 'data'),
    workDir: join(dir, 'scratch'),
    promtool: bins.promtool,
  });
  prom = await startPrometheus({
    bin: bins.prometheus,
    dir,
    port: await freePort(),
    retention: '100y',
    config: { global: { scrape_interval: '1m' }, scrape_configs: [] },
  });
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('klaxon backtest', () => {
  it('counts naive alarms, episodes, incidents, pages and wake-ups through routing and the engine', async () => {
    let out = '';
    const html = join(dir, 'report.html');
    const r = await backtest(flags({ html }), { ...quiet, write: (t) => (out += t) });
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('KafkaConsumerLag');
    expect(page).toMatch(/<svg[\s\S]*<\/svg>/);
    const lag = (tier: string) => r.rules.find((x) => x.alert === 'KafkaConsumerLag' && x.tier === tier)!;
    expect(lag('T1')).toMatchObject({ episodes: 1, incidents: 1 });
    // The T2 fires 10 minutes in, under the T1 with the same labels: Alertmanager's inhibition mutes it.
    expect(lag('T2')).toMatchObject({ episodes: 1, incidents: 0, pages: 0 });
    // 03:00 UTC on a Monday is night for everyone in examples/klaxon.yaml but Dana (Kolkata, 08:30).
    expect(lag('T1').pages).toBeGreaterThanOrEqual(1);
    expect(lag('T1').episodeList[0]!.labels).toMatchObject({
      ...LAG,
      alertname: 'KafkaConsumerLag',
      tier: 'T1',
    });
    const paged = r.incidents.filter((i) => i.alert === 'KafkaConsumerLag');
    expect(paged.map((i) => i.tier)).toEqual(['T1']);
    expect(r.totals.naive).toBeGreaterThanOrEqual(r.totals.episodes);
    expect(r.totals.noiseReduction).toBe(Math.round((1 - r.totals.pages / r.totals.naive) * 10_000) / 10_000);
    // Rules whose metrics the history does not have are reported, not counted as quiet.
    const skipped = r.rules.filter((x) => x.skipped);
    expect(skipped.map((x) => x.alert)).toContain('KlaxonNotificationsFailing');
    expect(
      skipped.every((x) => x.skipped!.code === 'no_data' && x.skipped!.message.includes('no data')),
    ).toBe(true);
    expect(JSON.parse(out)).toMatchObject({ totals: { pages: r.totals.pages } });
  });

  it('shows a lowered threshold as more pages for that rule against the baseline', async () => {
    const r = await backtest(flags({ catalog: LOWERED, baseline: undefined }), quiet);
    mkdirSync(join(dir, 'seed-build'), { recursive: true });
    const withBaseline = await backtest(
      flags({ catalog: LOWERED, baseline: join(dir, 'seed-build') }),
      quiet,
    ).catch((e: unknown) => e);
    // A directory that is not a build is an error that says what to do.
    expect((withBaseline as Error).message).toMatch(/not a klaxon build directory.*klaxon build/);
    const seedBuild = join(dir, 'seed-build');
    mkdirSync(join(seedBuild, 'prometheus'), { recursive: true });
    mkdirSync(join(seedBuild, 'alertmanager'), { recursive: true });
    const { compileRuleGroups } = await import('@klaxon/catalog');
    for (const g of compileRuleGroups(seedCatalog()))
      writeFileSync(join(seedBuild, 'prometheus', `${g.name}.rules.yml`), stringify({ groups: [g] }));
    writeFileSync(
      join(seedBuild, 'alertmanager', 'alertmanager.yml'),
      stringify(compileAlertmanager(seedCatalog(), { target: 'klaxon', klaxonKey: 'k' })),
    );
    const diffRun = await backtest(flags({ catalog: LOWERED, baseline: seedBuild }), quiet);
    const t2 = r.rules.find((x) => x.alert === 'KafkaConsumerLag' && x.tier === 'T2')!;
    // 4000 for 40 minutes now crosses 3000: a T2 that pages; the second T2 is still muted by the T1.
    expect(t2).toMatchObject({ episodes: 2, incidents: 1 });
    const top = diffRun.baseline!.diff[0]!;
    expect(top).toMatchObject({ alert: 'KafkaConsumerLag', tier: 'T2' });
    expect(top.pagesChange).toBeGreaterThan(0);
    expect(top.candidate!.pages).toBe(top.baseline!.pages + top.pagesChange);
    expect(diffRun.baseline!.diff.filter((d) => d.pagesChange !== 0)).toHaveLength(1);
  });

  it('reports a rule Prometheus cannot evaluate as skipped with its reason', async () => {
    const build = join(dir, 'bad-build');
    mkdirSync(join(build, 'prometheus'), { recursive: true });
    mkdirSync(join(build, 'alertmanager'), { recursive: true });
    writeFileSync(
      join(build, 'prometheus', 'bad.rules.yml'),
      stringify({
        groups: [
          {
            name: 'bad',
            rules: [
              { alert: 'Unparsable', expr: 'rate(kafka_consumergroup_lag_sum[5m]', labels: { tier: 'T2' } },
              {
                alert: 'ManyToMany',
                expr: 'kafka_consumergroup_lag_sum * on() kafka_consumergroup_lag_sum',
                labels: { tier: 'T2' },
              },
              { alert: 'Fine', expr: 'kafka_consumergroup_lag_sum > 10000', labels: { tier: 'T1' } },
            ],
          },
        ],
      }),
    );
    writeFileSync(
      join(build, 'alertmanager', 'alertmanager.yml'),
      stringify(compileAlertmanager(seedCatalog(), { target: 'klaxon', klaxonKey: 'k' })),
    );
    const r = await backtest(flags({ catalog: build }), quiet);
    const by = new Map(r.rules.map((x) => [x.alert, x]));
    expect(by.get('Unparsable')!.skipped!.code).toBe('query_invalid');
    expect(by.get('ManyToMany')!.skipped).toMatchObject({ code: 'query_failed' });
    expect(by.get('ManyToMany')!.skipped!.message).toMatch(/many-to-many|matching/);
    expect(by.get('Fine')!.skipped).toBeNull();
    expect(by.get('Fine')!.episodes).toBe(1);
    expect(r.totals.rulesSkipped).toBe(2);
    expect(r.warnings.join('\n')).toContain('Unparsable');
  });

  it('refuses an unreachable Prometheus, a range without data and a range too large, saying what to do', async () => {
    const closed = await freePort();
    const fail = (f: Partial<BacktestFlags>) =>
      backtest(flags(f), quiet).then(
        () => null,
        (e: unknown) => e as Error,
      );
    const unreachable = await fail({ prometheus: `http://127.0.0.1:${closed}` });
    expect(unreachable).toBeInstanceOf(CliError);
    expect(unreachable!.message).toMatch(
      /could not reach Prometheus at http:\/\/127\.0\.0\.1:\d+.*\[prometheus_unreachable\]/,
    );
    const empty = await fail({ from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' });
    expect(empty!.message).toMatch(/has no data between 2020-01-01.*retention.*\[no_data\]/);
    const huge = await fail({ from: '-400d', to: 'now' });
    expect(huge!.message).toMatch(/400 days.*at most 93.*\[range_too_large\]/);
    const backwards = await fail({ from: 'now', to: '-1d' });
    expect(backwards!.message).toMatch(/--from must be before --to/);
    const badTime = await fail({ from: 'yesterday' });
    expect(badTime!.message).toMatch(/--from "yesterday" is not a time/);
    const noConfig = await fail({ engineConfig: undefined });
    expect(noConfig!.message).toMatch(/--engine-config is needed/);
    expect(readFileSync(CONFIG, 'utf8')).toContain('integrationKeys');
  });
});
