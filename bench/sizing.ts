/**
 * Sizing (issue 16): what one `klaxon serve` process costs, for docs/operations.md. The engine runs as an
 * operator runs it (a separate process, SQLite and PostgreSQL), and this reads its resident memory and
 * CPU time from /proc while it holds 0, 1,000 and 5,000 open incidents (idle: the escalation, delivery
 * and handoff modules tick over them), then while an open-loop sender posts 100 and 500 alerts/s into
 * 1,000 alert groups (PagerDuty events: one durable commit each).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import {
  freePort,
  KEYS,
  spawnEngine,
  startTempPostgres,
  TEST_CONFIG_YAML,
  type EngineProcess,
} from '@klaxon/testing';

const IDLE_MS = Number(process.env.BENCH_SIZING_IDLE_MS ?? 10_000);
const LOAD_MS = Number(process.env.BENCH_SIZING_LOAD_MS ?? 15_000);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface SizingRow {
  database: string;
  state: string;
  rssMiB: number;
  /** CPU time used per wall second, in % of one core. */
  cpuPercent: number;
  /** For load rows: alerts answered 2xx per second, and the failures. */
  alertsPerSecond?: number;
  failed?: number;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU % of one core over `ms`, while `during` runs (or idle). */
async function measure(pid: number, ms: number, during?: (stop: () => boolean) => Promise<void>) {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let done = false;
  const work = during ? during(() => done) : Promise.resolve();
  await new Promise((r) => setTimeout(r, ms));
  done = true;
  await work;
  const wall = (performance.now() - t0) / 1000;
  return { cpuPercent: ((cpuSeconds(pid) - cpu0) / wall) * 100, rssMiB: rssMiB(pid) };
}

const event = (key: string) =>
  JSON.stringify({
    routing_key: KEYS.pagerduty,
    event_action: 'trigger',
    dedup_key: key,
    payload: { summary: `Sizing ${key}`, source: 'bench', severity: 'critical' },
  });

/** Opens incidents `from`..`to`-1 (one dedup key each), 32 at a time. */
async function openIncidents(pool: Pool, from: number, to: number): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const n = next++;
      const res = await pool.request({
        method: 'POST',
        path: '/v2/enqueue',
        headers: { 'content-type': 'application/json' },
        body: event(`open-${n}`),
      });
      await res.body.dump();
      if (res.statusCode !== 202) throw new Error(`opening incident ${n}: HTTP ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

/** Posts `rate` alerts/s into 1,000 groups, open loop (every 10 ms a slice), until `stop()`. */
async function sendAtRate(pool: Pool, rate: number, stop: () => boolean) {
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const inflight = new Set<Promise<void>>();
  const start = performance.now();
  while (!stop()) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) {
      const p = pool
        .request({
          method: 'POST',
          path: '/v2/enqueue',
          headers: { 'content-type': 'application/json' },
          body: event(`open-${sent % 1000}`),
        })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode === 202) ok++;
          else failed++;
        })
        .catch(() => void failed++)
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(inflight);
  return { ok, failed, seconds: (performance.now() - start) / 1000 };
}

async function sizeOne(database: string, url: string | undefined, log: (s: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-sizing-'));
  const configFile = join(dir, 'klaxon.yaml');
  writeFileSync(configFile, TEST_CONFIG_YAML);
  const engine: EngineProcess = spawnEngine({
    configFile,
    database: url ?? join(dir, 'klaxon.db'),
    port: await freePort(),
    logLevel: 'warn',
  });
  const rows: SizingRow[] = [];
  try {
    await engine.ready();
    const pid = engine.child.pid!;
    const pool = new Pool(engine.url, { connections: 32 });
    let open = 0;
    for (const target of [0, 1000, 5000]) {
      log(`sizing: ${database}, ${target} open incidents`);
      await openIncidents(pool, open, target);
      open = target;
      // Let the first escalation steps and their notifications settle before measuring the idle cost.
      await new Promise((r) => setTimeout(r, 3000));
      rows.push({
        database,
        state: `${target.toLocaleString('en')} open incidents, idle`,
        ...(await measure(pid, IDLE_MS)),
      });
    }
    for (const rate of [100, 500]) {
      log(`sizing: ${database}, ${rate} alerts/s`);
      let result = { ok: 0, failed: 0, seconds: 1 };
      const m = await measure(pid, LOAD_MS, async (stop) => {
        result = await sendAtRate(pool, rate, stop);
      });
      rows.push({
        database,
        state: `${rate} alerts/s into 1,000 open incidents`,
        ...m,
        alertsPerSecond: result.ok / result.seconds,
        failed: result.failed,
      });
    }
    await pool.close();
  } finally {
    await engine.stop();
  }
  return rows;
}

export async function benchSizing(log: (s: string) => void): Promise<SizingRow[]> {
  const rows = await sizeOne('SQLite', undefined, log);
  const pg = await startTempPostgres({ durable: true });
  try {
    rows.push(...(await sizeOne('PostgreSQL 15', pg.url, log)));
  } finally {
    pg.stop();
  }
  return rows;
}

export function sizingMarkdown(rows: SizingRow[]): string {
  const lines = [
    `One \`klaxon serve\` process (the test config, no delivery provider configured, so pages are queued and retried), measured from \`/proc\`: resident memory after each phase and CPU time per wall second (100% = one core) over ${IDLE_MS / 1000} s idle or ${LOAD_MS / 1000} s of load. The load is open-loop PagerDuty events (one durable commit each) into 1,000 open incidents.`,
    '',
    '| Database | State | RSS (MiB) | CPU (% of a core) | Alerts/s answered 2xx | Failed |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.database} | ${r.state} | ${r.rssMiB.toFixed(0)} | ${r.cpuPercent.toFixed(1)} | ${r.alertsPerSecond?.toFixed(0) ?? ''} | ${r.failed ?? ''} |`,
    ),
  ];
  for (const db of new Set(rows.map((r) => r.database))) {
    const of = (s: string) => rows.find((r) => r.database === db && r.state.startsWith(s))!;
    const idle0 = of('0 open');
    const idle5k = of('5,000 open');
    const l100 = of('100 alerts/s');
    const l500 = of('500 alerts/s');
    const idle1k = of('1,000 open');
    const marginal = (l500.cpuPercent - l100.cpuPercent) / 4;
    lines.push(
      '',
      `${db}: **${((idle5k.rssMiB - idle0.rssMiB) / 5).toFixed(1)} MiB RSS and ${((idle5k.cpuPercent - idle0.cpuPercent) / 5).toFixed(2)}% of a core per 1,000 open incidents** (idle, 0 → 5,000, on a base of ${idle0.rssMiB.toFixed(0)} MiB); under load **${(l100.cpuPercent - idle1k.cpuPercent).toFixed(0)}% of a core at 100 alerts/s and ${(l500.cpuPercent - idle1k.cpuPercent).toFixed(0)}% at 500** above idle, i.e. a fixed cost of being busy plus **${marginal.toFixed(1)}% per further 100 alerts/s**; RSS ${l500.rssMiB.toFixed(0)} MiB at 500 alerts/s.`,
    );
  }
  return lines.join('\n');
}
