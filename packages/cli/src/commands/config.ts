/** `klaxon check-config` and `klaxon schema`: validate a config file, print its JSON Schema. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  ConfigError,
  configJsonSchema,
  loadConfigFile,
  scheduleGaps,
  toScheduleSpec,
  type KlaxonConfig,
} from '@klaxon/engine';
import { printJson } from '../output.ts';

const DAY = 86_400_000;

/** Gaps in the coming weeks, from the config's schedules and fixed overrides. */
export function scheduleWarnings(config: KlaxonConfig, from: number, days = 28): string[] {
  return config.schedules.flatMap((s) => {
    const overrides = s.overrides.map((o) => ({
      user: o.user,
      start: Date.parse(o.from),
      end: Date.parse(o.to),
    }));
    return scheduleGaps(toScheduleSpec(s), overrides, from, from + days * DAY).map(
      (g) =>
        `schedule ${s.id}: nobody is on call from ${new Date(g.start).toISOString()} to ${new Date(g.end).toISOString()} (${((g.end - g.start) / 3_600_000).toFixed(1)} h); add a layer or an override`,
    );
  });
}

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
          warnings: scheduleWarnings(config, new Date().getTime()),
        };
        if (opts.json) printJson(summary);
        else
          process.stdout.write(
            `${file}: valid (${summary.services} services, ${summary.teams} teams, ${summary.users} users, ${summary.integrationKeys} integration keys)\n`,
          );
        if (!opts.json) for (const w of summary.warnings) process.stdout.write(`warning: ${w}\n`);
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
