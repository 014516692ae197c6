/**
 * Live config reload on a real engine (SQLite, a real socket, a config file on disk): a new user and
 * schedule show at once, an invalid file keeps the running config and flips the metric with the
 * file:line:col in the log, keys that need a restart keep their running value, POST /-/reload is for
 * admins, a watched file reloads itself, and no request fails while the config is reloaded 20 times
 * under load.
 */
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { amPayload, auth, freshDatabase, KEYS, TEST_CONFIG_YAML, TOKENS, waitFor } from '@klaxon/testing';
import { loadConfigFile } from '../config/load.ts';
import { startServer, type RunningServer } from './server.ts';

const BOB = `  - { id: bob, name: Bob, contactMethods: [{ type: sms, address: '+15550000002' }] }\n`;
const NIGHT = `schedules:
  - { id: night, name: Night, timezone: UTC, layers: [{ name: n, users: [bob], rotation: { type: weekly, start: '2020-01-06', handoffTime: '09:00' } }] }
`;
const withBob = (extra = '') => TEST_CONFIG_YAML.replace('teams:', `${BOB}teams:`) + NIGHT + extra;

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(o: { watch?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-reload-'));
  const file = join(dir, 'klaxon.yaml');
  writeFileSync(file, TEST_CONFIG_YAML);
  const lines: string[] = [];
  server = await startServer({
    config: loadConfigFile(file, {}),
    configFile: file,
    env: {},
    watchConfig: o.watch ?? false,
    database: await freshDatabase('sqlite'),
    port: 0,
    host: '127.0.0.1',
    logger: { level: 'info', stream: { write: (s: string) => void lines.push(s) } },
  });
  const s = server;
  const get = async (path: string, token: string = TOKENS.admin) => {
    const res = await fetch(`${s.url}${path}`, { headers: auth(token) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const metric = async (name: string) => {
    const text = await (await fetch(`${s.url}/metrics`, { headers: auth(TOKENS.admin) })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };
  const errors = () =>
    lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50);
  return { file, lines, server: s, get, metric, errors };
}

const oncall = (body: Record<string, unknown>) => body.oncall as { schedule: string; user: string | null }[];
const userIds = (body: Record<string, unknown>) => (body.users as { id: string }[]).map((u) => u.id);

describe('config reload', () => {
  it('shows a user and a schedule added to the file at once, to a token that already existed', async () => {
    const e = await start();
    expect(oncall((await e.get('/api/v1/oncall', TOKENS.viewer)).body)).toEqual([]);
    expect(userIds((await e.get('/api/v1/users', TOKENS.viewer)).body)).toEqual(['alice']);

    writeFileSync(e.file, withBob());
    const r = await e.server.reload('signal');
    expect(r).toMatchObject({ status: 'applied', generation: 2, restartRequired: [] });
    expect(e.server.generation).toBe(2);
    expect(oncall((await e.get('/api/v1/oncall', TOKENS.viewer)).body)).toEqual([
      { schedule: 'night', user: 'bob' },
    ]);
    expect(userIds((await e.get('/api/v1/users', TOKENS.viewer)).body)).toEqual(['alice', 'bob']);
    expect(await e.metric('klaxon_config_last_reload_successful')).toBe(1);
    expect(await e.metric('klaxon_config_reloads_total{result="success"}')).toBe(1);
  });

  it('takes tokens away and adds new ones at once', async () => {
    const e = await start();
    const fresh = 'viewer-added-by-reload-0000000001';
    writeFileSync(
      e.file,
      TEST_CONFIG_YAML.replace(`token: ${TOKENS.viewer}`, `token: ${fresh}`).replace(
        `name: viewer,`,
        `name: viewer2,`,
      ),
    );
    expect((await e.get('/api/v1/services', TOKENS.viewer)).status).toBe(200);
    await e.server.reload('api');
    expect((await e.get('/api/v1/services', TOKENS.viewer)).status).toBe(401);
    expect((await e.get('/api/v1/services', fresh)).status).toBe(200);
  });

  it('keeps the running config on a syntax error or a schema error, logs file:line:col and flips the metric', async () => {
    const e = await start();
    writeFileSync(e.file, withBob());
    await e.server.reload('signal');
    const before = Date.now() / 1000;

    // A YAML syntax error on the last line.
    const broken = `${withBob()}apiTokens: [ { name: x\n`;
    writeFileSync(e.file, broken);
    const syntax = await e.server.reload('signal');
    expect(syntax.status).toBe('failed');
    expect(syntax.generation).toBe(2);
    expect(syntax.problems[0]).toMatchObject({ file: e.file, line: expect.any(Number) });
    expect(e.errors().some((l) => l.msg.includes(`${e.file}:${syntax.problems[0]!.line}:`))).toBe(true);
    expect(await e.metric('klaxon_config_last_reload_successful')).toBe(0);
    expect(oncall((await e.get('/api/v1/oncall')).body)).toEqual([{ schedule: 'night', user: 'bob' }]);

    // A schema error: a value out of range, on a line of its own.
    const text = `${withBob()}engine:\n  tickIntervalMs: 1\n`;
    writeFileSync(e.file, text);
    const line = text.split('\n').indexOf('  tickIntervalMs: 1') + 1;
    const schema = await e.server.reload('watch');
    expect(schema.status).toBe('failed');
    expect(schema.problems).toEqual([
      expect.objectContaining({ path: 'engine.tickIntervalMs', line, column: 19 }),
    ]);
    expect(e.errors().some((l) => l.msg.includes(`${e.file}:${line}:19: engine.tickIntervalMs`))).toBe(true);
    expect(e.server.config.engine.tickIntervalMs).toBe(250);
    expect(await e.metric('klaxon_config_last_reload_successful')).toBe(0);
    expect(await e.metric('klaxon_config_reloads_total{result="failure"}')).toBe(2);
    expect(userIds((await e.get('/api/v1/users')).body)).toContain('bob');

    // Fixed: applied, and the metric says so again.
    writeFileSync(e.file, `${withBob()}engine:\n  tickIntervalMs: 300\n`);
    expect(await e.server.reload('signal')).toMatchObject({ status: 'applied', generation: 3 });
    expect(e.server.config.engine.tickIntervalMs).toBe(300);
    expect(await e.metric('klaxon_config_last_reload_successful')).toBe(1);
    expect(await e.metric('klaxon_config_last_reload_success_timestamp_seconds')).toBeGreaterThanOrEqual(
      Math.floor(before),
    );
  });

  it('keeps the listen address and socket limits until a restart, says so, and applies the rest', async () => {
    const e = await start();
    writeFileSync(e.file, `${withBob()}server: { host: 0.0.0.0, maxConnections: 7 }\n`);
    const r = await e.server.reload('signal');
    expect(r.status).toBe('applied');
    expect(r.restartRequired).toEqual(['server.host', 'server.maxConnections']);
    expect(e.server.config.server.host).toBeUndefined();
    expect(e.server.config.server.maxConnections).toBe(1024);
    expect(e.server.app.server.maxConnections).toBe(1024);
    const warnings = e.lines.filter((l) => l.includes('needs a restart'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('server.host changed');
    expect(userIds((await e.get('/api/v1/users')).body)).toContain('bob');
  });

  it('POST /-/reload: 200 for an admin, 403 for a responder, 400 config_invalid with the problems', async () => {
    const e = await start();
    const post = (token: string) =>
      fetch(`${e.server.url}/-/reload`, { method: 'POST', headers: auth(token) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as {
          status?: string;
          error?: { code: string; details: { message: string }[] };
        },
      }));
    writeFileSync(e.file, withBob());
    expect(await post(TOKENS.responder)).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect(e.server.generation).toBe(1);
    expect(await post(TOKENS.admin)).toEqual({
      status: 200,
      body: { status: 'applied', generation: 2, restartRequired: [] },
    });
    writeFileSync(e.file, withBob().replace('defaultTier: T2 }', 'defaultTier: T9 }'));
    const bad = await post(TOKENS.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('config_invalid');
    expect(bad.body.error?.details[0]!.message).toMatch(
      new RegExp(`^${e.file}:\\d+:\\d+: services\\[0\\]\\.defaultTier: `),
    );
    expect(e.server.generation).toBe(2);
    expect((await fetch(`${e.server.url}/-/reload`, { method: 'POST' })).status).toBe(401);
  });

  it('reloads by itself when a watched file is replaced (rename into place, as editors and ConfigMaps do)', async () => {
    const e = await start({ watch: true });
    const tmp = `${e.file}.tmp`;
    writeFileSync(tmp, withBob());
    renameSync(tmp, e.file);
    await waitFor('the watched reload', () => Promise.resolve(e.server.generation === 2), 10_000);
    expect(oncall((await e.get('/api/v1/oncall')).body)).toEqual([{ schedule: 'night', user: 'bob' }]);
  });
});

describe('no request fails during a reload', () => {
  it('serves a steady keep-alive load of ingest and reads through 20 reloads, every answer 2xx', async () => {
    const e = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const url = new URL(e.server.url);
    const send = (method: string, path: string, token: string, body?: unknown) =>
      new Promise<{ status: number; reused: boolean; body: string }>((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = httpRequest(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: { ...auth(token), ...(data ? { 'content-type': 'application/json' } : {}) },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket, body: text }));
          },
        );
        req.on('error', reject);
        req.end(data);
      });
    // A live-feed stream open across the reloads: it must end cleanly (the browser reconnects).
    const stream = await fetch(`${e.server.url}/api/v1/stream`, {
      headers: { ...auth(TOKENS.viewer), accept: 'text/event-stream' },
    });
    expect(stream.status).toBe(200);
    const streamEnded = (async () => {
      const reader = stream.body!.getReader();
      while (!(await reader.read()).done);
      return 'ended';
    })();

    const results: { status: number; reused: boolean; body: string }[] = [];
    const failures: string[] = [];
    let running = true;
    let n = 0;
    const worker = async (w: number) => {
      while (running) {
        const i = n++;
        const r =
          i % 2 === 0
            ? await send(
                'POST',
                '/api/v1/ingest/alertmanager',
                KEYS.alertmanager,
                amPayload([
                  { labels: { alertname: `Load${i % 50}`, service: 'kafka' }, fingerprint: `f${i % 50}` },
                ]),
              )
            : await send('GET', w % 2 ? '/api/v1/users' : '/api/v1/incidents?limit=5', TOKENS.viewer);
        results.push(r);
        if (r.status < 200 || r.status > 299) failures.push(`${r.status} on request ${i}`);
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) =>
      worker(w).catch((err: Error) => failures.push(err.message)),
    );
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      writeFileSync(e.file, i % 2 === 0 ? withBob() : TEST_CONFIG_YAML);
      const t0 = performance.now();
      const r = await e.server.reload('signal');
      timings.push(performance.now() - t0);
      expect(r.status).toBe('applied');
      await new Promise((res) => setTimeout(res, 100));
    }
    running = false;
    await Promise.all(workers);
    agent.destroy();

    expect(failures).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
    // The load met both configs: some answers came from generations with bob, some from those without.
    const lists = new Set(results.filter((r) => r.body.startsWith('{"users"')).map((r) => r.body));
    expect(lists.size).toBe(2);
    expect(results.filter((r) => r.reused).length).toBeGreaterThan(results.length / 2);
    expect(e.server.generation).toBe(21);
    expect(await Promise.race([streamEnded, new Promise((r) => setTimeout(() => r('open'), 5000))])).toBe(
      'ended',
    );
    const sorted = [...timings].sort((a, b) => a - b);
    console.log(
      `20 reloads under load: ${results.length} requests, all 2xx; reload p50 ${sorted[10]!.toFixed(0)} ms, max ${sorted[19]!.toFixed(0)} ms`,
    );
  }, 120_000);
});
