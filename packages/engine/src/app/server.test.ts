/**
 * The engine on a real socket: where it listens by default, the timeouts that close stalled requests,
 * the connection cap, and the refusal to listen beyond loopback with the example's public demo secrets.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, testConfig, waitFor } from '@klaxon/testing';
import { hashPassword } from '../auth/password.ts';
import { loadConfigFile, parseConfig } from '../config/load.ts';
import { demoSecretsInUse, EXAMPLE_DEMO_SECRETS } from '../config/demo-secrets.ts';
import { startServer, UnsafeListenError, type RunningServer } from './server.ts';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/klaxon.yaml', import.meta.url));

let server: RunningServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

/** Starts an engine on the test config plus `configExtra`; `host: undefined` passes no host at all. */
async function start(
  configExtra: string,
  o: { host?: string } = { host: '127.0.0.1' },
): Promise<RunningServer> {
  server = await startServer({
    config: testConfig(configExtra),
    database: await freshDatabase('sqlite'),
    port: 0,
    ...(o.host ? { host: o.host } : {}),
  });
  return server;
}

function portOf(s: RunningServer): number {
  const addr = s.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  return addr.port;
}

/** A raw client socket: what it received, and when (ms after opening) it was closed. */
function open(port: number) {
  const sock = connect(port, '127.0.0.1');
  sockets.push(sock);
  const opened = performance.now();
  let data = '';
  sock.on('data', (d: Buffer) => (data += d.toString()));
  sock.on('error', () => {});
  const closed = new Promise<number>((resolve) =>
    sock.on('close', () => resolve(performance.now() - opened)),
  );
  const connected = new Promise<void>((resolve) => sock.once('connect', () => resolve()));
  return {
    sock,
    connected,
    closed,
    get data() {
      return data;
    },
    /** Sends a keep-alive GET /healthz and waits for its answer. */
    async health(): Promise<boolean> {
      const before = data.length;
      sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      const deadline = performance.now() + 3000;
      while (performance.now() < deadline && !sock.destroyed) {
        if (data.slice(before).includes('{"status":"ok"}')) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return data.slice(before).includes('{"status":"ok"}');
    },
  };
}

/** Resolves with the close time, or null when the socket is still open after `ms`. */
const closedWithin = (closed: Promise<number>, ms: number) =>
  Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), ms))]);

const HALF_BODY =
  'POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"routing_key":';

describe('where the engine listens (finding 6)', () => {
  it('listens on loopback unless told otherwise', async () => {
    const s = await start('', {});
    expect(s.app.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('takes server.host from the config, and the host option over it', async () => {
    const s = await start("server: { host: '127.0.0.2' }\n", {});
    expect(s.app.server.address()).toMatchObject({ address: '127.0.0.2' });
    await s.close();
    const t = await start("server: { host: '127.0.0.2' }\n", { host: '127.0.0.1' });
    expect(t.app.server.address()).toMatchObject({ address: '127.0.0.1' });
  });
});

describe('stalled requests are closed (finding 6)', () => {
  it('closes a half-sent body that goes silent after server.requestTimeoutSeconds', async () => {
    const s = await start(
      'server: { requestTimeoutSeconds: 1, headersTimeoutSeconds: 1, idleTimeoutSeconds: 60 }\n',
    );
    const c = open(portOf(s));
    await c.connected;
    c.sock.write(HALF_BODY);
    const at = await closedWithin(c.closed, 5000);
    expect(at, 'the stalled connection is closed').not.toBeNull();
    expect(at!).toBeGreaterThan(800);
    expect(c.data).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(`http://127.0.0.1:${portOf(s)}/healthz`)).status).toBe(200);
  });

  it('closes a body trickled a byte at a time, which no idle timeout would catch', async () => {
    const s = await start(
      'server: { requestTimeoutSeconds: 1, headersTimeoutSeconds: 1, idleTimeoutSeconds: 60 }\n',
    );
    const c = open(portOf(s));
    await c.connected;
    c.sock.write(HALF_BODY);
    const drip = setInterval(() => c.sock.writable && c.sock.write(' '), 100);
    try {
      const at = await closedWithin(c.closed, 5000);
      expect(at, 'the trickling connection is closed').not.toBeNull();
    } finally {
      clearInterval(drip);
    }
  });

  it('closes headers trickled a line at a time after server.headersTimeoutSeconds', async () => {
    const s = await start(
      'server: { requestTimeoutSeconds: 10, headersTimeoutSeconds: 1, idleTimeoutSeconds: 60 }\n',
    );
    const c = open(portOf(s));
    await c.connected;
    c.sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    let n = 0;
    const drip = setInterval(() => c.sock.writable && c.sock.write(`X-${n++}: y\r\n`), 100);
    try {
      const at = await closedWithin(c.closed, 5000);
      expect(at, 'the connection is closed before its headers end').not.toBeNull();
      expect(at!).toBeLessThan(5000);
    } finally {
      clearInterval(drip);
    }
  });

  it('closes a connection that sends nothing after server.idleTimeoutSeconds', async () => {
    const s = await start('server: { idleTimeoutSeconds: 1 }\n');
    const c = open(portOf(s));
    await c.connected;
    expect(await closedWithin(c.closed, 5000), 'the silent connection is closed').not.toBeNull();
  });

  it('rejects a headers timeout longer than the request timeout', () => {
    expect(() => testConfig('server: { requestTimeoutSeconds: 5, headersTimeoutSeconds: 10 }\n')).toThrow(
      /headersTimeoutSeconds/,
    );
  });
});

describe('server.maxConnections (finding 6)', () => {
  it('refuses connections beyond the cap while the earlier ones are served', async () => {
    const s = await start('server: { maxConnections: 3 }\n');
    const port = portOf(s);
    const first = [open(port), open(port), open(port)];
    for (const c of first) expect(await c.health()).toBe(true);

    const extra = open(port);
    expect(await closedWithin(extra.closed, 3000), 'the 4th connection is closed').not.toBeNull();
    expect(extra.data).toBe('');

    for (const c of first) expect(await c.health(), 'the first three are still served').toBe(true);
    first[0]!.sock.destroy();
    await waitFor(
      'a freed slot',
      async () => {
        const again = open(port);
        return again.health();
      },
      5000,
    );
  });
});

describe('public demo secrets (finding 11)', () => {
  const outbox = () => join(mkdtempSync(join(tmpdir(), 'klaxon-outbox-')), 'outbox.jsonl');
  const exampleConfig = (env: NodeJS.ProcessEnv = {}) =>
    loadConfigFile(EXAMPLE, { KLAXON_OUTBOX: outbox(), ...env });

  it('refuses to listen beyond loopback with the example’s demo secrets, naming each and its fix', async () => {
    const database = await freshDatabase('sqlite');
    const attempt = startServer({ config: exampleConfig(), database, port: 0, host: '0.0.0.0' });
    await expect(attempt).rejects.toBeInstanceOf(UnsafeListenError);
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toContain('refusing to listen on 0.0.0.0');
    for (const env of [
      'KLAXON_AM_KEY',
      'KLAXON_GRAFANA_KEY',
      'KLAXON_PD_GAME_KEY',
      'KLAXON_PD_ML_KEY',
      'KLAXON_SNS_KEY',
      'KLAXON_ADMIN_TOKEN',
      'KLAXON_RESPONDER_TOKEN',
      'KLAXON_VIEWER_TOKEN',
    ])
      expect(message).toContain(env);
    for (const user of ['users[0] (alice)', 'users[4] (erin)', 'users[5] (sam)'])
      expect(message).toContain(user);
    expect(message).toContain('klaxon hash-password');
    expect(message).not.toContain('admin-demo-token-change-me-0001');
    expect(database.dialect === 'sqlite' && existsSync(database.path), 'nothing was started').toBe(false);
  });

  it('starts on loopback with the demo secrets', async () => {
    server = await startServer({
      config: exampleConfig(),
      database: await freshDatabase('sqlite'),
      port: 0,
      host: '127.0.0.1',
    });
    expect(server.app.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('starts beyond loopback once every demo secret is replaced', async () => {
    const env: NodeJS.ProcessEnv = { KLAXON_OUTBOX: outbox() };
    for (const s of EXAMPLE_DEMO_SECRETS) if (s.env) env[s.env] = randomBytes(24).toString('hex');
    const demoHash = EXAMPLE_DEMO_SECRETS.find((s) => s.kind === 'passwordHash')!.value;
    const ownHash = await hashPassword(randomBytes(12).toString('hex'));
    const text = readFileSync(EXAMPLE, 'utf8').replaceAll(demoHash, ownHash);
    const config = parseConfig(text, EXAMPLE, env);
    expect(demoSecretsInUse(config)).toEqual([]);
    server = await startServer({
      config,
      database: await freshDatabase('sqlite'),
      port: 0,
      host: '0.0.0.0',
    });
    expect(server.app.server.address()).toMatchObject({ address: '0.0.0.0' });
  });

  it('knows every fallback secret of examples/klaxon.yaml', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    const fallbacks = [...text.matchAll(/\$\{(KLAXON_[A-Z_]*(?:KEY|TOKEN|SECRET)[A-Z_]*):-([^}]+)\}/g)];
    expect(fallbacks.length).toBeGreaterThanOrEqual(8);
    for (const [, env, value] of fallbacks)
      expect(EXAMPLE_DEMO_SECRETS, env).toContainEqual(expect.objectContaining({ env, value }));
    const hashes = new Set([...text.matchAll(/passwordHash: '([^']+)'/g)].map((m) => m[1]));
    for (const h of hashes)
      expect(EXAMPLE_DEMO_SECRETS).toContainEqual(
        expect.objectContaining({ kind: 'passwordHash', value: h }),
      );
  });
});
