/**
 * Game days: every scenario runs against real Prometheus, real Alertmanager, the engine and the
 * simulator, and must do exactly what the tier model promises. The run writes docs/game-days.md.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationMs, panelQueries, seedCatalog, substituteVariables } from '@klaxon/catalog';
import { systemClock } from '@klaxon/engine';
import {
  DEFAULT_SEED,
  DEMO_TIME_FACTOR,
  describeFailures,
  gameDayMarkdown,
  intervalSeconds,
  loadPlans,
  MissingBinaryError,
  prepareHistory,
  requireBinaries,
  runScenario,
  startStack,
  summarize,
  type History,
  type ScenarioResult,
} from '../src/index.ts';
import { securedScrapeProblems } from '../src/secured-scrapes.ts';
import { checkFaithful } from './faithful.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORK = join(ROOT, '.tmp', 'gameday');
const CONFIG = join(ROOT, 'examples', 'klaxon.yaml');
const now = () => systemClock.now().getTime();

function binariesPresent(): boolean {
  try {
    requireBinaries(['prometheus', 'promtool', 'alertmanager']);
    return true;
  } catch (err) {
    if (process.env.CI === 'true' || !(err instanceof MissingBinaryError)) throw err;
    console.warn(`[game days] SKIPPED: ${(err as Error).message}`);
    return false;
  }
}

const present = binariesPresent();
const plans = loadPlans();
const results: ScenarioResult[] = [];
let history: History;

describe.skipIf(!present)('game days', () => {
  beforeAll(async () => {
    history = await prepareHistory({ workDir: join(WORK, 'base'), seed: DEFAULT_SEED });
  });

  afterAll(() => {
    if (results.length !== plans.length) return;
    const order = new Map(plans.map((p, i) => [p.name, i]));
    results.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
    writeFileSync(
      join(ROOT, 'docs', 'game-days.md'),
      gameDayMarkdown(results, {
        factor: DEMO_TIME_FACTOR,
        interval: intervalSeconds(DEMO_TIME_FACTOR),
        seed: DEFAULT_SEED,
        date: systemClock.now().toISOString().slice(0, 10),
        machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
      }),
    );
  });

  for (const plan of plans) {
    it.concurrent(`${plan.name}: ${plan.title}`, async () => {
      const stack = await startStack({ workDir: join(WORK, plan.name), configFile: CONFIG, history });
      let result: ScenarioResult;
      try {
        result = await runScenario(stack, plan, { now });
      } finally {
        await stack.stop();
      }
      results.push(result);
      expect(result.passed, describeFailures(result)).toBe(true);
    });
  }

  it.concurrent(
    'every Prometheus query of every dashboard returns data from real Prometheus scraping the simulator, and a deployment before the fault is on the T1 incident and its messages',
    async () => {
      const stack = await startStack({ workDir: join(WORK, 'dashboards'), configFile: CONFIG, history });
      try {
        // The demo scenario leaves incidents, notifications and a cost anomaly behind; a query is running
        // (200 s: under RedshiftLongRunningQuery's 300 s, so nothing unexpected pages).
        const plan = plans.find((p) => p.name === 'demo')!;
        stack.platform.addFault({
          knob: 'redshift.running_query_seconds',
          set: 200,
          startMs: now(),
        });
        // A deployment to Kafka shortly before the fault: "what changed?" must name it on the T1 incident.
        const deploy = await fetch(`${stack.urls.engine}/api/v1/deployments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.tokens.responder}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            service: 'kafka',
            version: '3.7.1-rc2',
            author: 'dana',
            environment: 'production',
          }),
        });
        expect(deploy.status, await deploy.clone().text()).toBe(201);
        const result = await runScenario(stack, plan, { now });
        expect(result.passed, describeFailures(result)).toBe(true);
        const t1 = (await (
          await fetch(`${stack.urls.engine}/api/v1/incidents?tier=T1&service=kafka`, {
            headers: { authorization: `Bearer ${stack.tokens.viewer}` },
          })
        ).json()) as { incidents: { id: number }[] };
        expect(t1.incidents.length, 'the demo scenario opened a T1 kafka incident').toBeGreaterThan(0);
        const detail = (await (
          await fetch(`${stack.urls.engine}/api/v1/incidents/${t1.incidents[0]!.id}`, {
            headers: { authorization: `Bearer ${stack.tokens.viewer}` },
          })
        ).json()) as { changes: { version: string }[]; timeline: { kind: string; message: string }[] };
        expect(detail.changes.map((c) => c.version)).toContain('3.7.1-rc2');
        expect(
          detail.timeline.some((e) => e.kind === 'change.deployed' && e.message.includes('3.7.1-rc2')),
        ).toBe(true);
        const t1Messages = readFileSync(stack.outbox, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map(
            (l) =>
              JSON.parse(l) as { incident: number | null; subject: string; text: string; channel: string },
          )
          .filter((m) => m.incident === t1.incidents[0]!.id && m.subject.startsWith('[T1]'));
        expect(t1Messages.length).toBeGreaterThan(0);
        expect(
          t1Messages.filter((m) => m.text.includes('Changed: kafka 3.7.1-rc2 by dana')).map((m) => m.channel),
          'the T1 messages name the deployment',
        ).toEqual(expect.arrayContaining(['slack']));
        const empty: string[] = [];
        for (const q of panelQueries(stack.catalog.dashboards ?? [])) {
          const expr = substituteVariables(q.expr, '1m');
          const res = await fetch(`${stack.urls.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
          const body = (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
          if (body.status !== 'success')
            empty.push(`${q.dashboard} / "${q.panel}": error ${body.error ?? res.status}: ${expr}`);
          else if ((body.data?.result.length ?? 0) === 0)
            empty.push(`${q.dashboard} / "${q.panel}": no data: ${expr}`);
        }
        expect(empty, `empty panels:\n${empty.join('\n')}`).toEqual([]);
      } finally {
        await stack.stop();
      }
    },
  );

  it.concurrent(
    '8 days of history (diurnal swings, drifts, noise) fire no production rule, evaluated by real Prometheus',
    async () => {
      const stack = await startStack({ workDir: join(WORK, 'history-check'), configFile: CONFIG, history });
      try {
        const stepS = 120;
        const start = Math.ceil(history.fromMs / 1000) + 3600;
        const end = Math.floor(history.toMs / 1000);
        const fired: string[] = [];
        let evaluated = 0;
        for (const a of seedCatalog().alerts.filter((x) => x.name !== 'Watchdog')) {
          for (const t of a.thresholds) {
            const expr = `(${a.expr}) ${t.op} ${t.value}`;
            const url = `${stack.urls.prometheus}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${stepS}`;
            const body = (await (await fetch(url)).json()) as {
              status: string;
              error?: string;
              data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
            };
            expect(body.status, `${a.name} ${t.tier}: ${body.error ?? ''}`).toBe('success');
            evaluated++;
            const forS = durationMs(t.for) / 1000;
            for (const series of body.data!.result) {
              // The longest run of consecutive evaluations where the condition held: Prometheus's for:.
              let run = 0;
              let longest = 0;
              let prev = -Infinity;
              for (const [ts] of series.values) {
                run = ts - prev === stepS ? run + stepS : 0;
                longest = Math.max(longest, run);
                prev = ts;
              }
              if (longest >= forS)
                fired.push(
                  `${a.name} [${t.tier}] ${JSON.stringify(series.metric)} held ${longest / 60} min (for: ${t.for})`,
                );
            }
          }
        }
        expect(evaluated).toBeGreaterThan(50);
        expect(fired, `rules that would have fired on a quiet week:\n${fired.join('\n')}`).toEqual([]);
        // Authentication is on for every secured scrape: each target is up == 1, and refuses a bare request.
        expect(await securedScrapeProblems(stack), 'secured scrapes').toEqual([]);
      } finally {
        await stack.stop();
      }
    },
  );

  it.concurrent(
    'a backtest of two minutes of faults and blips equals what Prometheus (ALERTS) and the engine did',
    async () => {
      const stack = await startStack({ workDir: join(WORK, 'backtest'), configFile: CONFIG, history });
      try {
        await checkFaithful(stack, now);
      } finally {
        await stack.stop();
      }
    },
  );

  it('meets the game-day targets across all scenarios', () => {
    expect(results).toHaveLength(plans.length);
    const sum = summarize(results);
    const table = results
      .map((r) => `${r.name}: detection ${r.detection.latencyMs} ms, floor ${r.detection.floorMs} ms`)
      .join('\n');
    expect(sum.medianRatio, `median detection latency / floor must be ≤ 1.2:\n${table}`).not.toBeNull();
    expect(sum.medianRatio!, `median detection latency / floor must be ≤ 1.2:\n${table}`).toBeLessThanOrEqual(
      1.2,
    );
    // The quiet day had noise an every-alert-pages setup would have paged on, and Klaxon paged nobody.
    expect(sum.quietDay, 'the quiet day ran').not.toBeNull();
    expect(sum.quietDay!.klaxonPages, 'the quiet day pages nobody').toBe(0);
    expect(sum.quietDay!.naivePages, 'the simulator made noise on the quiet day').toBeGreaterThan(0);
    expect(results.every((r) => r.pages.T1 + r.pages.T2 === r.klaxonPages)).toBe(true);
    expect(sum.klaxonPages, 'Klaxon pages fewer times than every-alert-pages would').toBeLessThan(
      sum.naivePages,
    );
  });

  it('`klaxon demo` pages the primary, escalates to the backup and posts a T3 message within 3 minutes, and Ctrl-C leaves nothing behind', async () => {
    const workDir = join(WORK, 'cli-demo');
    const child = spawn(
      process.execPath,
      [resolve(ROOT, 'packages/cli/bin/klaxon.js'), 'demo', '--work-dir', workDir],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: false,
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const start = now();
    // The web UI: the printed URL and sign-in work, and the scenario's incidents arrive on its live
    // stream as they open.
    while (!/Web UI\s+http/.test(out) && child.exitCode === null && now() - start < 120_000)
      await new Promise((r) => setTimeout(r, 250));
    const ui = /Web UI\s+(http:\/\/localhost:\d+)\/\s+\(sign in: (\w+) \/ (\S+) \(responder\)/.exec(out);
    expect(ui, out).not.toBeNull();
    const [, uiUrl, user, password] = ui!;
    expect(await (await fetch(`${uiUrl}/`, { headers: { accept: 'text/html' } })).text()).toContain(
      '<div id="root">',
    );
    const login = await fetch(`${uiUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const live: { service: string; tier: string }[] = [];
    const stream = new AbortController();
    const streamed = fetch(`${uiUrl}/api/v1/stream`, { headers: { cookie }, signal: stream.signal })
      .then(async (res) => {
        const decoder = new TextDecoder();
        let buf = '';
        for await (const chunk of res.body!) {
          buf += decoder.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const data = /^data: (.*)$/m.exec(frame);
            if (frame.startsWith('event: incident') && data) live.push(JSON.parse(data[1]!));
          }
        }
      })
      .catch(() => {});
    while (!out.includes('Still running') && child.exitCode === null && now() - start < 180_000)
      await new Promise((r) => setTimeout(r, 250));
    stream.abort();
    await streamed;
    expect(
      live.filter((i) => i.tier === 'T1' && i.service !== 'monitoring').length,
      "the demo's T1 incident reached the UI's live stream",
    ).toBeGreaterThan(0);
    const elapsed = now() - start;
    child.kill('SIGINT');
    const code = await exited;
    expect(out, out).toContain('Still running');
    expect(out, 'the default scenario met every expected outcome').toContain(
      'Every expected outcome happened',
    );
    expect(elapsed, 'the demo must reach its outcomes within 3 minutes of start').toBeLessThan(180_000);
    expect(out).toMatch(/PAGE\s+PAGE → \w+ by (voice|sms).*\[T1\]/);
    expect(out).toMatch(/ESCALATE\s+ESCALATED → \w+ .*escalation step 2/);
    expect(out).toMatch(/MESSAGE\s+T3 message → slack/);
    expect(out).toContain('no process left behind');
    expect(code).toBe(130);
    // Nothing the demo started (Prometheus, Alertmanager on its work dir) is still running.
    const ps = await new Promise<string>((r) => {
      const p = spawn('ps', ['-eo', 'args']);
      let s = '';
      p.stdout.on('data', (d: Buffer) => (s += d.toString()));
      p.once('exit', () => r(s));
    });
    expect(ps.split('\n').filter((l) => l.includes(workDir))).toEqual([]);
  });
});
