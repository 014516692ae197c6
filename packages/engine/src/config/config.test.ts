import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.ts';
import { ConfigError, loadConfigFile, parseConfig } from './load.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../../../examples/klaxon.yaml');

function problems(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfig(text, 'klaxon.yaml', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be invalid');
}

describe('config', () => {
  it('loads the example that models the seed platform', () => {
    const config = loadConfigFile(EXAMPLE, {});
    expect(config.services.map((s) => s.id)).toEqual(
      expect.arrayContaining(['kafka', 'redshift', 'bedrock', 'kubernetes', 'game-api', 'cost']),
    );
    expect(config.teams.every((t) => t.lead === 'erin')).toBe(true);
    expect(config.tiers.T1).toMatchObject({ urgency: 'high', pages: true });
    expect(config.tiers.T3).toMatchObject({ pages: false });
    expect(config.integrationKeys.find((k) => k.source === 'alertmanager')?.key).toBe(
      'am-demo-key-0123456789abcdef',
    );
  });

  it('reads secrets from the environment', () => {
    const config = loadConfigFile(EXAMPLE, { KLAXON_AM_KEY: 'from-env-0123456789abcdef' });
    expect(config.integrationKeys.find((k) => k.source === 'alertmanager')?.key).toBe(
      'from-env-0123456789abcdef',
    );
    const [p] = problems(
      'services: [{ id: a, name: A, team: t }]\nteams: [{ id: t, name: T }]\napiTokens: [{ name: x, token: "${MISSING}" }]\n',
    );
    expect(p).toMatchObject({ path: 'apiTokens[0].token', line: 3 });
    expect(p!.message).toContain('MISSING is not set');
  });

  it('reads secrets from files with ${file:/path}, trailing newlines removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-config-file-'));
    writeFileSync(join(dir, 'admin'), 'admin-token-from-a-file-0001\n');
    writeFileSync(join(dir, 'host'), 'db.internal');
    writeFileSync(join(dir, 'empty'), '\n');
    const base = 'services: [{ id: a, name: A, team: t }]\nteams: [{ id: t, name: T }]\n';
    const config = parseConfig(
      `${base}apiTokens: [{ name: x, token: '\${file:${dir}/admin}' }]\nlinks: { grafanaUrl: 'https://\${file:${dir}/host}:\${PORT:-3000}' }\n`,
      'klaxon.yaml',
      {},
    );
    expect(config.apiTokens[0]!.token).toBe('admin-token-from-a-file-0001');
    expect(config.links.grafanaUrl).toBe('https://db.internal:3000');
    // A file's content is not expanded again, and neither is an environment variable's.
    writeFileSync(join(dir, 'literal'), '${HOME}-0123456789abcdef');
    expect(
      parseConfig(`${base}apiTokens: [{ name: x, token: '\${file:${dir}/literal}' }]\n`, 'k.yaml', {})
        .apiTokens[0]!.token,
    ).toBe('${HOME}-0123456789abcdef');

    const [missing] = problems(`${base}apiTokens:\n  - { name: x, token: '\${file:${dir}/nope}' }\n`);
    expect(missing).toMatchObject({ file: 'klaxon.yaml', path: 'apiTokens[0].token', line: 4 });
    expect(missing!.message).toContain(`cannot read ${dir}/nope`);
    expect(missing!.message).toContain('no such file');
    expect(missing!.message).toContain('mount the secret there');
    const [empty] = problems(`${base}apiTokens: [{ name: x, token: '\${file:${dir}/empty}' }]\n`);
    expect(empty!.message).toContain('is empty');
    const [relative] = problems(`${base}apiTokens: [{ name: x, token: '\${file:secrets/admin}' }]\n`);
    expect(relative!.message).toContain('needs an absolute path');
    if (process.getuid?.() !== 0) {
      chmodSync(join(dir, 'admin'), 0o000);
      const [denied] = problems(`${base}apiTokens: [{ name: x, token: '\${file:${dir}/admin}' }]\n`);
      expect(denied!.message).toContain('permission denied');
    }
  });

  it('names the file, line, path and fix for each problem', () => {
    const text = [
      'services:',
      '  - { id: kafka, name: Kafka, team: platfrom, defaultTier: T9 }',
      'teams:',
      '  - { id: platform, name: P }',
      'colour: red',
      '',
    ].join('\n');
    const found = problems(text);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'klaxon.yaml', path: 'services[0].defaultTier', line: 2 }),
        expect.objectContaining({ path: '', message: expect.stringContaining('unknown key "colour"') }),
      ]),
    );
  });

  it('checks references between sections', () => {
    const found = problems(
      'services: [{ id: kafka, name: K, team: platfrom }]\nteams: [{ id: platform, name: P, members: [ghost] }]\nintegrationKeys: [{ key: abcdefabcdefabcdef, name: k, service: nope, source: alertmanager }]\n',
    );
    expect(found.map((p) => p.path).sort()).toEqual([
      'integrationKeys[0].service',
      'services[0].team',
      'teams[0].members[0]',
    ]);
    expect(found.find((p) => p.path === 'services[0].team')!.message).toContain(
      'unknown team "platfrom"; define it under teams or use one of: platform',
    );
  });

  it('refuses a T3 policy that pages', () => {
    const [p] = problems(
      'services: [{ id: a, name: A, team: t }]\nteams: [{ id: t, name: T }]\ntiers:\n  T1: { name: C, urgency: high, pages: true }\n  T2: { name: W, urgency: low, pages: true }\n  T3: { name: A, urgency: high, pages: true }\n',
    );
    expect(p).toMatchObject({ path: 'tiers.T3', line: 6 });
    expect(p!.message).toContain('never pages');
  });

  it('refuses a person who can be paged but has no contact method for the urgency', () => {
    const yaml = (urgency: string) => `
users: [{ id: a, name: A, contactMethods: [{ type: push, address: 'ntfy:a' }, { type: email, address: a@example.com }] }]
teams: [{ id: t, name: T, members: [a] }]
services: [{ id: s, name: S, team: t }]
tiers:
  T1: { name: C, urgency: ${urgency}, pages: true, escalationPolicy: p }
  T2: { name: W, urgency: low, pages: true }
  T3: { name: A, urgency: none, pages: false }
escalationPolicies: [{ id: p, name: P, steps: [{ targets: [{ team: t }] }] }]
`;
    expect(() => parseConfig(yaml('low'), 'k.yaml', {})).not.toThrow();
    const [p] = problems(yaml('high'));
    expect(p).toMatchObject({ path: 'users[0].contactMethods', line: 2 });
    expect(p!.message).toContain(
      'a can be paged at high urgency (T1, policy p) but has no voice, sms contact method',
    );
  });

  it('checks schedule and escalation references', () => {
    const yaml = (zone: string) => `
users: [{ id: a, name: A }]
teams: [{ id: t, name: T }]
services: [{ id: s, name: S, team: t }]
tiers:
  T1: { name: C, urgency: high, pages: true, escalationPolicy: missing }
  T2: { name: W, urgency: low, pages: true }
  T3: { name: A, urgency: none, pages: false }
schedules: [{ id: p, name: P, timezone: ${zone}, layers: [{ name: l, users: [ghost], rotation: { type: weekly, start: '2026-01-05' } }] }]
escalationPolicies: [{ id: e, name: E, steps: [{ targets: [{ schedule: nope }] }] }]
`;
    expect(problems(yaml('Mars/Olympus')).find((p) => p.path === 'schedules[0].timezone')!.message).toContain(
      'IANA',
    );
    const refs = problems(yaml('Europe/London'));
    expect(refs.map((p) => p.path).sort()).toEqual([
      'escalationPolicies[0].steps[0].targets[0].schedule',
      'schedules[0].layers[0].users[0]',
      'tiers.T1.escalationPolicy',
    ]);
  });

  it('reports invalid YAML with its position', () => {
    const [p] = problems('services: [\n  - oops: : :\n');
    expect(p!.message).toMatch(/^invalid YAML/);
    expect(p!.line).toBeGreaterThan(0);
  });

  it('publishes a JSON Schema that matches docs/config.schema.json', () => {
    const schema = configJsonSchema();
    expect(schema.properties).toHaveProperty('services');
    const committed = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../../../docs/config.schema.json'), 'utf8'),
    ) as unknown;
    expect(
      committed,
      'docs/config.schema.json is stale: run `npx klaxon schema --out docs/config.schema.json`',
    ).toEqual(schema);
  });
});
