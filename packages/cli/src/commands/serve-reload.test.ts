/**
 * `klaxon serve` reloads its config on SIGHUP, as an operator (or Kubernetes' config reloader) sends it:
 * a user and a schedule added to the file show in GET /api/v1/oncall; an invalid file keeps the running
 * config, logs file:line:col and sets klaxon_config_last_reload_successful 0, and the process keeps serving.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, TEST_CONFIG_YAML, TOKENS, waitFor } from '@klaxon/testing';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');

const WITH_BOB =
  TEST_CONFIG_YAML.replace(
    'teams:',
    `  - { id: bob, name: Bob, contactMethods: [{ type: sms, address: '+15550000002' }] }\nteams:`,
  ) +
  `schedules:
  - { id: night, name: Night, timezone: UTC, layers: [{ name: n, users: [bob], rotation: { type: weekly, start: '2020-01-06', handoffTime: '09:00' } }] }
`;

describe('klaxon serve and SIGHUP', () => {
  it('reloads the config file on SIGHUP, and keeps the running one when the file is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-sighup-'));
    const file = join(dir, 'klaxon.yaml');
    writeFileSync(file, TEST_CONFIG_YAML);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (k !== 'DATABASE_URL') env[k] = v;
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--config', file, '--port', String(port), '--db', join(dir, 'klaxon.db')],
      { cwd: ROOT, env },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const url = `http://127.0.0.1:${port}`;
    const get = (path: string) =>
      fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    const oncall = async () =>
      ((await (await get('/api/v1/oncall')).json()) as { oncall: { schedule: string; user: string }[] })
        .oncall;
    const metric = async (name: string) => {
      const text = await (await get('/metrics')).text();
      return Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${name} `))
          ?.split(' ')[1],
      );
    };
    try {
      await waitFor('klaxon serve', async () => (await fetch(`${url}/readyz`)).ok, 60_000);
      expect(await oncall()).toEqual([]);

      writeFileSync(file, WITH_BOB);
      child.kill('SIGHUP');
      await waitFor('the reloaded config', async () => (await oncall()).length === 1, 15_000);
      expect(await oncall()).toEqual([{ schedule: 'night', user: 'bob' }]);
      expect(await metric('klaxon_config_last_reload_successful')).toBe(1);

      const broken = `${WITH_BOB}engine:\n  tickIntervalMs: 1\n`;
      const line = broken.split('\n').indexOf('  tickIntervalMs: 1') + 1;
      writeFileSync(file, broken);
      child.kill('SIGHUP');
      await waitFor(
        'the failed reload',
        async () => (await metric('klaxon_config_last_reload_successful')) === 0,
        15_000,
      );
      expect(out).toContain(`${file}:${line}:19: engine.tickIntervalMs`);
      expect(child.exitCode).toBeNull();
      expect(await oncall()).toEqual([{ schedule: 'night', user: 'bob' }]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
