/**
 * Starts a whole engine: database, migrations, HTTP API and the module loop. `klaxon serve` calls this;
 * so do tests that need a real socket. Given the config file, it also reloads it (reload(), SIGHUP in
 * `klaxon serve`, POST /-/reload, a watched file) as a new config generation (runtime.ts).
 */
import type { FastifyServerOptions } from 'fastify';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import { createDatabase, type DatabaseOptions, type KlaxonDatabase } from '../db/database.ts';
import { EngineLoop, type EngineModule } from '../engine/loop.ts';
import type { ProviderRegistry } from '../delivery/registry.ts';
import type { KlaxonApp } from './build.ts';
import { Gateway } from './gateway.ts';
import { Reloader, reloadRoute, watchConfigFile, type ReloadResult, type ReloadTrigger } from './reload.ts';
import { Runtime } from './runtime.ts';
import { demoSecretsInUse, isLoopbackHost } from '../config/demo-secrets.ts';
import { ApiError } from '../errors/errors.ts';
import { metricsHttps } from './metrics-access.ts';
import { runShutdown, sleep, type ShutdownReport } from './shutdown.ts';

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
  /** The file `config` was read from: reload() reads it again, and POST /-/reload is served. */
  configFile?: string;
  /** Reload when `configFile` changes (`klaxon serve --watch-config`). */
  watchConfig?: boolean;
  /** The environment `${VAR}` references in `configFile` expand from at a reload (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface RunningServer extends KlaxonApp {
  store: KlaxonDatabase;
  engine: EngineLoop;
  url: string;
  /** The running config generation: 1 at start, one more at each applied reload. */
  readonly generation: number;
  /** The running config (after reloads, with the keys that need a restart at their running values). */
  readonly config: KlaxonConfig;
  /**
   * Reads `configFile` again and swaps in the new config without dropping a request; an invalid file
   * keeps the running one (app/reload.ts). Fails when the engine was started without `configFile`.
   */
  reload(trigger?: ReloadTrigger): Promise<ReloadResult>;
  /** Stops everything and waits for it, however long it takes (tests; `shutdown` is for signals). */
  close(): Promise<void>;
  /**
   * Graceful shutdown (SIGTERM): /readyz turns 503 at once, then after `server.shutdownDelaySeconds` the
   * socket stops accepting, in-flight requests and their ingest commits finish, the engine finishes its
   * cycle, in-flight provider calls finish and the database pool closes (advisory locks end with their
   * transactions), all within `server.shutdownTimeoutSeconds`. The report says what did not finish.
   */
  shutdown(): Promise<ShutdownReport>;
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
  if (opts.config.server.metrics.port === opts.port)
    throw new Error(
      `server.metrics.port is ${opts.port}, the main port too: choose another port for /metrics, or remove it to serve /metrics on the main port`,
    );
  // Read before anything opens: a bad server.metrics.webConfigFile stops the start.
  const metricsTls = metricsHttps(opts.config.server.metrics);
  const clock = opts.clock ?? systemClock;
  const store = createDatabase(opts.database);
  // Refuses a database a newer engine migrated (DatabaseNewerError), and then lets go of it.
  await store.migrate().catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const limits = (server: KlaxonConfig['server']) => ({
    requestTimeoutMs: Math.round(server.requestTimeoutSeconds * 1000),
    headersTimeoutMs: Math.round(server.headersTimeoutSeconds * 1000),
    keepAliveTimeoutMs: Math.round(server.keepAliveTimeoutSeconds * 1000),
    idleTimeoutMs: Math.round(server.idleTimeoutSeconds * 1000),
    maxConnections: server.maxConnections,
  });
  // The sockets outlive config generations: each request goes to the generation current when it arrives.
  const gateway = new Gateway(limits(opts.config.server));
  const metricsGateway =
    opts.config.server.metrics.port === undefined
      ? null
      : new Gateway(limits(opts.config.server), metricsTls);
  let reloader: Reloader | null = null;
  // From the first moment of a shutdown, /readyz says 503 so a load balancer stops sending here.
  let ready = true;
  const runtime = await Runtime.start(opts.config, {
    store,
    clock,
    logger: opts.logger,
    uiRoot: opts.uiRoot,
    gateway,
    metricsGateway,
    registry: opts.registry,
    extraModules: opts.modules,
    poke: () => engine.poke(),
    // Served once listening, by which time the reloader exists.
    routes: opts.configFile ? reloadRoute({ reload: (t) => reloader!.reload(t) }) : undefined,
    decorate: (app) =>
      app.addHook('onRequest', async (req, reply) => {
        if (!ready && req.url.split('?')[0] === '/readyz')
          return reply.code(503).send(new ApiError('unavailable', 'This engine is shutting down.').toBody());
      }),
  });
  const { shared } = runtime;
  const log = shared.logger;
  const engine: EngineLoop = new EngineLoop({
    store,
    clock,
    modules: runtime.engineModules(),
    intervalMs: opts.config.engine.tickIntervalMs,
    onError: (module, err) => log?.error({ err, module }, 'engine module failed'),
  });
  runtime.engine = engine;
  // Step 0 of the escalations an ingest transaction starts fires in that transaction, and its pages
  // (and the new incidents' announcements) go to delivery as soon as it commits: no second transaction.
  shared.queue.onApply((trx, results, now) =>
    runtime.current.modules.firstPages(trx, results, now, (at) => engine.wakeBy(at)),
  );
  if (opts.configFile)
    reloader = new Reloader({
      file: opts.configFile,
      env: opts.env,
      running: () => runtime.current,
      apply: async (config) => (await runtime.replace(config)).id,
      // A reload must not open what the start refused: demo secrets beyond loopback.
      refuse: (config) =>
        isLoopbackHost(host)
          ? []
          : demoSecretsInUse(config).map((p) => `a public demo secret while listening on ${host}: ${p}`),
      metrics: shared.metrics,
      clock,
      logger: log,
    });
  let address: string;
  try {
    // server.metrics.port: /metrics has a listener of its own.
    if (metricsGateway) await metricsGateway.listen(opts.config.server.metrics.port!, host);
    address = await gateway.listen(opts.port, host);
  } catch (err) {
    // The port is taken (say): let go of what was built, then report it.
    await Promise.all([gateway.close(), metricsGateway?.close()]).catch(() => {});
    await store.close();
    throw err;
  }
  log?.info(`Server listening at ${address}`);
  engine.start();
  const watcher =
    opts.watchConfig && reloader
      ? watchConfigFile(reloader.file, () => void reloader.reload('watch'), {
          onError: (err) => log?.warn({ err }, 'watching the config file failed'),
        })
      : null;
  let stopping: Promise<ShutdownReport> | null = null;
  const stop = (delayMs: number, timeoutMs: number) =>
    (stopping ??= (() => {
      ready = false;
      watcher?.close();
      const connections = () =>
        new Promise<string>((resolve) =>
          gateway.server.getConnections((_e, n) => resolve(`${n} connection(s) still open`)),
        );
      return runShutdown(
        [
          [{ name: 'readiness delay', run: () => sleep(delayMs) }],
          [
            // Stops accepting, answers 503 to new requests on open connections, waits for the ones in
            // flight, then drains the ingest queue (its onClose hook): every 2xx is a commit.
            {
              name: 'http',
              run: async () => {
                await Promise.all([gateway.close(), metricsGateway?.close()]);
                await shared.queue.drain();
              },
              pending: connections,
            },
            { name: 'engine', run: () => engine.stop(), pending: () => 'the current cycle' },
          ],
          [
            {
              name: 'delivery',
              run: async () => {
                await runtime.current.modules.delivery?.drain();
                await runtime.retired();
              },
              pending: () => 'provider calls',
            },
            {
              name: 'annotations',
              run: async () => runtime.current.modules.annotations?.drain(),
              pending: () => 'pushes',
            },
          ],
          [{ name: 'database', run: () => store.close(), pending: () => 'closing the pool' }],
        ],
        { timeoutMs },
      );
    })());
  const current = () => runtime.current.built;
  return {
    get app() {
      return current().app;
    },
    get metricsApp() {
      return current().metricsApp;
    },
    queue: shared.queue,
    metrics: shared.metrics,
    shared,
    store,
    engine,
    url: address,
    get generation() {
      return runtime.current.id;
    },
    get config() {
      return runtime.current.config;
    },
    reload: (trigger = 'api') =>
      reloader
        ? reloader.reload(trigger)
        : Promise.reject(new Error('this engine was started without a config file: nothing to reload')),
    close: async () => {
      const report = await stop(0, Infinity);
      if (report.failed.length > 0) throw new Error(`shutdown failed: ${report.failed.join('; ')}`);
    },
    shutdown: () => {
      const server = runtime.current.config.server;
      return stop(server.shutdownDelaySeconds * 1000, server.shutdownTimeoutSeconds * 1000);
    },
  };
}
