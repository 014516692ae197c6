/**
 * Timer precision: how late escalation steps fire, with 10,000 open incidents, on SQLite and PostgreSQL.
 * The incidents' next steps are spread over a window; the engine loop runs with the real clock and its
 * default tick; lateness is (fired at − due at) of every step, from the timeline.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ONCALL_YAML, startTempPostgres } from '@klaxon/testing';
import {
  createDatabase,
  EngineLoop,
  parseConfig,
  standardModules,
  systemClock,
  type DatabaseOptions,
} from '../packages/engine/src/index.ts';
import { IngestQueue } from '../packages/engine/src/ingest/queue.ts';

const OPEN = 10_000;
const WINDOW_MS = Number(process.env.BENCH_TIMER_WINDOW_MS ?? 20_000);

export interface TimerRow {
  database: string;
  fired: number;
  p50: number;
  p99: number;
  max: number;
  tickMs: number;
}

async function measure(name: string, options: DatabaseOptions, log: (s: string) => void): Promise<TimerRow> {
  const config = parseConfig(
    ONCALL_YAML.replaceAll("start: '2026-03-30'", "start: '2020-01-06'"),
    'bench.yaml',
    {},
  );
  const store = createDatabase(options);
  await store.migrate();
  const queue = new IngestQueue(store, systemClock, { reopenWindowMs: 3_600_000, config });
  log(`timers: ${name}: opening ${OPEN} incidents`);
  for (let i = 0; i < OPEN; i += 500) {
    await queue.submit(
      Array.from({ length: 500 }, (_, j) => ({
        serviceId: 'kafka',
        source: 'bench',
        integration: 'bench',
        actor: 'bench',
        defaultTier: 'T2' as const,
        alert: {
          action: 'trigger' as const,
          dedupKey: `t-${i + j}`,
          groupKey: `t-${i + j}`,
          summary: `Timer bench ${i + j}`,
          labels: { tier: 'T1' },
          annotations: {},
          details: {},
          generatorUrl: null,
          startsAt: null,
          endsAt: null,
        },
      })),
    );
  }
  // Spread every incident's first step uniformly over the window, starting a little from now: first
  // the offsets, row by row (slow on PostgreSQL: seconds), then the start in one statement, so no step
  // is already overdue when the engine starts.
  const ids = (await store.db.selectFrom('escalations').select('incident_id').execute()).map(
    (r) => r.incident_id,
  );
  await store.db.transaction().execute(async (trx) => {
    for (const [k, id] of ids.entries()) {
      await trx
        .updateTable('escalations')
        .set({ next_at: Math.floor((k * WINDOW_MS) / ids.length) })
        .where('incident_id', '=', id)
        .execute();
    }
  });
  const start = systemClock.now().getTime() + 2000;
  await store.db
    .updateTable('escalations')
    .set((eb) => ({ next_at: eb('next_at', '+', start) }))
    .execute();
  const loop = new EngineLoop({
    store,
    clock: systemClock,
    modules: standardModules(config, store, { clock: systemClock, delivery: false }).modules,
    intervalMs: config.engine.tickIntervalMs,
  });
  log(`timers: ${name}: running the engine for ${(WINDOW_MS + 4000) / 1000} s`);
  loop.start();
  await new Promise((r) => setTimeout(r, WINDOW_MS + 4000));
  await loop.stop();
  const steps = await store.db
    .selectFrom('incident_events')
    .select(['at', 'data'])
    .where('kind', '=', 'escalation.step')
    .execute();
  await store.close();
  const lateness = steps
    .map((s) => s.at - (JSON.parse(s.data) as { dueAt: number }).dueAt)
    .sort((a, b) => a - b);
  const pct = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor(lateness.length * p))] ?? NaN;
  return {
    database: name,
    fired: lateness.length,
    p50: pct(0.5),
    p99: pct(0.99),
    max: lateness[lateness.length - 1] ?? NaN,
    tickMs: config.engine.tickIntervalMs,
  };
}

export async function benchTimers(log: (s: string) => void): Promise<TimerRow[]> {
  const rows: TimerRow[] = [];
  rows.push(
    await measure(
      'SQLite (WAL, synchronous=FULL)',
      { dialect: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'klaxon-timers-')), 'k.db') },
      log,
    ),
  );
  const pg = await startTempPostgres({ durable: true });
  try {
    rows.push(await measure('PostgreSQL 15 (fsync on)', { dialect: 'postgres', url: pg.url }, log));
  } finally {
    pg.stop();
  }
  return rows;
}

export function timersMarkdown(rows: TimerRow[]): string {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
  return [
    `${OPEN.toLocaleString('en-US')} open T1 incidents; their next escalation steps fall due spread over ${WINDOW_MS / 1000} s (about ${Math.round(OPEN / (WINDOW_MS / 1000))} steps/s).`,
    `Each step resolves the schedule, queues call and SMS notifications and writes its timeline event. Target: p99 under 100 ms.`,
    'The engine sleeps until the earliest due step (`next_at`, read after each cycle), at most the interval, so a step waits only for the cycle in',
    'progress when it falls due. Where the time goes (`node --cpu-prof`, per-module timing): an escalation cycle fires the few steps due since the',
    'last one in about 2 ms on SQLite and 10 ms on PostgreSQL (about ten statements and one commit, whatever the number of steps); the process is',
    'otherwise idle, so the tail is the commit (fsync) and CPU taken by other processes.',
    '',
    '| Database | Steps fired | Interval | p50 late ms | p99 late ms | max late ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.database} | ${r.fired.toLocaleString('en-US')} | ${r.tickMs} ms | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} |`,
    ),
  ].join('\n');
}
