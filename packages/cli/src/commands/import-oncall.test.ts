import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOnCall, ONCALL_FIXTURE_NOW } from '@klaxon/testing';
import { describe, expect, it } from 'vitest';
import { CliError } from '../output.ts';
import { importOnCall } from './import-oncall.ts';

describe('klaxon import grafana-oncall (command)', () => {
  it('prints the JSON report and the human summary with each sender’s new URL', async () => {
    const fake = await startFakeOnCall({ throttleOnce: null });
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'klaxon-oncall-cli-')), 'k.yaml');
      const flags = {
        token: fake.token,
        apiUrl: fake.url,
        out,
        verifyWeeks: '2',
        klaxonUrl: 'https://klaxon.example.com',
      };
      let text = '';
      const code = await importOnCall(
        { ...flags, json: true },
        { now: () => ONCALL_FIXTURE_NOW, write: (t) => (text += t) },
      );
      expect(code).toBe(0);
      const doc = JSON.parse(text) as {
        written: boolean;
        counts: { imported: number; changed: number; skipped: number };
        entries: unknown[];
        senders: { klaxonUrl: string }[];
        verification: { differences: unknown[] }[];
      };
      expect(doc.written).toBe(true);
      expect(doc.counts.imported + doc.counts.changed + doc.counts.skipped).toBe(doc.entries.length);
      expect(doc.senders.map((s) => s.klaxonUrl)).toEqual([
        'https://klaxon.example.com/api/v1/ingest/alertmanager',
        'https://klaxon.example.com/api/v1/ingest/grafana',
        'https://klaxon.example.com/v2/enqueue',
      ]);
      expect(doc.verification.map((v) => v.differences.length)).toEqual([0, 0]);
      text = '';
      expect(await importOnCall(flags, { now: () => ONCALL_FIXTURE_NOW, write: (t) => (text += t) })).toBe(0);
      expect(text).toContain(
        `Prod Alertmanager (alertmanager, CAM000000001): ${fake.url}/integrations/v1/alertmanager/Xk3mN8pQ2rT5vW9yZa1bC4dE/ → https://klaxon.example.com/api/v1/ingest/alertmanager with Authorization: Bearer $KLAXON_ONCALL_PROD_ALERTMANAGER_KEY`,
      );
      expect(text).toMatch(/- schedule SICAL0000003 Legacy iCal: its shifts live in an external calendar/);
      expect(text).toMatch(/primary \(SPRIMARY0001\): \d+ instants compared, 0 differ/);
    } finally {
      await fake.close();
    }
  });

  it('a wrong token is a CliError naming the fix, and nothing is written', async () => {
    const fake = await startFakeOnCall();
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'klaxon-oncall-cli-')), 'k.yaml');
      const err = await importOnCall(
        { token: 'nope', apiUrl: fake.url, out },
        { now: () => ONCALL_FIXTURE_NOW },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as Error).message).toMatch(/OnCall refused the token .*API keys.*\(nothing written\)/);
      expect(existsSync(out)).toBe(false);
    } finally {
      await fake.close();
    }
  });
});
