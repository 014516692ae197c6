/** `klaxon build --env` as a user runs it: the environment's values are written; an unknown one is refused. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');
const klaxon = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });

describe('klaxon build --env', () => {
  it('writes the environment’s kube-prometheus-stack values', () => {
    const out = mkdtempSync(join(tmpdir(), 'klaxon-build-env-'));
    const r = klaxon('build', '--env', 'staging', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ environment: 'staging', pages: ['T1', 'T2'] });
    const values = parse(readFileSync(join(out, 'helm/kube-prometheus-stack.values.yaml'), 'utf8')) as {
      prometheus: { prometheusSpec: Record<string, unknown> };
      alertmanager: { alertmanagerSpec: Record<string, unknown> };
    };
    expect(values.prometheus.prometheusSpec).toMatchObject({
      retention: '7d',
      externalLabels: { cluster: 'klaxon-staging', environment: 'staging' },
      scrapeInterval: '30s',
      // Staging calls nobody: its T1 arrives as a T2 (push).
      additionalAlertRelabelConfigs: expect.arrayContaining([
        { source_labels: ['tier'], regex: 'T1', target_label: 'tier', replacement: 'T2', action: 'replace' },
      ]),
    });
    expect(values.alertmanager.alertmanagerSpec.replicas).toBe(2);
  }, 90_000);

  it('refuses an unknown environment, naming the known ones, and writes nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'klaxon-build-env-')), 'out');
    const r = klaxon('build', '--env', 'qa', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('klaxon: --env: unknown environment "qa": use one of dev, staging, prod');
    expect(r.stderr).not.toContain('unexpected error');
    expect(() => readFileSync(join(out, 'helm/kube-prometheus-stack.values.yaml'))).toThrow();
    const help = klaxon('build', '--help');
    expect(help.stdout).toContain('--env <name>');
  }, 90_000);
});
