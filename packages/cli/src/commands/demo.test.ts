/** `klaxon demo` as a user runs it; the full run is in the game days (packages/demo/gameday). */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');
const klaxon = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env });

describe('klaxon demo', () => {
  it('lists the scenarios, for people and for scripts', () => {
    const list = klaxon(['demo', '--list', '--json']);
    expect(list.status, list.stderr).toBe(0);
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['demo', 'consumer-lag', 'quiet-day', 'monitoring-outage']));
    expect(klaxon(['demo', '--list']).stdout).toMatch(/^quiet-day\s+A quiet day$/m);
  });

  it('says which scenarios exist when asked for one that does not', () => {
    const r = klaxon(['demo', '--scenario', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('there is no scenario "nope"; choose one of: bedrock-latency');
  });

  it('says exactly which Debian packages to install when the binaries are missing, and starts nothing', () => {
    const r = klaxon(['demo', '--once', '--work-dir', join(ROOT, '.tmp', 'demo-missing')], {
      ...process.env,
      PATH: '/nonexistent',
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('prometheus, promtool, alertmanager not found on PATH');
    expect(r.stderr).toContain('apt-get install -y prometheus prometheus-alertmanager');
  });
});
