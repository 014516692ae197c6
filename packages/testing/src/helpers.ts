/**
 * Shared test fixtures: a store per dialect (a fresh PostgreSQL database per call), a small config, and
 * an app built on them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import {
  buildApp,
  createDatabase,
  FakeClock,
  parseConfig,
  type Dialect,
  type KlaxonDatabase,
} from '@klaxon/engine';
import { TEST_CONFIG_YAML } from './fixtures.ts';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

export function pgAvailable(): boolean {
  return inject('pgUrl') !== null;
}

/** For `describe.skipIf`: PostgreSQL tests skip only outside CI. */
export function skipPostgres(dialect: Dialect): boolean {
  return dialect === 'postgres' && !pgAvailable();
}

/** Creates an empty database of `dialect` and returns its connection options. */
export async function freshDatabase(dialect: Dialect) {
  if (dialect === 'sqlite') {
    return {
      dialect: 'sqlite' as const,
      path: join(mkdtempSync(join(tmpdir(), 'klaxon-sqlite-')), 'klaxon.db'),
    };
  }
  const adminUrl = inject('pgUrl');
  if (!adminUrl) throw new Error('PostgreSQL is not available');
  const name = `klaxon_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { dialect: 'postgres' as const, url: url.toString() };
}

export async function createTestStore(dialect: Dialect): Promise<KlaxonDatabase> {
  const store = createDatabase(await freshDatabase(dialect));
  await store.migrate();
  return store;
}

/** The standard test config plus `extra`, or `replace` instead of it. */
export function testConfig(extra = '', replace?: string) {
  return parseConfig(replace ?? TEST_CONFIG_YAML + extra, 'test-config.yaml', {});
}

export async function buildTestApp(
  dialect: Dialect,
  opts: { start?: string; configExtra?: string; configYaml?: string } = {},
) {
  const store = await createTestStore(dialect);
  const clock = new FakeClock(opts.start ?? '2026-03-28T02:00:00Z');
  const config = testConfig(opts.configExtra, opts.configYaml);
  const built = await buildApp({ config, store, clock, processMetrics: false });
  return {
    ...built,
    store,
    clock,
    config,
    async close() {
      await built.app.close();
      await store.close();
    },
  };
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A browser against an app under test: signs in with a password, keeps the session cookie and sends the
 * CSRF token on unsafe methods, like the web app does.
 */
export function sessionBrowser(app: FastifyInstance) {
  let cookie: string | undefined;
  let csrf: string | undefined;
  const request = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => {
    const res = await app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: {
        ...(cookie ? { cookie: `klaxon_session=${cookie}` } : {}),
        ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
      },
    });
    const set = res.cookies.find((c) => c.name === 'klaxon_session');
    if (set) cookie = set.value === '' ? undefined : set.value;
    return res;
  };
  return {
    request,
    async login(username: string, password: string) {
      const res = await request('POST', '/api/v1/auth/login', { username, password });
      if (res.statusCode !== 200)
        throw new Error(`sign-in as ${username} failed: ${res.statusCode} ${res.body}`);
      csrf = res.json<{ csrfToken: string }>().csrfToken;
      return res;
    },
  };
}
