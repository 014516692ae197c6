import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '@klaxon/engine';
import { startFakePagerDuty, type FakePagerDuty } from '@klaxon/testing';
import { importPagerDutyCommand } from './import.ts';

const TOKEN = 'y_BJAeCsWJ8rbi1PLnCm';
const NOW = Date.parse('2027-03-10T12:00:00Z');

let fake: FakePagerDuty;
let out: string;
let printed: string;
beforeEach(async () => {
  fake = await startFakePagerDuty({ token: TOKEN, now: NOW });
  out = join(mkdtempSync(join(tmpdir(), 'klaxon-import-')), 'klaxon.yaml');
  printed = '';
});
afterEach(() => fake.close());

const deps = { now: () => NOW, write: (t: string) => (printed += t) };
const flags = (extra: Record<string, unknown> = {}) => ({ token: TOKEN, apiUrl: fake.url, out, ...extra });
const envOf = (file: string) =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('klaxon import pagerduty', () => {
  it('writes a config that check-config accepts with its .env, and prints the report and the proof', async () => {
    expect(await importPagerDutyCommand(flags(), deps)).toBe(0);
    const config = loadConfigFile(out, envOf(`${out}.env`));
    expect(config.integrationKeys.map((k) => k.service)).toEqual([
      'game-api',
      'matchmaking',
      'data-pipeline',
    ]);
    expect(printed).toMatch(
      /^PagerDuty → .*klaxon\.yaml: \d+ imported, \d+ imported with changes, \d+ not imported/,
    );
    expect(printed).toContain('skipped schedule_layer PLOLDLY (Platform Primary: Old pairing)');
    expect(printed).toMatch(/proof: schedule platform-primary: \d+ instants compared, same person on call/);
    expect(printed).toContain(`wrote ${out} and ${out}.env (3 integration keys, mode 0600)`);
  });

  it('prints JSON with --json', async () => {
    expect(await importPagerDutyCommand(flags({ json: true, verifyWeeks: '2' }), deps)).toBe(0);
    const doc = JSON.parse(printed) as {
      written: boolean;
      counts: Record<string, number>;
      verification: { instants: number; differences: unknown[] }[];
    };
    expect(doc.written).toBe(true);
    expect(doc.verification).toHaveLength(2);
    expect(doc.verification[0]!.instants).toBeGreaterThanOrEqual(14 * 24);
    expect(doc.counts.imported).toBeGreaterThan(0);
  });

  it('exits 3 and writes nothing when the proof finds differences, unless --allow-differences', async () => {
    (fake.account.schedules[0]!.schedule_layers as Record<string, unknown>[])[1]!.end =
      '2027-04-01T00:00:00Z';
    writeFileSync(out, 'previous: config\n');
    expect(await importPagerDutyCommand(flags(), deps)).toBe(3);
    expect(readFileSync(out, 'utf8')).toBe('previous: config\n');
    expect(printed).toMatch(/proof: schedule platform-primary: \d+ instants compared, \d+ differences/);
    expect(printed).toMatch(/2027-04-01T\d\d:00:00\.000Z … .*: PagerDuty (nobody|\w+), Klaxon erin/);
    expect(printed).toContain('nothing written');
    printed = '';
    expect(await importPagerDutyCommand(flags({ allowDifferences: true }), deps)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('# PagerDuty schedule PSPLATF');
  });

  it('fails clearly on a refused token or a bad --verify-weeks, leaving the previous file alone', async () => {
    writeFileSync(out, 'previous: config\n');
    await expect(importPagerDutyCommand(flags({ token: 'bad-token-0000000000' }), deps)).rejects.toThrow(
      /PagerDuty refused the token \(401: Unauthorized\).*\(nothing written\)/,
    );
    await expect(importPagerDutyCommand(flags({ verifyWeeks: 'many' }), deps)).rejects.toThrow(
      /--verify-weeks must be/,
    );
    expect(readFileSync(out, 'utf8')).toBe('previous: config\n');
  });
});
