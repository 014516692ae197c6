/**
 * Alert storm: a zone outage fires 100,000 alerts in 60 s, sent the way Alertmanager sends them (1,000
 * groups × 100 alerts, each group notified at group_wait and again at every group_interval with all its
 * alerts so far), and in the middle one new T1 group. Measures that T1's accepted → first provider
 * request latency, that every alert is stored and every group is one incident, the engine's RSS peak,
 * and the API's latency while the storm lasts. SQLite (the default), several runs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Pool } from 'undici';
import { freePort, json, KEYS, spawnEngine, startFake, TOKENS } from '@klaxon/testing';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const GROUPS = env('BENCH_STORM_GROUPS', 1000);
const PER_GROUP = env('BENCH_STORM_ALERTS', 100);
const STORM_MS = env('BENCH_STORM_SECONDS', 60) * 1000;
const RUNS = env('BENCH_STORM_RUNS', 5);
/** Alertmanager's timers, shortened from its defaults (30 s, 5 min) so that every group resends within the storm. */
const GROUP_WAIT_MS = 1000;
const GROUP_INTERVAL_MS = env('BENCH_STORM_GROUP_INTERVAL_S', 10) * 1000;
const CANARY = 'StormT1Canary';

export interface StormRun {
  alertsSent: number;
  webhooks: number;
  webhookErrors: number;
  webhookP99: number;
  /** Latest webhook sent after its due time, in ms (the engine fell behind the storm). */
  sendLagMax: number;
  alertsStored: number;
  incidents: number;
  t1Ms: number;
  rssPeakMiB: number;
  api: Record<string, { p50: number; p99: number; n: number }>;
}

function config(twilioUrl: string): string {
  return `
server: { publicUrl: 'http://127.0.0.1:1' }
users: [{ id: alice, name: Alice, contactMethods: [{ type: sms, address: '+15550000001' }] }]
teams: [{ id: ops, name: Ops, members: [alice] }]
services:
  - { id: storage, name: Storage, team: ops, defaultTier: T2 }
  - { id: game-api, name: Game API, team: ops, defaultTier: T1 }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: p }
  T2: { name: Warning, urgency: low, pages: true }
  T3: { name: Advisory, urgency: none, pages: false }
notificationDefaults:
  high: [{ type: sms, delayMinutes: 0 }]
  low: [{ type: sms, delayMinutes: 0 }]
schedules: [{ id: primary, name: Primary, timezone: UTC, layers: [{ name: l, users: [alice], rotation: { type: weekly, start: '2020-01-06' } }] }]
escalationPolicies: [{ id: p, name: P, steps: [{ targets: [{ schedule: primary }], escalateAfterMinutes: 60 }] }]
notifications:
  rateLimits: {}
  providers: [{ id: twilio, type: twilio, accountSid: AC1, authToken: t, from: '+15559990000', baseUrl: '${twilioUrl}' }]
integrationKeys: [{ key: ${KEYS.alertmanager}, name: am, service: storage, source: alertmanager, routeByLabel: service }]
apiTokens: [{ name: viewer, token: ${TOKENS.viewer}, role: viewer }]
`;
}

/** Group `g`'s webhook with its first `count` alerts, as Alertmanager 0.25 sends it. */
function webhook(g: number, count: number, service = 'storage', alertname = `Storm${g}`): string {
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'klaxon',
    groupLabels: { alertname },
    commonLabels: { alertname, service },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: count }, (_, i) => ({
      status: 'firing',
      labels: { alertname, service, zone: 'eu-west-1a', instance: `i-${g}-${i}` },
      annotations: { summary: `${alertname} on i-${g}-${i}` },
      startsAt: '2026-11-23T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: `${g.toString(16)}-${i}`,
    })),
  });
}

/**
 * The storm's schedule: group g starts at g × (storm / 2 / groups) and its alerts start one by one over
 * the next half of the storm, so 100,000 alerts start within the storm. Alertmanager notifies a group at
 * group_wait after its first alert and then every group_interval while it has new alerts.
 */
function schedule(): { at: number; g: number; count: number }[] {
  const sends: { at: number; g: number; count: number }[] = [];
  const spread = STORM_MS / 2;
  for (let g = 0; g < GROUPS; g++) {
    const start = (g * spread) / GROUPS;
    for (let at = start + GROUP_WAIT_MS; ; at += GROUP_INTERVAL_MS) {
      const count = Math.min(PER_GROUP, 1 + Math.floor(((at - start) / spread) * PER_GROUP));
      sends.push({ at, g, count });
      if (count === PER_GROUP) break;
    }
  }
  return sends.sort((a, b) => a.at - b.at);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssPeakMiB(pid: number): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : NaN;
}

/** Polls the API one request at a time until `stop`: the incident list, one incident, /readyz. */
async function probeApi(url: string, stop: () => boolean): Promise<StormRun['api']> {
  const pool = new Pool(url, { connections: 1 });
  const lat: Record<string, number[]> = { list: [], detail: [], readyz: [] };
  const auth = { authorization: `Bearer ${TOKENS.viewer}` };
  let id: number | undefined;
  const time = async (name: string, path: string) => {
    const t0 = performance.now();
    const res = await pool.request({ method: 'GET', path, headers: auth });
    const body = await res.body.text();
    lat[name]!.push(performance.now() - t0);
    return body;
  };
  while (!stop()) {
    const list = JSON.parse(await time('list', '/api/v1/incidents?limit=50')) as {
      incidents?: { id: number }[];
    };
    id = list.incidents?.[0]?.id ?? id;
    if (id !== undefined) await time('detail', `/api/v1/incidents/${id}`);
    await time('readyz', '/readyz');
    await sleep(50);
  }
  await pool.close();
  return Object.fromEntries(
    Object.entries(lat).map(([k, xs]) => [k, { p50: pct(xs, 0.5), p99: pct(xs, 0.99), n: xs.length }]),
  );
}

async function post(pool: Pool, body: string): Promise<{ ok: boolean; ms: number }> {
  const t0 = performance.now();
  // Alertmanager retries a failed webhook; so does this sender, so that an error is not a lost alert.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const res = await pool.request({
        method: 'POST',
        path: '/api/v1/ingest/alertmanager',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.alertmanager}` },
        body,
      });
      await res.body.dump();
      if (res.statusCode === 200) return { ok: attempt === 0, ms: performance.now() - t0 };
    } catch {
      // retried below
    }
    await sleep(500);
  }
  return { ok: false, ms: performance.now() - t0 };
}

async function stormRun(run: number, log: (s: string) => void): Promise<StormRun> {
  let t1Arrived: number | undefined;
  const twilio = await startFake((req, res) => {
    const body = new URLSearchParams(req.body).get('Body') ?? '';
    if (t1Arrived === undefined && body.includes(CANARY)) t1Arrived = performance.now();
    json(res, 201, { sid: 'SM1' });
  });
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-storm-'));
  const configFile = join(dir, 'klaxon.yaml');
  const dbFile = join(dir, 'k.db');
  writeFileSync(configFile, config(twilio.url));
  const engine = spawnEngine({ configFile, database: dbFile, port: await freePort(), logLevel: 'warn' });
  await engine.ready();
  const pool = new Pool(engine.url, { connections: 64 });
  let stormOver = false;
  const api = probeApi(engine.url, () => stormOver);
  const latencies: number[] = [];
  let errors = 0;
  let lag = 0;
  let t1Accepted: number | undefined;
  try {
    const sends = schedule();
    log(`storm run ${run}: ${sends.length} webhooks, ${GROUPS * PER_GROUP} alerts over ${STORM_MS / 1000} s`);
    const start = performance.now();
    const inflight: Promise<void>[] = [];
    const canary = (async () => {
      await sleep(STORM_MS / 2);
      const { ok } = await post(pool, webhook(GROUPS, 1, 'game-api', CANARY));
      if (ok) t1Accepted = performance.now();
    })();
    for (const s of sends) {
      const wait = start + s.at - performance.now();
      if (wait > 1) await sleep(wait);
      lag = Math.max(lag, performance.now() - (start + s.at));
      inflight.push(
        post(pool, webhook(s.g, s.count)).then(({ ok, ms }) => {
          latencies.push(ms);
          if (!ok) errors++;
        }),
      );
    }
    await Promise.all([...inflight, canary]);
    const deadline = performance.now() + 10_000;
    while (t1Arrived === undefined && performance.now() < deadline) await sleep(50);
    stormOver = true;
    const rss = rssPeakMiB(engine.child.pid!);
    const apiLatency = await api;
    await pool.close();
    await engine.stop();
    const db = new SQLite(dbFile, { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const stored = count('SELECT count(*) AS n FROM alerts');
    const incidents = count('SELECT count(*) AS n FROM incidents');
    db.close();
    return {
      alertsSent: GROUPS * PER_GROUP + 1,
      webhooks: sends.length + 1,
      webhookErrors: errors,
      webhookP99: pct(latencies, 0.99),
      sendLagMax: lag,
      alertsStored: stored,
      incidents,
      t1Ms: t1Accepted !== undefined && t1Arrived !== undefined ? Math.max(0, t1Arrived - t1Accepted) : NaN,
      rssPeakMiB: rss,
      api: apiLatency,
    };
  } finally {
    stormOver = true;
    await pool.close().catch(() => undefined);
    await engine.stop();
    await twilio.close();
  }
}

export async function benchStorm(log: (s: string) => void): Promise<StormRun[]> {
  const runs: StormRun[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const r = await stormRun(i, log);
    log(
      `storm run ${i}: T1 ${r.t1Ms.toFixed(0)} ms, stored ${r.alertsStored}/${r.alertsSent}, RSS ${r.rssPeakMiB.toFixed(0)} MiB`,
    );
    runs.push(r);
  }
  return runs;
}

export function stormMarkdown(runs: StormRun[]): string {
  const f = (n: number, d = 0) =>
    Number.isFinite(n)
      ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
      : '–';
  const t1 = runs.map((r) => r.t1Ms);
  const apiP99 = (k: string) => Math.max(...runs.map((r) => r.api[k]?.p99 ?? NaN));
  return [
    `${f(GROUPS)} Alertmanager groups × ${PER_GROUP} alerts starting within ${STORM_MS / 1000} s on SQLite (WAL, synchronous=FULL), each group sent at`,
    `group_wait ${GROUP_WAIT_MS / 1000} s and every group_interval ${GROUP_INTERVAL_MS / 1000} s with all its alerts so far (Alertmanager's defaults, 30 s and 5 min, would`,
    'not resend within a minute); the storm pages too (T2, SMS). Halfway through, one new T1 group: its 200 → the first Twilio request',
    `for it at a local fake. ${runs.length} runs; the API is polled one request at a time throughout (viewer token).`,
    '',
    '| Run | Webhooks | Alerts sent | Alerts stored | Incidents | Webhook errors | Webhook p99 ms | Max send lag ms | T1 accepted → provider ms | RSS peak MiB | List p99 ms | Detail p99 ms | /readyz p99 ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${f(r.webhooks)} | ${f(r.alertsSent)} | ${f(r.alertsStored)} | ${f(r.incidents)} | ${r.webhookErrors} | ${f(r.webhookP99)} | ${f(r.sendLagMax)} | ${f(r.t1Ms)} | ${f(r.rssPeakMiB)} | ${f(r.api.list?.p99 ?? NaN)} | ${f(r.api.detail?.p99 ?? NaN)} | ${f(r.api.readyz?.p99 ?? NaN)} |`,
    ),
    '',
    `Targets: T1 p99 (over the runs) under 1,000 ms: **${f(pct(t1, 0.99))} ms**; alerts stored = sent and incidents = groups + 1 in every run: **${runs.every((r) => r.alertsStored === r.alertsSent && r.incidents === GROUPS + 1) ? 'yes' : 'no'}**;`,
    `RSS peak ≤ 512 MiB: **${f(Math.max(...runs.map((r) => r.rssPeakMiB)))} MiB**; API p99 under 250 ms: list **${f(apiP99('list'))}**, detail **${f(apiP99('detail'))}**, /readyz **${f(apiP99('readyz'))}** ms.`,
    '',
    '**Where the time goes.** One event loop does everything: parsing and validating the webhooks (up to 100',
    'alerts, ~30 KB each), the ingest transactions (better-sqlite3 is synchronous, so the loop waits for the',
    'statements and the fsync of one transaction, at most 200 alerts on SQLite), the escalations and the T2',
    'pages of 1,000 new incidents, and the API. A re-sent group costs an',
    'update per alert it holds, so the resends add about as many alert updates as there are new alerts. The T1 page is fast',
    'because the first escalation step fires in its ingest transaction, so it waits for no engine tick; the API',
    'waits for at most the one transaction in progress, and webhooks queue while the storm outruns the engine.',
  ].join('\n');
}
