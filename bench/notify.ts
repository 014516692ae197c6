/**
 * Notification latency: an alert is accepted (the engine answers 202) → the first provider request for
 * its page reaches the provider (a local fake of Twilio's Messages API), at a steady 500 alerts/s, on
 * SQLite and PostgreSQL. Both moments are taken on this process's monotonic clock.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { freePort, json, KEYS, spawnEngine, startFake, startTempPostgres } from '@klaxon/testing';

const RATE = 500;
const SECONDS = Number(process.env.BENCH_NOTIFY_SECONDS ?? 10);

export interface NotifyRow {
  database: string;
  sent: number;
  paged: number;
  p50: number;
  p99: number;
  max: number;
}

function config(twilioUrl: string): string {
  return `
server: { publicUrl: 'http://127.0.0.1:1' }
users: [{ id: alice, name: Alice, contactMethods: [{ type: sms, address: '+15550000001' }, { type: voice, address: '+15550000001' }] }]
teams: [{ id: ops, name: Ops, members: [alice] }]
services: [{ id: game-api, name: Game API, team: ops, defaultTier: T1 }]
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
integrationKeys: [{ key: ${KEYS.pagerduty}, name: bench, service: game-api, source: pagerduty }]
`;
}

async function measure(name: string, database: string | null, log: (s: string) => void): Promise<NotifyRow> {
  const arrived = new Map<string, number>();
  const twilio = await startFake((req, res) => {
    const body = new URLSearchParams(req.body).get('Body') ?? '';
    const key = /bench-\d+/.exec(body)?.[0];
    if (key && !arrived.has(key)) arrived.set(key, performance.now());
    json(res, 201, { sid: 'SM1' });
  });
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-notify-'));
  const configFile = join(dir, 'klaxon.yaml');
  writeFileSync(configFile, config(twilio.url));
  const engine = spawnEngine({
    configFile,
    database: database ?? join(dir, 'k.db'),
    port: await freePort(),
    logLevel: 'warn',
  });
  await engine.ready();
  const pool = new Pool(engine.url, { connections: 16 });
  const accepted = new Map<string, number>();
  try {
    log(`notify: ${name}: ${RATE} alerts/s for ${SECONDS} s`);
    const total = RATE * SECONDS;
    const start = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const key = `bench-${i}`;
      inflight.push(
        pool
          .request({
            method: 'POST',
            path: '/v2/enqueue',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              routing_key: KEYS.pagerduty,
              event_action: 'trigger',
              dedup_key: key,
              payload: { summary: key, source: 'bench', severity: 'critical' },
            }),
          })
          .then(async (res) => {
            await res.body.dump();
            if (res.statusCode === 202) accepted.set(key, performance.now());
          }),
      );
    }
    await Promise.all(inflight);
    const deadline = performance.now() + 10_000;
    while (arrived.size < accepted.size && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
  } finally {
    await pool.close();
    await engine.stop();
    await twilio.close();
  }
  const lat = [...accepted.entries()]
    .filter(([k]) => arrived.has(k))
    .map(([k, t]) => Math.max(0, arrived.get(k)! - t))
    .sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
  return {
    database: name,
    sent: accepted.size,
    paged: lat.length,
    p50: pct(0.5),
    p99: pct(0.99),
    max: lat[lat.length - 1] ?? NaN,
  };
}

export async function benchNotify(log: (s: string) => void): Promise<NotifyRow[]> {
  const rows = [await measure('SQLite (WAL, synchronous=FULL)', null, log)];
  const pg = await startTempPostgres({ durable: true });
  try {
    rows.push(await measure('PostgreSQL 15 (fsync on)', pg.url, log));
  } finally {
    pg.stop();
  }
  return rows;
}

export function notifyMarkdown(rows: NotifyRow[]): string {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
  return [
    `${RATE} PagerDuty-style T1 events/s for ${SECONDS} s, each opening an incident that pages its primary by SMS. Latency: the engine's 202 reaches the`,
    "client → the first Twilio Messages request for that incident reaches a local fake of Twilio's API (both timed in the bench process). Target: p99 under 50 ms.",
    'Step 0 of the escalation fires in the ingest transaction, and its pages go to delivery as soon as it commits (no second transaction, no tick).',
    'What remains between the 202 and the request: delivery reads the incident, its alerts and recent changes and issues the SMS action link (one',
    'more commit) before it calls the provider; the tail is CPU time shared with the ingest transactions.',
    'For reference, PagerDuty reported 32% of its notifications delayed by 12 minutes on average during its worst week of 2017.',
    '',
    '| Database | Alerts accepted | Paged | p50 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.database} | ${r.sent.toLocaleString('en-US')} | ${r.paged.toLocaleString('en-US')} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} |`,
    ),
  ].join('\n');
}
