/** `klaxon check-config` and `klaxon schema`: validate a config file, print its JSON Schema. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, configJsonSchema, loadConfigFile } from '@klaxon/engine';
import { printJson } from '../output.ts';

export function registerConfigCommands(program: Command): void {
  program
    .command('check-config')
    .description('Validate a config file and report every problem with file, line, path and fix.')
    .argument('<file>', 'config file (YAML)')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      try {
        const config = loadConfigFile(file);
        const summary = {
          file,
          valid: true,
          services: config.services.length,
          teams: config.teams.length,
          users: config.users.length,
          integrationKeys: config.integrationKeys.length,
          problems: [],
        };
        if (opts.json) printJson(summary);
        else
          process.stdout.write(
            `${file}: valid (${summary.services} services, ${summary.teams} teams, ${summary.users} users, ${summary.integrationKeys} integration keys)\n`,
          );
      } catch (err) {
        if (opts.json && err instanceof ConfigError) {
          printJson({ file, valid: false, problems: err.problems });
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });

  program
    .command('schema')
    .description("Print the config file's JSON Schema (for editor completion).")
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action((opts: { out?: string }) => {
      const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
}
