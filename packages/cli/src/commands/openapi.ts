/** `klaxon openapi`: prints the engine's OpenAPI document without starting a server. */
import type { Command } from 'commander';
import { buildApp, createDatabase, parseConfig, systemClock } from '@klaxon/engine';

/** The OpenAPI document of an engine built from a minimal config. */
export async function openApiDocument(): Promise<unknown> {
  const config = parseConfig(
    'services: [{ id: example, name: Example, team: ops }]\nteams: [{ id: ops, name: Ops }]\n',
  );
  const store = createDatabase({ dialect: 'sqlite', path: ':memory:' });
  const { app } = await buildApp({ config, store, clock: systemClock, processMetrics: false });
  await app.ready();
  const doc = app.swagger();
  await app.close();
  await store.close();
  return doc;
}

export function registerOpenApi(program: Command): void {
  program
    .command('openapi')
    .description("Print the engine API's OpenAPI 3 document (JSON).")
    .action(async () => {
      process.stdout.write(`${JSON.stringify(await openApiDocument(), null, 2)}\n`);
    });
}
