import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@klaxon/engine';
import { buildConfig, emitConfig, writeAtomically, type EmitInput } from './emit.ts';

const input = (): EmitInput => ({
  config: {
    users: [{ id: 'ann', name: 'Ann', contactMethods: [{ type: 'email', address: 'ann@example.com' }] }],
    teams: [{ id: 'ops', name: 'Ops', members: ['ann'] }],
    services: [{ id: 'web', name: 'Web', team: 'ops' }],
    integrationKeys: [
      { key: '${KLAXON_PD_KEY_P1}', name: 'Web: events', service: 'web', source: 'pagerduty' },
    ],
  },
  header: ['Imported from somewhere'],
  comments: [
    { path: ['users', 0], text: 'PagerDuty user PANN001' },
    { path: ['integrationKeys', 0], text: 'PagerDuty integration PI00001' },
  ],
  secrets: new Map([['KLAXON_PD_KEY_P1', 'a1b2c3d4e5f60718293a4b5c6d7e8f90']]),
});

describe('emit', () => {
  it('builds a commented YAML document that parseConfig accepts, secrets as ${ENV}', () => {
    const out = buildConfig(input());
    expect(out.text.startsWith('# Imported from somewhere\n')).toBe(true);
    expect(out.text).toMatch(/# PagerDuty user PANN001\n\s+- id: ann/);
    expect(out.text).toMatch(/# PagerDuty integration PI00001\n\s+- key: \$\{KLAXON_PD_KEY_P1\}/);
    expect(out.config.integrationKeys[0]!.key).toBe('a1b2c3d4e5f60718293a4b5c6d7e8f90');
    expect(out.envText).toBe('KLAXON_PD_KEY_P1=a1b2c3d4e5f60718293a4b5c6d7e8f90\n');
  });

  it('refuses a config the engine would refuse', () => {
    const bad = input();
    (bad.config.services as { team: string }[])[0]!.team = 'nobody';
    expect(() => buildConfig(bad)).toThrow(ConfigError);
  });

  it('writes the config and its .env (0600), and never replaces a good file with a failed one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-emit-'));
    const out = join(dir, 'klaxon.yaml');
    await emitConfig(input(), out);
    expect(readFileSync(out, 'utf8')).toContain('# PagerDuty user PANN001');
    expect(readFileSync(`${out}.env`, 'utf8')).toContain('KLAXON_PD_KEY_P1=');
    expect(statSync(`${out}.env`).mode & 0o777).toBe(0o600);

    writeFileSync(out, 'good: file\n');
    const bad = input();
    (bad.config.services as { team: string }[])[0]!.team = 'nobody';
    await expect(emitConfig(bad, out)).rejects.toThrow(ConfigError);
    expect(readFileSync(out, 'utf8')).toBe('good: file\n');

    // The second file cannot be written: the first is not replaced either, and no temp file is left.
    await expect(
      writeAtomically([
        { path: out, text: 'new\n' },
        { path: join(dir, 'missing', 'x.env'), text: 'x' },
      ]),
    ).rejects.toThrow();
    expect(readFileSync(out, 'utf8')).toBe('good: file\n');
    expect(readdirSync(dir).sort()).toEqual(['klaxon.yaml', 'klaxon.yaml.env']);
  });
});
