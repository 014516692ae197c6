/**
 * `klaxon check`'s checks over a written build: the seed's build passes the Alloy grammar and the
 * Prometheus 3 lint; the same build with a broken Alloy line, a short rate window in a rule file, a
 * removed Prometheus setting or an ambiguous Alertmanager matcher does not, each named by its file.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeCatalog } from '../compile/write.ts';
import { seedCatalog } from '../seed/index.ts';
import { checkBuildOutputs } from './readiness.ts';

const catalog = seedCatalog();

describe('the checks over a written build', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'klaxon-readiness-'));
    writeCatalog(catalog, out);
  });

  it('passes on the seed build', () => {
    expect(checkBuildOutputs(catalog, out)).toEqual([]);
  });

  it('reports a broken Alloy config with its file, line and column', () => {
    const file = join(out, 'alloy', 'config.alloy');
    const lines = readFileSync(file, 'utf8').split('\n').length;
    appendFileSync(file, 'loki.write "extra" {\n  url = "a\\qb"\n}\n');
    const [p, ...rest] = checkBuildOutputs(catalog, out);
    expect(rest).toEqual([]);
    expect(p!.subject).toBe(`alloy/config.alloy:${lines + 1}:11`);
    expect(p!.message).toContain('unknown escape sequence \\q');
  });

  it('lints every rule file and Prometheus config it finds, and the Alertmanager config as written', () => {
    const rules = join(out, 'prometheus', 'extra.rules.yml');
    writeFileSync(
      rules,
      stringify({ groups: [{ name: 'x', rules: [{ record: 'x:y', expr: 'rate(aws_z{job="yace"}[1m])' }] }] }),
    );
    mkdirSync(join(out, 'other'));
    writeFileSync(
      join(out, 'other', 'prometheus.yml'),
      stringify({ alerting: { alertmanagers: [{ api_version: 'v1' }] } }),
    );
    const amFile = join(out, 'alertmanager', 'alertmanager.yml');
    const am = parse(readFileSync(amFile, 'utf8')) as { route: { routes: { matchers?: string[] }[] } };
    am.route.routes[0]!.matchers = ['team=platform ops'];
    writeFileSync(amFile, stringify(am));
    const subjects = checkBuildOutputs(catalog, out).map((p) => p.subject);
    expect(subjects).toEqual([
      'prometheus/extra.rules.yml: recording rule x:y',
      'alertmanager/alertmanager.yml: route.routes[0].matchers[0]',
      'other/prometheus.yml: alerting.alertmanagers[0].api_version',
    ]);
  });
});
