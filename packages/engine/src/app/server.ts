/**
 * Starts a whole engine: database, migrations, HTTP API and the module loop. `klaxon serve` calls this;
 * so do tests that need a real socket.
 */
import type { FastifyServerOptions } from 'fastify';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import { createDatabase, type DatabaseOptions, type KlaxonDatabase } from '../db/database.ts';
import { EngineLoop, type EngineModule } from '../engine/loop.ts';
import { standardModules } from './modules.ts';
import { ProviderRegistry } from '../delivery/registry.ts';
import { buildApp, type KlaxonApp } from './build.ts';

export interface ServerOptions {
  config: KlaxonConfig;
  database: DatabaseOptions;
  port: number;
  host?: string;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  modules?: readonly EngineModule[];
  /** Delivery providers; default: built from the config. */
  registry?: ProviderRegistry;
  /** The built web UI to serve at `/` (`webRoot` from @klaxon/web). */
  uiRoot?: string;
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
  const registry = opts.registry ?? ProviderRegistry.fromConfig(opts.config, clock);
  const built = await buildApp({
    config: opts.config,
    store,
    clock,
    logger: opts.logger,
    registry,
    poke: () => engine.poke(),
    uiRoot: opts.uiRoot,
  });
  const standard = standardModules(opts.config, store, {
    clock,
    registry,
    metrics: built.metrics,
    poke: () => engine.poke(),
    onAnnotationError: (ref, error) =>
      built.app.log.warn({ annotation: ref, error }, 'Grafana annotation push failed'),
  });
  const engine: EngineLoop = new EngineLoop({
    store,
    clock,
    modules: [...standard.modules, ...(opts.modules ?? [])],
    intervalMs: opts.config.engine.tickIntervalMs,
    onError: (module, err) => built.app.log.error({ err, module }, 'engine module failed'),
  });
  // A new or re-opened incident should page now, not at the next tick.
  built.queue.onCommit((_items, results) => {
    if (results.some((r) => r.notifies)) engine.poke();
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
        await standard.delivery?.drain();
        await standard.annotations?.drain();
        await built.app.close();
        await store.close();
      })()),
  };
}
