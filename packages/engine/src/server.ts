/**
 * Starts a whole engine: database, migrations, HTTP API and the module loop. `klaxon serve` calls this;
 * so do tests that need a real socket.
 */
import type { FastifyServerOptions } from 'fastify';
import { systemClock, type Clock } from './clock/clock.ts';
import type { KlaxonConfig } from './config/schema.ts';
import { createDatabase, type DatabaseOptions, type KlaxonDatabase } from './db/database.ts';
import { EngineLoop, type EngineModule } from './engine/loop.ts';
import { buildApp, type KlaxonApp } from './http/app.ts';

export interface ServerOptions {
  config: KlaxonConfig;
  database: DatabaseOptions;
  port: number;
  host?: string;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  modules?: readonly EngineModule[];
}

export interface RunningServer extends KlaxonApp {
  store: KlaxonDatabase;
  engine: EngineLoop;
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const store = createDatabase(opts.database);
  await store.migrate();
  const built = await buildApp({ config: opts.config, store, clock, logger: opts.logger });
  const engine = new EngineLoop({
    store,
    clock,
    modules: opts.modules ?? [],
    intervalMs: opts.config.engine.tickIntervalMs,
    onError: (module, err) => built.app.log.error({ err, module }, 'engine module failed'),
  });
  const address = await built.app.listen({ port: opts.port, host: opts.host ?? '0.0.0.0' });
  engine.start();
  let closing: Promise<void> | null = null;
  return {
    ...built,
    store,
    engine,
    url: address,
    close: () =>
      (closing ??= (async () => {
        await engine.stop();
        await built.app.close();
        await store.close();
      })()),
  };
}
