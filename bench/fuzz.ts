/**
 * The long fuzz run (issue 15): 100,000 generated hostile requests (packages/testing/src/fuzz.ts) at the
 * three ingest endpoints of a real `klaxon serve` process on SQLite, over a socket. Counts answers by
 * status class, samples the engine process's memory, and checks the engine still opens an incident
 * afterwards. `FUZZ_SEED` repeats a run; `FUZZ_RUNS` changes its length.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import {
  FUZZ_ENDPOINTS,
  FUZZ_KINDS,
  FUZZ_URLS,
  freePort,
  fuzzRequest,
  fuzzSeed,
  KEYS,
  spawnEngine,
  TEST_CONFIG_YAML,
  TOKENS,
  type FuzzEndpoint,
  type FuzzKind,
} from '@klaxon/testing';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
const CONNECTIONS = 16;
const BODY_LIMIT = 1024 * 1024;
const IDLE_MS = 5000;
/** `closed`: the engine closed the connection while an over-limit body was still being sent (its 413 lost). */
const CLASSES = ['2xx', '4xx', '5xx', 'closed', 'none', 'other'] as const;
type StatusClass = (typeof CLASSES)[number];
type Counts = Record<StatusClass, number>;

export interface FuzzOffence {
  index: number;
  endpoint: FuzzEndpoint;
  kind: FuzzKind;
  status: number;
  answer: string;
}

export interface FuzzResult {
  seed: number;
  runs: number;
  seconds: number;
  bodyBytes: number;
  byEndpoint: Map<FuzzEndpoint, Counts>;
  byKind: Map<FuzzKind, Counts>;
  statuses: Map<number, number>;
  /** Why requests got no answer (client or connection errors), by error code. */
  noAnswer: Map<string, number>;
  offences: FuzzOffence[];
  rss: { before: number; peak: number; after: number };
  engineAlive: boolean;
  after: { status: number; outcome: string; incidentId: number | null; state: string };
}

const zero = (): Counts => ({ '2xx': 0, '4xx': 0, '5xx': 0, closed: 0, none: 0, other: 0 });

function classOf(status: number): StatusClass {
  if (status === 0) return 'none';
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500) return '5xx';
  return 'other';
}

/** The process's resident set size and its high-water mark, in bytes (Linux /proc; else `ps`, RSS only). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    try {
      const rss =
        Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
      return { rss, hwm: NaN };
    } catch {
      return { rss: NaN, hwm: NaN };
    }
  }
}

/** What a client sees when the server answers early (413) and closes while the body is still going out. */
const CLOSED_CODES = new Set(['EPIPE', 'ECONNRESET', 'UND_ERR_SOCKET']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchFuzz(log: (s: string) => void): Promise<FuzzResult> {
  const seed = fuzzSeed();
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-fuzz-'));
  const configFile = join(dir, 'klaxon.yaml');
  writeFileSync(configFile, `${TEST_CONFIG_YAML}server: { bodyLimitBytes: ${BODY_LIMIT} }\n`);
  const engine = spawnEngine({ configFile, database: join(dir, 'klaxon.db'), port: await freePort() });
  await engine.ready();
  const pid = engine.child.pid!;
  const byEndpoint = new Map(FUZZ_ENDPOINTS.map((e) => [e, zero()]));
  const byKind = new Map(FUZZ_KINDS.map((k) => [k, zero()]));
  const statuses = new Map<number, number>();
  const noAnswer = new Map<string, number>();
  const offences: FuzzOffence[] = [];
  let bodyBytes = 0;
  let peakSampled = 0;
  const pool = new Pool(engine.url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  try {
    await sleep(2000);
    const before = memoryOf(pid).rss;
    const sampler = setInterval(() => {
      peakSampled = Math.max(peakSampled, memoryOf(pid).rss || 0);
    }, 100);
    log(`fuzz: seed ${seed}, ${RUNS.toLocaleString('en-US')} requests, ${CONNECTIONS} connections`);
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < RUNS) {
        const i = next++;
        if (i > 0 && i % 10_000 === 0) log(`fuzz: ${i.toLocaleString('en-US')} sent`);
        const req = fuzzRequest(seed, i, { bodyLimitBytes: BODY_LIMIT });
        const bytes = Buffer.byteLength(req.body);
        bodyBytes += bytes;
        let status = 0;
        let closed = false;
        let answer = '';
        try {
          const res = await pool.request({
            method: req.method,
            path: req.url,
            headers: req.headers,
            body: req.body,
          });
          status = res.statusCode;
          if (status >= 500) answer = (await res.body.text()).slice(0, 300);
          else await res.body.dump();
        } catch (err) {
          const code = (err as { code?: string }).code ?? (err as Error).name;
          closed = bytes > BODY_LIMIT && CLOSED_CODES.has(code);
          noAnswer.set(code, (noAnswer.get(code) ?? 0) + 1);
          answer = String(err);
        }
        const cls = closed ? 'closed' : classOf(status);
        byEndpoint.get(req.endpoint)![cls]++;
        byKind.get(req.kind)![cls]++;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if ((cls === '5xx' || cls === 'none' || cls === 'other') && offences.length < 20)
          offences.push({ index: i, endpoint: req.endpoint, kind: req.kind, status, answer });
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    log(`fuzz: done in ${seconds.toFixed(0)} s; ${IDLE_MS / 1000} s idle`);
    await sleep(IDLE_MS);
    const end = memoryOf(pid);
    const engineAlive = engine.child.exitCode === null && engine.child.signalCode === null;
    const after = await ordinaryAlert(engine.url, seed);
    return {
      seed,
      runs: RUNS,
      seconds,
      bodyBytes,
      byEndpoint,
      byKind,
      statuses,
      noAnswer,
      offences,
      rss: { before, peak: Math.max(peakSampled, end.hwm || 0), after: end.rss },
      engineAlive,
      after,
    };
  } finally {
    await pool.close();
    await engine.stop();
    // The database holds every accepted hostile payload: hundreds of MiB after a long run.
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An ordinary Alertmanager alert after the run: does it still open an incident? */
async function ordinaryAlert(url: string, seed: number): Promise<FuzzResult['after']> {
  const fingerprint = `after-fuzz-${seed}`;
  try {
    const res = await fetch(`${url}${FUZZ_URLS.alertmanager}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.alertmanager}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: `after-fuzz:${seed}`,
        status: 'firing',
        receiver: 'klaxon',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'AfterFuzz', service: 'kafka', tier: 'T1' },
            annotations: { summary: 'An ordinary alert after the fuzz run' },
            startsAt: new Date().toISOString(),
            fingerprint,
          },
        ],
      }),
    });
    const body = (await res.json()) as { results?: { outcome: string; incidentId: number | null }[] };
    const result = body.results?.[0];
    if (!res.ok || !result?.incidentId)
      return { status: res.status, outcome: result?.outcome ?? '–', incidentId: null, state: '–' };
    const detail = await fetch(`${url}/api/v1/incidents/${result.incidentId}`, {
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    const incident = ((await detail.json()) as { incident?: { state: string } }).incident;
    return {
      status: res.status,
      outcome: result.outcome,
      incidentId: result.incidentId,
      state: detail.ok ? (incident?.state ?? '–') : `GET ${detail.status}`,
    };
  } catch (err) {
    return { status: 0, outcome: String(err), incidentId: null, state: '–' };
  }
}

export function fuzzMarkdown(r: FuzzResult): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const mib = (b: number) => (Number.isFinite(b) ? (b / 2 ** 20).toFixed(0) : '–');
  const row = (name: string, c: Counts) => {
    const total = CLASSES.reduce((s, k) => s + c[k], 0);
    return `| ${name} | ${n(total)} | ${n(c['2xx'])} | ${n(c['4xx'])} | ${n(c['5xx'])} | ${n(c.closed)} | ${n(c.none + c.other)} |`;
  };
  const all = zero();
  for (const c of r.byEndpoint.values()) for (const k of CLASSES) all[k] += c[k];
  const header = [
    '| Endpoint | Sent | 2xx | 4xx | 5xx | Closed mid-upload | No answer |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const lines = [
    `${n(r.runs)} generated requests (packages/testing/src/fuzz.ts, seed ${r.seed}: \`FUZZ_SEED=${r.seed} npm run bench -- fuzz\` repeats them,`,
    `\`fuzzRequest(${r.seed}, index)\` from @klaxon/testing rebuilds one) at a real \`klaxon serve\` on SQLite (WAL, synchronous=FULL), ${CONNECTIONS} keep-alive`,
    `connections, closed loop: ${n(Math.round(r.runs / r.seconds))} requests/s, ${n(Math.round(r.bodyBytes / 2 ** 20))} MiB of bodies in ${r.seconds.toFixed(0)} s. The mix: valid payloads with hostile contents`,
    '(prototype words as keys and values, lone surrogates, NUL, RTL, emoji, every field at its limit), mutated and removed fields, nesting up to',
    `100,000 levels, bodies near and over the ${n(BODY_LIMIT)}-byte limit, thousands of labels and alerts, wrong JSON shapes, invalid JSON, duplicate`,
    'keys, wrong content types, wrong and misplaced keys, objects posing as strings, random JSON and raw bytes. Target: no 5xx, and the engine still',
    'opens incidents afterwards.',
    '',
    ...header,
    ...FUZZ_ENDPOINTS.map((e) => row(`POST ${FUZZ_URLS[e]}`, r.byEndpoint.get(e)!)),
    row('**all**', all),
    '',
    '| Kind | Sent | 2xx | 4xx | 5xx | Closed mid-upload | No answer |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...FUZZ_KINDS.map((k) => row(k, r.byKind.get(k)!)),
    '',
    `Status codes: ${[...r.statuses]
      .filter(([s]) => s > 0)
      .sort((a, b) => a[0] - b[0])
      .map(([s, c]) => `${s} × ${n(c)}`)
      .join(', ')}.`,
    ...(r.noAnswer.size
      ? [
          '',
          `Connection errors: ${[...r.noAnswer].map(([c, k]) => `${c} × ${n(k)}`).join(', ')}. "Closed mid-upload" counts those on bodies over the limit:`,
          'the engine answered 413 and closed the connection before the client had finished sending, so the client saw the closed socket, not the 413.',
        ]
      : []),
    '',
    '| Engine process RSS | MiB |',
    '| --- | ---: |',
    `| before (ready, idle) | ${mib(r.rss.before)} |`,
    `| peak (VmHWM, and sampled every 100 ms) | ${mib(r.rss.peak)} |`,
    `| after (${IDLE_MS / 1000} s idle) | ${mib(r.rss.after)} |`,
    '',
    `Afterwards the engine process was ${r.engineAlive ? 'still running' : '**gone**'}; an ordinary Alertmanager alert got ${r.after.status} \`${r.after.outcome}\`${
      r.after.incidentId ? ` and incident ${r.after.incidentId} is \`${r.after.state}\`` : ''
    }.`,
  ];
  if (r.offences.length) {
    lines.push(
      '',
      `5xx and unanswered requests (the first ${r.offences.length}; rebuild one with \`fuzzRequest(${r.seed}, index)\`):`,
      '',
    );
    for (const o of r.offences)
      lines.push(
        `- #${o.index} ${o.kind} at ${FUZZ_URLS[o.endpoint]} → ${o.status || 'no answer'}: ${o.answer.replaceAll(/\s+/g, ' ').slice(0, 200)}`,
      );
  }
  return lines.join('\n');
}
