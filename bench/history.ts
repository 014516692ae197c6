/**
 * History (issue 22): what a year of history costs a running `klaxon serve`. A SQLite file with the real
 * schema holds 100,000 incidents over the past 365 days, ~20 alerts each (2,000,000), their timeline
 * events and pages (history-data.ts builds and caches it). A real engine serves a copy of it, and a
 * closed-loop client (one request at a time) measures the incident list with filters, the incident
 * detail, 90 days of analytics, the `/metrics` scrape, the live feed's fan-out to 200 SSE clients, and
 * the start-up time. Sizes shrink through BENCH_HISTORY_* variables while iterating.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, KEYS, spawnEngine, TOKENS, type EngineProcess } from '@klaxon/testing';
import {
  ALERTS_PER_INCIDENT,
  configYaml,
  historyDb,
  INCIDENTS,
  mulberry32,
  service,
  SERVICES,
  team,
  TEAMS,
} from './history-data.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SAMPLES = Number(process.env.BENCH_HISTORY_SAMPLES ?? 300);
const SCRAPES = Number(process.env.BENCH_HISTORY_SCRAPES ?? 10);
const SSE_CLIENTS = Number(process.env.BENCH_HISTORY_SSE_CLIENTS ?? 200);
const SSE_EVENTS = Number(process.env.BENCH_HISTORY_SSE_EVENTS ?? 10);
const STARTS = Number(process.env.BENCH_HISTORY_STARTS ?? 3);
const DAY = 86_400_000;

export interface Figure {
  label: string;
  /** The first request after start (not among the samples). */
  first?: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface HistoryResult {
  incidents: number;
  alerts: number;
  events: number;
  notifications: number;
  dbMiB: number;
  buildSeconds: number | null;
  figures: Figure[];
  sse: {
    clients: number;
    events: number;
    p50: number;
    p99: number;
    max: number;
    cpuPercent: number;
    rssMiB: number;
  };
  startup: { emptyMs: number; firstMs: number; readyMs: number[]; rssMiB: number };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const figure = (label: string, ms: number[]): Figure => ({
  label,
  samples: ms.length,
  p50: pct(ms, 50),
  p99: pct(ms, 99),
  max: Math.max(...ms),
});

/** One closed-loop GET with the viewer token; the time to the last byte, ms. */
async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return performance.now() - t0;
}

async function series(label: string, n: number, url: (i: number) => string, gapMs = 0): Promise<Figure> {
  const ms: number[] = [];
  const first = await timed(url(0)); // the first after start, kept apart: caches fill here
  for (let i = 0; i < n; i++) {
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    ms.push(await timed(url(i)));
  }
  return { ...figure(label, ms), first };
}

/** An SSE client: resolves when connected; `seen` maps an incident id to when it first arrived. */
function sseClient(base: string, seen: Map<number, number>): Promise<IncomingMessage> {
  return new Promise((ok, fail) => {
    const req = httpRequest(`${base}/api/v1/stream`, {
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    req.on('response', (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buf += chunk;
        if (buf.includes(': connected')) ok(res);
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (!block.startsWith('event: incident') || !data) continue;
          const id = (JSON.parse(data[1]!) as { id: number }).id;
          if (!seen.has(id)) seen.set(id, at);
        }
      });
    });
    req.on('error', fail);
    req.end();
  });
}

async function measureSse(engine: EngineProcess, log: (s: string) => void) {
  const pid = engine.child.pid!;
  const clients = Array.from({ length: SSE_CLIENTS }, () => new Map<number, number>());
  const responses = await Promise.all(clients.map((seen) => sseClient(engine.url, seen)));
  log(`history: ${SSE_CLIENTS} SSE clients connected`);
  const cpu0 = cpuSeconds(pid);
  const w0 = performance.now();
  const latencies: number[] = [];
  for (let e = 0; e < SSE_EVENTS; e++) {
    const t0 = performance.now();
    const res = await fetch(`${engine.url}/api/v1/ingest/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.alertmanager}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: `{}:{alertname="SseBench${e}-${Date.now()}"}`,
        truncatedAlerts: 0,
        status: 'firing',
        receiver: 'klaxon',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://alertmanager.local:9093',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: `SseBench${e}`, service: service(e % SERVICES), tier: 'T3' },
            annotations: {},
            startsAt: new Date().toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.local:9090/graph',
            fingerprint: `sse-${e}-${Date.now()}`,
          },
        ],
      }),
    });
    const id = ((await res.json()) as { results: { incidentId: number }[] }).results[0]!.incidentId;
    const deadline = performance.now() + 10_000;
    while (clients.some((c) => !c.has(id)) && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 2));
    for (const c of clients) latencies.push((c.get(id) ?? Infinity) - t0);
    await new Promise((r) => setTimeout(r, 300));
  }
  const cpuPercent = ((cpuSeconds(pid) - cpu0) / ((performance.now() - w0) / 1000)) * 100;
  const rss = rssMiB(pid);
  for (const r of responses) r.destroy();
  const f = figure('sse', latencies);
  return {
    clients: SSE_CLIENTS,
    events: SSE_EVENTS,
    p50: f.p50,
    p99: f.p99,
    max: f.max,
    cpuPercent,
    rssMiB: rss,
  };
}

export async function benchHistory(log: (s: string) => void): Promise<HistoryResult> {
  const built = await historyDb(log);
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-bench-history-run-'));
  try {
    const dbFile = join(dir, 'klaxon.db');
    copyFileSync(built.file, dbFile);
    const configFile = join(dir, 'klaxon.yaml');
    writeFileSync(configFile, configYaml());
    const start = async (database = dbFile) => {
      const engine = spawnEngine({ configFile, database, port: await freePort(), logLevel: 'warn' });
      const t0 = performance.now();
      await engine.ready();
      return { engine, ms: performance.now() - t0 };
    };
    // The same start without history, for what the year adds.
    const empty = await start(join(dir, 'empty.db'));
    await empty.engine.stop();
    // The first start applies whatever migrations the cached file lacks; the next ones are plain starts.
    const first = await start();
    await first.engine.stop();
    const readyMs: number[] = [];
    let engine: EngineProcess | null = null;
    for (let i = 0; i < STARTS; i++) {
      if (engine) await engine.stop();
      const s = await start();
      engine = s.engine;
      readyMs.push(s.ms);
    }
    const running = engine!;
    try {
      const startRss = rssMiB(running.child.pid!);
      const api = `${running.url}/api/v1`;
      const rnd = mulberry32(7);
      const filters = [
        '',
        'state=triggered,acknowledged',
        'tier=T1',
        `team=${team(3)}`,
        `service=${service(7)}`,
        `state=resolved&tier=T1&service=${service(25)}`,
        `team=${team(5)}&tier=T2`,
        `service=${service(39)}&state=acknowledged`,
      ];
      log('history: incident list');
      const figures = [
        await series(
          'Incident list, first page (8 filter mixes)',
          SAMPLES,
          (i) => `${api}/incidents?${filters[i % filters.length]}`,
        ),
        await series(
          'Incident detail (random incident)',
          SAMPLES,
          () => `${api}/incidents/${1 + Math.floor(rnd() * INCIDENTS)}`,
        ),
      ];
      log('history: analytics');
      const to = Date.now();
      figures.push(
        await series(
          'Analytics, last 90 days',
          Math.max(3, Math.floor(SCRAPES / 2)),
          () =>
            `${api}/analytics?from=${new Date(to - 90 * DAY).toISOString()}&to=${new Date(to).toISOString()}`,
        ),
      );
      log('history: /metrics');
      // 1.1 s apart: a scrape never rides on the one before (Prometheus scrapes every 15-60 s).
      figures.push(await series('`/metrics` scrape', SCRAPES, () => `${running.url}/metrics`, 1100));
      log('history: SSE fan-out');
      const sse = await measureSse(running, log);
      const { size } = statSync(built.file);
      return {
        incidents: INCIDENTS,
        alerts: built.alerts,
        events: built.events,
        notifications: built.notifications,
        dbMiB: size / 1024 / 1024,
        buildSeconds: built.buildSeconds,
        figures,
        sse,
        startup: { emptyMs: empty.ms, firstMs: first.ms, readyMs, rssMiB: startRss },
      };
    } finally {
      await running.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

const TARGETS = ['p99 < 50 ms', 'p99 < 50 ms', '< 500 ms', '< 50 ms'];

interface Before {
  measured: string;
  commit: string;
  sizes: string;
  figures: Figure[];
  sse: { cpuPercent: number; rssMiB: number };
  startup: { medianMs: number; readyMs: number[]; rssMiB: number; emptyMs: number };
}

/** The figures measured once on the code before issue 22's changes (bench/fixtures/history-before.json). */
function beforeMarkdown(): string[] {
  const b = JSON.parse(readFileSync(join(ROOT, 'bench/fixtures/history-before.json'), 'utf8')) as Before;
  return [
    '',
    `**Before** (measured ${b.measured} with this suite on ${b.commit}; ${b.sizes}; kept in bench/fixtures/history-before.json):`,
    '',
    '| Figure | Samples | p50 (ms) | p99 (ms) | max (ms) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...b.figures.map((f) => `| ${f.label} | ${f.samples} | ${ms(f.p50)} | ${ms(f.p99)} | ${ms(f.max)} |`),
    '',
    `Before: engine during the SSE phase ${b.sse.cpuPercent}% of a core, RSS ${b.sse.rssMiB} MiB; start-up ${b.startup.medianMs} ms median (${b.startup.readyMs.join(', ')}; ${b.startup.emptyMs} ms on an empty database in the same run), RSS ${b.startup.rssMiB} MiB.`,
  ];
}

export function historyMarkdown(r: HistoryResult): string {
  const median = pct(r.startup.readyMs, 50);
  return [
    `A year of history in SQLite (${r.dbMiB.toFixed(0)} MiB file): ${r.incidents.toLocaleString('en')} incidents over 365 days across ${SERVICES} services of ${TEAMS} teams (10% T1, 30% T2, 60% T3, a few services making most of the noise, the last 50 still open), ${r.alerts.toLocaleString('en')} alerts (~${ALERTS_PER_INCIDENT} per incident, geometric), ${r.events.toLocaleString('en')} timeline events and ${r.notifications.toLocaleString('en')} pages.${r.buildSeconds === null ? ' Served from the cached file.' : ` Generated in ${r.buildSeconds.toFixed(0)} s.`} One \`klaxon serve\` process on a copy of it; a closed-loop client (one request at a time, time to the last byte).`,
    '',
    '| Figure | Samples | p50 (ms) | p99 (ms) | max (ms) | First after start (ms) | Target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...r.figures.map(
      (f, i) =>
        `| ${f.label} | ${f.samples} | ${ms(f.p50)} | ${ms(f.p99)} | ${ms(f.max)} | ${f.first === undefined ? '' : ms(f.first)} | ${TARGETS[i] ?? ''} |`,
    ),
    `| Live feed: a new incident reaching all ${r.sse.clients} SSE clients (${r.sse.events} incidents) | ${r.sse.clients * r.sse.events} | ${ms(r.sse.p50)} | ${ms(r.sse.p99)} | ${ms(r.sse.max)} | | the feed polls every 500 ms |`,
    '',
    `Engine during the SSE phase: ${r.sse.cpuPercent.toFixed(1)}% of a core, RSS ${r.sse.rssMiB.toFixed(0)} MiB. Start-up (spawn → \`/readyz\` 200): **${ms(median)} ms** median over ${r.startup.readyMs.length} starts (${r.startup.readyMs.map(ms).join(', ')}), RSS then ${r.startup.rssMiB.toFixed(0)} MiB (the same process on an empty database: ${ms(r.startup.emptyMs)} ms; \`klaxon serve\` runs the TypeScript sources through tsx here, see the start-up suite for the bundle); the first start on the cached file (applying any migration it lacks) took ${ms(r.startup.firstMs)} ms.`,
    ...beforeMarkdown(),
  ].join('\n');
}
