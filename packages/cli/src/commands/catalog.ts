/**
 * `klaxon build`, `klaxon check` and `klaxon test`: compile the alert catalog, prove it with the tier
 * policy, promtool and amtool, and run the generated threshold tests.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  amtoolCheckConfig,
  amtoolRouteTests,
  catalogLinks,
  chartProblems,
  checkDashboards,
  panelQueries,
  checkAlertmanagerPolicy,
  checkCardinality,
  checkInfoJoins,
  checkBuildOutputs,
  checkCatalog,
  compileAlertmanager,
  CONTRACT_METRICS,
  DECLARED_METRICS,
  ENVIRONMENT_NAMES,
  environmentNamed,
  environmentsOf,
  pagingTiers,
  loadCatalog,
  logqlErrors,
  lokiRules,
  promtoolCheckRules,
  promtoolTest,
  writeCatalog,
  type BuildResult,
  type Catalog,
  type Environment,
  type ToolRun,
} from '@klaxon/catalog';
import type { KlaxonConfig } from '@klaxon/engine';
import { CliError, printJson } from '../output.ts';

interface CatalogOpts {
  catalog?: string;
  out: string;
  target: 'klaxon' | 'pagerduty';
  klaxonUrl?: string;
  grafanaUrl?: string;
  tests?: string;
  engineConfig?: string;
  env?: string;
  json?: boolean;
  /** false with --no-cache. */
  cache?: boolean;
}

const DEFAULT_CATALOG = 'catalog/klaxon.catalog.ts';

function withCatalogOptions(cmd: Command): Command {
  return cmd
    .option(
      '--catalog <file>',
      `TypeScript file adding your alerts to the seed catalog (default: ${DEFAULT_CATALOG} if present)`,
    )
    .option('-o, --out <dir>', 'output folder', 'dist/catalog')
    .option('--target <target>', 'where Alertmanager sends alerts: klaxon or pagerduty', 'klaxon')
    .option('--klaxon-url <url>', 'the Klaxon engine URL Alertmanager posts to', 'http://klaxon:8080')
    .option('--grafana-url <url>', 'Grafana base URL for runbook links', 'http://localhost:3000')
    .option('--json', 'print the result as JSON');
}

async function build(
  o: CatalogOpts,
  log: (s: string) => void,
): Promise<{ catalog: Catalog; result: BuildResult; environment?: Environment }> {
  if (o.target !== 'klaxon' && o.target !== 'pagerduty')
    throw new CliError(`--target must be klaxon or pagerduty, not "${String(o.target)}"`);
  const file = o.catalog ?? (existsSync(DEFAULT_CATALOG) ? DEFAULT_CATALOG : undefined);
  log(`catalog: seed${file ? ` + ${file}` : ''}`);
  let catalog: Catalog;
  try {
    catalog = await loadCatalog(file);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  let environment: Environment | undefined;
  try {
    environment = o.env === undefined ? undefined : environmentNamed(o.env, environmentsOf(catalog));
  } catch (err) {
    throw new CliError(`--env: ${(err as Error).message}`);
  }
  const result = writeCatalog(catalog, resolve(o.out), {
    alertmanager: { target: o.target, klaxonUrl: o.klaxonUrl },
    grafanaUrl: o.grafanaUrl,
    environment,
  });
  log(
    `built ${result.alertingRules} alerting rules, ${result.tests} promtool test groups, ${result.dashboards} dashboards, alertmanager.yml (${o.target})${environment ? `, kube-prometheus-stack values for ${environment.name} (pages people for: ${pagingTiers(environment).join(', ') || 'nothing'})` : ''} into ${o.out}`,
  );
  return { catalog, result, environment };
}

const quiet = () => undefined;
const progress = (o: CatalogOpts) => (o.json ? quiet : (s: string) => process.stderr.write(`klaxon: ${s}\n`));

function table(rows: [string, string, string][]): string {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ')).join('\n');
}

export function registerCatalogCommands(program: Command): void {
  withCatalogOptions(
    program
      .command('build')
      .description(
        'Compile the alert catalog: Prometheus rules, PrometheusRule CRDs, alertmanager.yml, Grafana dashboards and provisioning, runbooks and promtool tests.',
      ),
  )
    .option(
      '--env <name>',
      `an environment the catalog declares (the seed's: ${ENVIRONMENT_NAMES.join(', ')}): its Prometheus retention, storage, replicas, intervals and external labels, Alertmanager replicas, and the alert relabelings that lower tiers which must not page there (dev: none pages) in helm/kube-prometheus-stack.values.yaml; and no engine ServiceMonitor (the engine's manifests bring it)`,
    )
    .action(async (o: CatalogOpts) => {
      const { result, environment } = await build(o, progress(o));
      if (o.json)
        printJson({
          out: result.outDir,
          alertingRules: result.alertingRules,
          recordingRules: result.recordingRules,
          testGroups: result.tests,
          dashboards: result.dashboards,
          files: [...result.ruleFiles, result.alertmanagerFile, ...result.testFiles],
          ...(environment === undefined
            ? {}
            : { environment: environment.name, pages: pagingTiers(environment) }),
        });
    });

  withCatalogOptions(
    program
      .command('check')
      .description(
        'Enforce the tier policy, parse every PromQL expression of rules and dashboards, check deep links, info-series joins (an `or` fallback) and label bounds (no unbounded label grouped or kept), parse the Alloy config, lint rules and configs for Prometheus 3 and Alertmanager 0.27+, and run promtool check rules and amtool check-config.',
      )
      .option(
        '--engine-config <file>',
        "also check the engine config's dashboard deep links (services[].dashboard) against the dashboards",
      ),
  ).action(async (o: CatalogOpts) => {
    const log = progress(o);
    const { catalog, result } = await build(o, log);
    const known = new Set([...CONTRACT_METRICS, ...DECLARED_METRICS]);
    const links = catalogLinks(catalog.alerts);
    if (o.engineConfig) {
      // Loaded only here: the engine's modules would double the start-up of every check.
      const { ConfigError, loadConfigFile } = await import('@klaxon/engine');
      let config: KlaxonConfig;
      try {
        config = loadConfigFile(o.engineConfig);
      } catch (err) {
        if (err instanceof ConfigError) throw err;
        throw new CliError(`${o.engineConfig}: ${(err as Error).message}`);
      }
      config.services.forEach((svc, i) => {
        if (svc.dashboard)
          links.push({
            from: `${o.engineConfig}: services[${i}].dashboard (${svc.id})`,
            uid: svc.dashboard.uid,
            variables: svc.dashboard.variables,
          });
      });
    }
    const problems = [
      ...checkCatalog(catalog, known),
      ...checkDashboards(
        catalog.dashboards ?? [],
        new Set([...known, ...catalog.recordingRules.map((r) => r.record)]),
        links,
      ),
      ...checkAlertmanagerPolicy(compileAlertmanager(catalog, { target: o.target, klaxonUrl: o.klaxonUrl })),
      // Ours beside kube-prometheus-stack's default rules: no alertname twice, every alert tiered.
      ...chartProblems(catalog),
      // Joins on info series fall back to the un-joined expression; no unbounded label is grouped or kept.
      ...checkInfoJoins(catalog),
      ...checkCardinality({
        catalog,
        lokiRules: lokiRules(catalog.runbookBaseUrl).groups.flatMap((g) => g.rules),
      }),
      // The written Alloy config against the Alloy grammar; the Prometheus 3 / Alertmanager 0.27+ lint.
      ...checkBuildOutputs(catalog, result.outDir),
    ];
    for (const rule of lokiRules(catalog.runbookBaseUrl).groups.flatMap((g) => g.rules)) {
      for (const e of logqlErrors(rule.expr))
        problems.push({
          subject: `Loki rule ${rule.alert}`,
          message: `invalid LogQL at offset ${e.offset} (near "${e.near}"); fix the expression`,
        });
    }
    log('running promtool check rules and amtool check-config');
    const tools: ToolRun[] = [
      promtoolCheckRules(result.ruleFiles),
      amtoolCheckConfig(result.alertmanagerFile),
    ];
    const failedTools = tools.filter((t) => !t.ok);
    if (o.json)
      printJson({
        ok: problems.length === 0 && failedTools.length === 0,
        problems,
        tools: tools.map((t) => ({ tool: t.tool, ok: t.ok, output: t.output })),
      });
    else {
      for (const p of problems) process.stderr.write(`klaxon check: ${p.subject}: ${p.message}\n`);
      for (const t of failedTools)
        process.stderr.write(
          `klaxon check: ${t.tool} ${t.args.slice(0, 2).join(' ')} failed:\n${t.output}\n`,
        );
      if (problems.length === 0 && failedTools.length === 0)
        process.stdout.write(
          `check: ${catalog.alerts.length} alerts, ${catalog.dashboards?.length ?? 0} dashboards (${panelQueries(catalog.dashboards ?? []).length} queries, ${links.length} deep links), tier policy OK, promtool OK, amtool OK, Alloy grammar OK, Prometheus 3 lint OK\n`,
        );
    }
    if (problems.length > 0 || failedTools.length > 0) process.exitCode = 1;
  });

  withCatalogOptions(
    program
      .command('test')
      .description(
        'Run the generated promtool tests (every threshold fires just past it and not just short of it), amtool route tests, and your own promtool tests.',
      ),
  )
    .option('--tests <dir>', 'a folder of your own promtool test files (*.test.yml) to run alongside')
    .option(
      '--no-cache',
      'run every promtool test file, also those that passed before unchanged (same test, rules and promtool; remembered in <out>/.cache/promtool)',
    )
    .action(async (o: CatalogOpts) => {
      const log = progress(o);
      const { result } = await build(o, log);
      const own = o.tests
        ? readdirSync(o.tests)
            .filter((f) => f.endsWith('.test.yml'))
            .map((f) => resolve(join(o.tests!, f)))
        : [];
      log(
        `running promtool on ${result.testFiles.length + own.length} test files and ${'amtool'} on the routes`,
      );
      const running = promtoolTest([...result.testFiles, ...own], {
        cacheDir: o.cache === false ? undefined : join(result.outDir, '.cache', 'promtool'),
      });
      // While the promtool processes run (they are spawned by now).
      const routes = amtoolRouteTests(result.alertmanagerFile, result.routeTestsFile);
      const promtool = await running;
      const cachedRuns = promtool.filter((r) => r.cached).length;
      const rows: [string, string, string][] = [
        ['suite', 'result', 'detail'],
        ...promtool.map((r): [string, string, string] => [
          `promtool ${r.args.slice(2).join(' ')}`.slice(0, 60),
          r.ok ? (r.cached ? 'PASS (cached)' : 'PASS') : 'FAIL',
          r.ok ? '' : r.output.split('\n').slice(0, 3).join(' '),
        ]),
        ...routes.map((r): [string, string, string] => [
          `amtool routes ${r.args.filter((a) => !a.startsWith('--') && a.includes('=')).join(' ')}`.slice(
            0,
            60,
          ),
          r.ok ? 'PASS' : 'FAIL',
          r.ok ? '' : r.output,
        ]),
      ];
      const failed = [...promtool, ...routes].filter((r) => !r.ok);
      if (o.json)
        printJson({
          ok: failed.length === 0,
          testGroups: result.tests,
          cachedFiles: cachedRuns,
          runs: [...promtool, ...routes].map((r) => ({
            tool: r.tool,
            args: r.args,
            ok: r.ok,
            ...(r.cached ? { cached: true } : {}),
            output: r.output,
          })),
        });
      else {
        process.stdout.write(`${table(rows)}\n`);
        process.stdout.write(
          `test: ${result.tests} generated promtool test groups, ${routes.length} route tests: ${failed.length === 0 ? 'all passed' : `${failed.length} failed`}${cachedRuns > 0 ? ` (${cachedRuns} of ${promtool.length} promtool files passed before unchanged: cached; --no-cache runs them)` : ''}\n`,
        );
        for (const f of failed) process.stderr.write(`klaxon test: ${f.tool} failed:\n${f.output}\n`);
      }
      if (failed.length > 0) process.exitCode = 1;
    });
}
