/** The klaxon command line: one subcommand per job, each with --help. */
import { Command } from 'commander';
import { registerCatalogCommands } from './commands/catalog.ts';
import { registerConfigCommands } from './commands/config.ts';
import { registerDemo } from './commands/demo.ts';
import { registerExporters } from './commands/exporter.ts';
import { registerHashPassword } from './commands/hash-password.ts';
import { registerOpenApi } from './commands/openapi.ts';
import { registerProbe } from './commands/probe.ts';
import { registerServe } from './commands/serve.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerBackup } from './commands/backup.ts';
import { registerImport } from './commands/import.ts';
import { registerBacktest } from './commands/backtest.ts';
import { registerCardinality } from './commands/cardinality.ts';
import { reportFailure } from './output.ts';

const program = new Command('klaxon')
  .description('Klaxon: tiered production alerting and on-call.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerServe(program);
registerMigrate(program);
registerBackup(program);
registerConfigCommands(program);
registerOpenApi(program);
registerCatalogCommands(program);
registerDemo(program);
registerProbe(program);
registerExporters(program);
registerHashPassword(program);
registerImport(program);
registerBacktest(program);
registerCardinality(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportFailure(err);
}
