/**
 * The history suite's data (bench/history.ts): a year of incidents, alerts, timeline events and pages,
 * written into a SQLite file with the real schema (the engine's migrations) through better-sqlite3
 * prepared statements inside one transaction, and cached under the temp directory, keyed by the
 * migrations' source, the sizes and the day (the data ends at the moment it is built), so a rerun starts
 * in seconds. Also the config the engine serves it with: 40 services of 8 teams, 24 people.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { createDatabase } from '@klaxon/engine';
import { KEYS, TOKENS } from '@klaxon/testing';

const ROOT = resolve(import.meta.dirname, '..');
export const INCIDENTS = Number(process.env.BENCH_HISTORY_INCIDENTS ?? 100_000);
export const ALERTS_PER_INCIDENT = Number(process.env.BENCH_HISTORY_ALERTS_PER_INCIDENT ?? 20);
const DAY = 86_400_000;
export const TEAMS = 8;
export const SERVICES = 40;
const USERS = 24;
/** Bumped when the generated data changes shape. */
const GENERATOR = 1;

/** A seeded generator, so every build of the same sizes holds the same rows. */
export function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const service = (i: number) => `svc-${String(i).padStart(2, '0')}`;
export const team = (i: number) => `team-${i}`;
const user = (i: number) => `user-${String(i).padStart(2, '0')}`;

export function configYaml(): string {
  const users = Array.from(
    { length: USERS },
    (_, i) =>
      `  - { id: ${user(i)}, name: User ${i}, timezone: ${['Europe/London', 'America/New_York', 'Asia/Kolkata'][i % 3]}, contactMethods: [{ type: sms, address: '+1555000${String(i).padStart(4, '0')}' }] }`,
  );
  const teams = Array.from(
    { length: TEAMS },
    (_, t) =>
      `  - { id: ${team(t)}, name: Team ${t}, members: [${user(t * 3)}, ${user(t * 3 + 1)}, ${user(t * 3 + 2)}] }`,
  );
  const services = Array.from(
    { length: SERVICES },
    (_, s) =>
      `  - { id: ${service(s)}, name: Service ${s}, team: ${team(s % TEAMS)}, defaultTier: T${(s % 3) + 1} }`,
  );
  return [
    'incidents: { reopenWindowMinutes: 60 }',
    'users:',
    ...users,
    'teams:',
    ...teams,
    'services:',
    ...services,
    'integrationKeys:',
    `  - { key: ${KEYS.alertmanager}, name: am, service: ${service(0)}, source: alertmanager, routeByLabel: service }`,
    'apiTokens:',
    `  - { name: viewer, token: ${TOKENS.viewer}, role: viewer }`,
    `  - { name: admin, token: ${TOKENS.admin}, role: admin }`,
    '',
  ].join('\n');
}

function cacheFile(): string {
  const hash = createHash('sha256')
    .update(readFileSync(join(ROOT, 'packages/engine/src/db/migrations.ts')))
    .update(
      JSON.stringify({
        GENERATOR,
        INCIDENTS,
        ALERTS_PER_INCIDENT,
        day: new Date().toISOString().slice(0, 10),
      }),
    )
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), 'klaxon-bench-history', `${hash}.db`);
}

/** Writes the year into `path` (migrated by the engine first); returns the row counts. */
async function generate(path: string, log: (s: string) => void) {
  const store = createDatabase({ dialect: 'sqlite', path });
  await store.migrate();
  await store.close();
  const db = new SQLite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const rnd = mulberry32(22);
  const end = Date.now();
  const start = end - 365 * DAY;
  const insIncident = db.prepare(
    `insert into incidents (id, service_id, group_ref, tier, state, title, source, created_at, updated_at,
      acknowledged_at, acknowledged_by, resolved_at, resolved_by, reopen_count) values (?,?,?,?,?,?,?,?,?,?,?,?,?,0)`,
  );
  const insAlert = db.prepare(
    `insert into alerts (alert_key, service_id, dedup_key, incident_id, source, status, tier, summary, labels,
      annotations, details, generator_url, starts_at, ends_at, first_seen_at, last_seen_at, fire_count)
      values (?,?,?,?,'alertmanager',?,?,?,?,?,'{}',?,?,?,?,?,?)`,
  );
  const insEvent = db.prepare(
    `insert into incident_events (incident_id, at, kind, actor, message, data) values (?,?,?,?,?,?)`,
  );
  const insPage = db.prepare(
    `insert into notifications (incident_id, kind, user_id, channel, address, urgency, step_index, due_at, status,
      attempts, detail, provider, sent_at, latency_ms, created_at, updated_at)
      values (?, 'page', ?, 'sms', ?, 'high', ?, ?, 'sent', 1, '{}', 'twilio', ?, ?, ?, ?)`,
  );
  const insEscalation = db.prepare(
    `insert into escalations (incident_id, policy_id, urgency, step_index, cycle, next_at, state, started_at, updated_at)
      values (?, ?, 'high', ?, 0, null, ?, ?, ?)`,
  );
  let alerts = 0;
  let events = 0;
  let pages = 0;
  const write = db.transaction(() => {
    for (let id = 1; id <= INCIDENTS; id++) {
      // Spread over the year, oldest first (ids grow with time, as they do when the engine writes them).
      const created = Math.floor(start + ((id - 1 + rnd()) / INCIDENTS) * (end - start - DAY));
      // A few services make most of the noise.
      const s = Math.min(SERVICES - 1, Math.floor(SERVICES * rnd() ** 2));
      const r = rnd();
      const tier = r < 0.1 ? 'T1' : r < 0.4 ? 'T2' : 'T3';
      const recent = id > INCIDENTS - 50;
      const state = recent ? (id % 2 ? 'triggered' : 'acknowledged') : 'resolved';
      const acked =
        state === 'triggered' || rnd() < 0.15 ? null : created + Math.floor(30_000 + rnd() * 900_000);
      const resolved =
        state === 'resolved' ? (acked ?? created) + Math.floor(60_000 + rnd() * 7_200_000) : null;
      const responder = user((s % TEAMS) * 3 + (id % 3));
      const group = `${service(s)}/am/{}:{alertname="Alert${id % 997}"}#${id}`;
      const title = `[FIRING] Alert${id % 997} on ${service(s)}`;
      insIncident.run(
        id,
        service(s),
        group,
        tier,
        state,
        title,
        'alertmanager',
        created,
        resolved ?? acked ?? created,
        acked,
        acked === null ? null : responder,
        resolved,
        resolved === null ? null : responder,
      );
      insEvent.run(id, created, 'incident.triggered', 'alertmanager', title, '{}');
      events++;
      // About 20 alerts per incident on average (geometric), at least one.
      const n = Math.max(1, Math.round(-Math.log(1 - rnd()) * ALERTS_PER_INCIDENT));
      for (let j = 0; j < n; j++) {
        const seen = created + j * 15_000;
        const labels = JSON.stringify({
          alertname: `Alert${id % 997}`,
          service: service(s),
          tier,
          instance: `10.0.${j % 256}.${id % 256}:9100`,
          job: 'node',
          severity: tier === 'T1' ? 'critical' : 'warning',
        });
        insAlert.run(
          `${service(s)}/am/${id}-${j}`,
          service(s),
          `${id}-${j}`,
          id,
          resolved === null ? 'firing' : 'resolved',
          tier,
          `Alert${id % 997} firing on instance ${j}`,
          labels,
          JSON.stringify({
            summary: `Alert${id % 997} is firing`,
            runbook_url: 'https://runbooks.example/x',
          }),
          'http://prometheus.local:9090/graph?g0.expr=up',
          seen,
          resolved,
          seen,
          resolved ?? seen,
          1 + (j % 3),
        );
        if (j > 0 && j % 5 === 0) {
          insEvent.run(
            id,
            seen,
            'alert.triggered',
            'alertmanager',
            `Alert firing: instance ${j}`,
            JSON.stringify({ alerts: j }),
          );
          events++;
        }
      }
      alerts += n;
      const steps = tier === 'T1' ? 2 : tier === 'T2' ? 1 : 0;
      for (let k = 0; k < steps; k++) {
        const due = created + k * 300_000;
        const to = user((s % TEAMS) * 3 + k);
        insPage.run(id, to, `+1555${to}`, k, due, due + 800, 800, due, due + 800);
        insEvent.run(
          id,
          due + 800,
          'notification.sent',
          'klaxon:delivery',
          `Paged ${to} by sms`,
          JSON.stringify({ step: k }),
        );
        pages++;
        events++;
      }
      if (steps > 0)
        insEscalation.run(
          id,
          `tier-${tier}`,
          steps - 1,
          state === 'resolved' ? 'done' : 'waiting_ack',
          created,
          created,
        );
      if (acked !== null) {
        insEvent.run(id, acked, 'incident.acknowledged', responder, `Acknowledged by ${responder}`, '{}');
        events++;
      }
      if (resolved !== null) {
        insEvent.run(id, resolved, 'incident.resolved', responder, `Resolved by ${responder}`, '{}');
        events++;
      }
      if (id % 10_000 === 0) log(`history: ${id.toLocaleString('en')} incidents written`);
    }
  });
  write();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { alerts, events, notifications: pages };
}

export async function historyDb(log: (s: string) => void) {
  const file = cacheFile();
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta))
    return { file, ...JSON.parse(readFileSync(meta, 'utf8')), buildSeconds: null };
  mkdirSync(join(tmpdir(), 'klaxon-bench-history'), { recursive: true });
  const t0 = performance.now();
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const counts = await generate(building, log);
  renameSync(building, file);
  writeFileSync(meta, JSON.stringify(counts));
  return { file, ...counts, buildSeconds: (performance.now() - t0) / 1000 };
}
