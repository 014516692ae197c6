/** The klaxon command line: one subcommand per job, each with --help. */
import { Command } from 'commander';
import { registerCatalogCommands } from './commands/catalog.ts';
import { reportFailure } from './output.ts';

const program = new Command('klaxon')
  .description('Klaxon: tiered production alerting and on-call.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

// `klaxon build|check|test` load only the catalog: the other commands import the engine, which alone
// doubles a catalog command's start-up (and CI runs three of them).
if (['build', 'check', 'test'].includes(process.argv[2] ?? '')) registerCatalogCommands(program);
else {
  const [
    serve,
    migrate,
    backup,
    config,
    openapi,
    demo,
    probe,
    exporters,
    hash,
    imports,
    backtest,
    cardinality,
  ] = await Promise.all([
    import('./commands/serve.ts'),
    import('./commands/migrate.ts'),
    import('./commands/backup.ts'),
    import('./commands/config.ts'),
    import('./commands/openapi.ts'),
    import('./commands/demo.ts'),
    import('./commands/probe.ts'),
    import('./commands/exporter.ts'),
    import('./commands/hash-password.ts'),
    import('./commands/import.ts'),
    import('./commands/backtest.ts'),
    import('./commands/cardinality.ts'),
  ]);
  serve.registerServe(program);
  migrate.registerMigrate(program);
  backup.registerBackup(program);
  config.registerConfigCommands(program);
  openapi.registerOpenApi(program);
  registerCatalogCommands(program);
  demo.registerDemo(program);
  probe.registerProbe(program);
  exporters.registerExporters(program);
  hash.registerHashPassword(program);
  imports.registerImport(program);
  backtest.registerBacktest(program);
  cardinality.registerCardinality(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  await reportFailure(err);
}
