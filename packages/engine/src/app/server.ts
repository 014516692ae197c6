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
import { demoSecretsInUse, isLoopbackHost } from '../config/demo-secrets.ts';

export interface ServerOptions {
  config: KlaxonConfig;
  database: DatabaseOptions;
  port: number;
  /** Where to listen; default `server.host` from the config, else 127.0.0.1 (this machine only). */
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

/** Thrown when the engine would listen beyond loopback with the example's public demo secrets. */
export class UnsafeListenError extends Error {
  constructor(
    readonly host: string,
    readonly problems: readonly string[],
  ) {
    super(
      `refusing to listen on ${host}: the config still uses public demo secrets of examples/klaxon.yaml, which anyone can read and use from another machine:\n${problems.map((p) => `  - ${p}`).join('\n')}\nReplace them, or listen on this machine only (--host 127.0.0.1, the default).`,
    );
    this.name = 'UnsafeListenError';
  }
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? opts.config.server.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    const problems = demoSecretsInUse(opts.config);
    if (problems.length > 0) throw new UnsafeListenError(host, problems);
  }
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
  const address = await built.app.listen({ port: opts.port, host });
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
