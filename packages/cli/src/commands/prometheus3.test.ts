/**
 * `klaxon check` runs the Prometheus 3 readiness lint on what it built: a user catalog whose rule and
 * route the Debian Prometheus 2.42 and Alertmanager 0.25 accept (promtool and amtool pass) still fails
 * the check, with the file, the rule or route, what changes and the fix.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingBinary } from '@klaxon/testing';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');
const skip =
  missingBinary(['promtool'], 'prometheus') || missingBinary(['amtool'], 'prometheus-alertmanager');

describe.skipIf(skip)('klaxon check and Prometheus 3', () => {
  it('fails a rule and a route that only 2.x and classic matchers read as meant, though promtool and amtool pass', () => {
    // A user's catalog file lives in their repository, where @klaxon/catalog resolves.
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.tmp', 'prometheus3-'));
    const file = join(dir, 'catalog.ts');
    writeFileSync(
      file,
      `import type { Catalog } from '@klaxon/catalog';
export default (seed: Catalog): Catalog => ({
  ...seed,
  recordingRules: [
    ...seed.recordingRules,
    { group: 'kafka', record: 'kafka:topic_messages_in:smoothed', expr: 'holt_winters(kafka:topic_messages_in:rate5m[30m], 0.5, 0.5)' },
  ],
  routing: {
    receivers: [{ name: 'platform-chat', webhook_configs: [{ url: 'http://chat.example/hook' }] }],
    routes: [{ receiver: 'platform-chat', matchers: ['team=platform ops', 'tier="T2"'] }],
  },
});
`,
    );
    const r = spawnSync(
      process.execPath,
      [CLI, 'check', '--catalog', file, '--out', join(dir, 'out'), '--json'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as {
      problems: { subject: string; message: string }[];
      tools: { tool: string; ok: boolean }[];
    };
    expect(result.tools.every((t) => t.ok)).toBe(true);
    const lint = result.problems.filter((p) => p.message.startsWith('Prometheus 3 readiness'));
    expect(lint.map((p) => p.subject)).toEqual([
      'prometheus/kafka.rules.yml: recording rule kafka:topic_messages_in:smoothed',
      expect.stringMatching(/^alertmanager\/alertmanager\.yml: route\.routes\[\d+\]\.matchers\[0\]$/),
    ]);
    expect(lint[0]!.message).toContain('fix: rename it double_exponential_smoothing');
    expect(lint[1]!.message).toContain(`fix: double-quote the value: 'team="platform ops"'`);
  }, 60_000);
});
