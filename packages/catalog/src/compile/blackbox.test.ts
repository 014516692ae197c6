/**
 * The generated blackbox_exporter config loads in the real exporter (Debian's
 * prometheus-blackbox-exporter, `--config.check`), and the check is real: a module with a field the
 * exporter does not know is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findBinary, missingBinary } from '@klaxon/testing';
import { blackboxConfig } from './deploy.ts';

const NAMES = ['prometheus-blackbox-exporter', 'blackbox_exporter'];
const skip = missingBinary(NAMES, 'prometheus-blackbox-exporter');

function configCheck(config: unknown): { status: number | null; output: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'klaxon-blackbox-')), 'blackbox.yml');
  writeFileSync(file, stringify(config));
  const r = spawnSync(findBinary(NAMES)!, [`--config.file=${file}`, '--config.check'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe.skipIf(skip)('the blackbox exporter config, with the real exporter', () => {
  it('loads with --config.check', () => {
    const r = configCheck(blackboxConfig());
    expect(r.output).toContain('Config file is ok');
    expect(r.status, r.output).toBe(0);
  });

  it('refuses the same config with an unknown field in a module', () => {
    const config = blackboxConfig() as { modules: Record<string, { http: Record<string, unknown> }> };
    const broken = structuredClone(config);
    broken.modules.http_2xx!.http.follow_redirect = true; // the real field is follow_redirects
    const r = configCheck(broken);
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toContain('field follow_redirect not found');
  });
});
