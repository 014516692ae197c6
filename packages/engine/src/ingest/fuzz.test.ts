/**
 * Issue 15's fuzz test: thousands of generated hostile requests at the three ingest endpoints, a new seed
 * every run (or `FUZZ_SEED`), through app.inject. None may answer 5xx, every refusal carries a
 * machine-readable code, and afterwards the engine still opens an incident from an ordinary alert.
 *
 * A failure names the seed and the first offending request; `FUZZ_SEED=<seed> npx vitest run
 * packages/engine/src/ingest/fuzz.test.ts` repeats the run, and `fuzzRequest(seed, index)` from
 * @klaxon/testing rebuilds one request. `FUZZ_RUNS` changes the count on SQLite (default 5,000).
 * The long run (100,000 on a real socket) is `npm run bench -- fuzz`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  amPayload,
  auth,
  buildTestApp,
  describeFuzzRequest,
  DIALECTS,
  FUZZ_ENDPOINTS,
  FUZZ_KINDS,
  FUZZ_URLS,
  fuzzRequest,
  fuzzSeed,
  KEYS,
  skipPostgres,
  TOKENS,
  type FuzzEndpoint,
  type FuzzRequest,
} from '@klaxon/testing';

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

const SEED = fuzzSeed();
const SQLITE_RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
/** PostgreSQL (which refuses NUL in text and lone surrogates) replays the first quarter, to keep the file short. */
const RUNS = { sqlite: SQLITE_RUNS, postgres: Math.ceil(SQLITE_RUNS / 4) };
const IN_FLIGHT = 8;

interface Offence {
  req: FuzzRequest;
  status: number;
  response: string;
}

function report(what: string, offences: Offence[], runs: number): string {
  const first = offences[0]!;
  const codes = [...new Set(offences.map((o) => o.status))].join(', ');
  return [
    `${offences.length} of ${runs} requests ${what} (status ${codes}). Seed ${SEED}: repeat with`,
    `  FUZZ_SEED=${SEED} npx vitest run packages/engine/src/ingest/fuzz.test.ts`,
    `First one:`,
    describeFuzzRequest(first.req, 1500),
    `answered ${first.status}: ${first.response.slice(0, 500)}`,
    `Others: ${offences
      .slice(1, 20)
      .map((o) => `#${o.req.index} ${o.req.kind}@${o.req.endpoint} → ${o.status}`)
      .join('; ')}`,
  ].join('\n');
}

/** A 4xx must say what was wrong: `{ error: { code } }`, or PagerDuty's shape with `code` beside it. */
function hasCode(endpoint: FuzzEndpoint, body: string): boolean {
  try {
    const json = JSON.parse(body) as { code?: unknown; error?: { code?: unknown } };
    const code = endpoint === 'pagerduty' ? (json.code ?? json.error?.code) : json.error?.code;
    return typeof code === 'string' && /^[a-z_]+$/.test(code);
  } catch {
    return false;
  }
}

describe.each(DIALECTS)('fuzzing the ingest endpoints on %s', { timeout: 180_000 }, (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!skipPostgres(dialect)) t = await buildTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach((ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
  });

  const runs = RUNS[dialect];

  it(`answers ${runs} generated hostile requests without a 5xx, each refusal with a code`, async () => {
    const started = performance.now();
    const classes = new Map<string, number>();
    const seen = new Set<string>();
    const errors: Offence[] = [];
    const uncoded: Offence[] = [];
    // A few requests in flight at once, as senders do: alerts then share commits (one fsync each), which
    // keeps the run short. Each request is built from (seed, index) alone, so the order does not matter.
    let next = 0;
    const worker = async () => {
      while (next < runs) {
        const req = fuzzRequest(SEED, next++);
        seen.add(`${req.kind}@${req.endpoint}`);
        let status: number;
        let response: string;
        try {
          const res = await t.app.inject({
            method: req.method,
            url: req.url,
            headers: req.headers,
            payload: req.body,
          });
          status = res.statusCode;
          response = res.body;
        } catch (err) {
          status = 0;
          response = `inject threw: ${String(err)}`;
        }
        const cls = status === 0 ? 'none' : `${Math.floor(status / 100)}xx`;
        classes.set(cls, (classes.get(cls) ?? 0) + 1);
        if (status >= 500 || status === 0) errors.push({ req, status, response });
        else if (status >= 400 && !hasCode(req.endpoint, response)) uncoded.push({ req, status, response });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    errors.sort((a, b) => a.req.index - b.req.index);
    uncoded.sort((a, b) => a.req.index - b.req.index);
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `[fuzz] ${dialect}: seed ${SEED}, ${runs} requests in ${seconds.toFixed(1)} s: ${[...classes]
        .sort()
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')}`,
    );
    if (errors.length) expect.fail(report('got a 5xx or no answer', errors, runs));
    if (uncoded.length) expect.fail(report('were refused without a machine-readable code', uncoded, runs));
    // The mix reached every endpoint with every kind (in a run long enough to), and some of it was accepted.
    if (runs >= 1000) expect(seen.size).toBe(FUZZ_KINDS.length * FUZZ_ENDPOINTS.length);
    expect(classes.get('2xx') ?? 0).toBeGreaterThan(runs / 20);
  });

  // Found by the fuzzer (`npm run bench -- fuzz`, seed 4073290767, request #67122): zod's length checks run
  // on any value with a `length`, and comparing one whose toString and valueOf are not functions throws.
  it('refuses an object posing as a string or a list (a length with no usable toString) with a 4xx', async () => {
    const impostor = { length: { toString: 0, valueOf: 0 } };
    const bodies = [
      { url: FUZZ_URLS.alertmanager, key: KEYS.alertmanager, body: { ...amPayload([]), groupKey: impostor } },
      { url: FUZZ_URLS.alertmanager, key: KEYS.alertmanager, body: { ...amPayload([]), alerts: impostor } },
      { url: FUZZ_URLS.grafana, key: KEYS.grafana, body: { ...amPayload([]), receiver: impostor } },
      {
        url: FUZZ_URLS.pagerduty,
        key: '',
        body: { routing_key: KEYS.pagerduty, event_action: 'trigger', dedup_key: impostor },
      },
    ];
    for (const { url, key, body } of bodies) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: key ? auth(key) : {},
        payload: body,
      });
      expect(res.statusCode, `${url} ${JSON.stringify(body)} → ${res.body}`).toBeLessThan(500);
      expect(hasCode(url === FUZZ_URLS.pagerduty ? 'pagerduty' : 'alertmanager', res.body)).toBe(true);
    }
  });

  it('still serves and opens an incident from an ordinary Alertmanager alert afterwards', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const fingerprint = `after-fuzz-${SEED}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: auth(KEYS.alertmanager),
      payload: amPayload(
        [{ labels: { alertname: 'AfterFuzz', service: 'kafka', tier: 'T1' }, fingerprint }],
        `after-fuzz:${SEED}`,
      ),
    });
    expect(res.statusCode, res.body).toBe(200);
    const [result] = res.json().results;
    expect(result).toMatchObject({ dedupKey: fingerprint, outcome: 'opened', tier: 'T1' });
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${result.incidentId}`,
      headers: auth(TOKENS.viewer),
    });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().incident).toMatchObject({ service: 'kafka', tier: 'T1', state: 'triggered' });
    expect(detail.json().alerts.map((a: { dedupKey: string }) => a.dedupKey)).toContain(fingerprint);
  });

  it('is seeded: a seed gives the same requests every time, another seed others', () => {
    const bytes = (body: string | Buffer) => (typeof body === 'string' ? Buffer.from(body) : body);
    const same = (a: FuzzRequest, b: FuzzRequest) =>
      a.kind === b.kind &&
      a.endpoint === b.endpoint &&
      JSON.stringify(a.headers) === JSON.stringify(b.headers) &&
      bytes(a.body).equals(bytes(b.body));
    let differ = 0;
    for (let i = 0; i < 100; i++) {
      expect(same(fuzzRequest(SEED, i), fuzzRequest(SEED, i))).toBe(true);
      if (!same(fuzzRequest(SEED, i), fuzzRequest(SEED ^ 1, i))) differ++;
    }
    expect(differ).toBeGreaterThan(90);
    expect(() => fuzzSeed({ FUZZ_SEED: 'abc' })).toThrow(/FUZZ_SEED/);
    expect(fuzzSeed({ FUZZ_SEED: '42' })).toBe(42);
  });
});
