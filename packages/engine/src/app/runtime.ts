/**
 * Config generations. Everything built from the config (credentials, the on-call directory, delivery
 * providers, the route tree, the engine modules) belongs to one generation; what must survive a reload
 * (database, clock, metrics, ingest queue, live feed, sockets, engine loop) is shared (shared.ts). A
 * reload builds the next generation beside the running one and swaps it in one step: new requests go to
 * it (gateway.ts), the next engine cycle runs its modules, the ingest queue's next batch uses its config.
 * The old generation finishes its requests and its provider calls, then closes.
 */
import type { FastifyInstance } from 'fastify';
import type { Credentials } from '../auth/credentials.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { ProviderRegistry } from '../delivery/registry.ts';
import { deviceDirectory } from '../devices/store.ts';
import type { EngineLoop, EngineModule } from '../engine/loop.ts';
import { OnCallDirectory } from '../oncall/directory.ts';
import { buildApp, type AppDeps, type KlaxonApp } from './build.ts';
import type { Gateway, GatewaySlot } from './gateway.ts';
import { standardModules, type StandardModules } from './modules.ts';
import { createShared, setRunningConfig, type SharedParts } from './shared.ts';

/** How long a replaced generation's requests may take before it is closed under them. */
const RETIRE_GRACE_MS = 60_000;

export interface Generation {
  /** 1 at start, one more at each applied reload. */
  readonly id: number;
  readonly config: KlaxonConfig;
  readonly built: KlaxonApp;
  readonly modules: StandardModules;
  readonly slot: GatewaySlot;
  readonly metricsSlot: GatewaySlot | null;
}

export interface RuntimeOptions extends Pick<AppDeps, 'logger' | 'uiRoot' | 'snsVerifier'> {
  store: KlaxonDatabase;
  clock: Clock;
  gateway: Gateway;
  /** The socket of `server.metrics.port`, when it is set. */
  metricsGateway: Gateway | null;
  /** Providers for every generation (tests); default: built from each generation's config. */
  registry?: ProviderRegistry | undefined;
  /** Modules run after the standard ones, in every generation. */
  extraModules?: readonly EngineModule[] | undefined;
  /** The composition root's own routes (POST /-/reload), added to every generation. */
  routes?: (app: FastifyInstance, credentials: Credentials) => void;
  /** Hooks added to every generation's main instance before it is ready (readiness during shutdown). */
  decorate?: (app: FastifyInstance) => void;
  /** Asks the engine loop for a cycle now. */
  poke: () => void;
}

export class Runtime {
  readonly #o: RuntimeOptions;
  readonly shared: SharedParts;
  #current!: Generation;
  #engine: EngineLoop | null = null;
  readonly #retiring = new Set<Promise<void>>();

  private constructor(o: RuntimeOptions, shared: SharedParts) {
    this.#o = o;
    this.shared = shared;
  }

  /** Builds the first generation and sends requests to it. */
  static async start(config: KlaxonConfig, o: RuntimeOptions): Promise<Runtime> {
    const rt = new Runtime(o, createShared({ ...o, config }));
    rt.#current = await rt.#build(config, 1);
    rt.#activate(rt.#current);
    return rt;
  }

  get current(): Generation {
    return this.#current;
  }

  /** The engine loop whose modules each swap replaces. */
  set engine(engine: EngineLoop) {
    this.#engine = engine;
  }

  /** The modules the engine runs for `gen`. */
  engineModules(gen: Generation = this.#current): EngineModule[] {
    return [...gen.modules.modules, ...(this.#o.extraModules ?? [])];
  }

  /**
   * Builds the next generation from `config` and swaps it in. Throws, leaving the running generation
   * untouched, when it cannot be built (an unreadable server.metrics.tokenFile, say).
   */
  async replace(config: KlaxonConfig): Promise<Generation> {
    const old = this.#current;
    const next = await this.#build(config, old.id + 1);
    // One synchronous step: no request, engine cycle or ingest batch sees half of it.
    this.#current = next;
    this.#activate(next);
    const retiring = this.#retire(old).finally(() => this.#retiring.delete(retiring));
    this.#retiring.add(retiring);
    return next;
  }

  /** Resolves when every replaced generation has finished its requests and provider calls. */
  async retired(): Promise<void> {
    while (this.#retiring.size > 0) await Promise.all(this.#retiring);
  }

  #activate(gen: Generation): void {
    this.#o.gateway.activate(gen.slot);
    if (gen.metricsSlot) this.#o.metricsGateway?.activate(gen.metricsSlot);
    setRunningConfig(this.shared, gen.config);
    this.#engine?.setModules(this.engineModules(gen), gen.config.engine.tickIntervalMs);
  }

  async #retire(old: Generation): Promise<void> {
    const log = this.shared.logger;
    try {
      await Promise.all([
        this.#o.gateway.retire(old.slot, RETIRE_GRACE_MS),
        old.metricsSlot && this.#o.metricsGateway?.retire(old.metricsSlot, RETIRE_GRACE_MS),
        old.modules.delivery?.drain(),
        old.modules.annotations?.drain(),
      ]);
      log?.debug({ generation: old.id }, 'config generation retired');
    } catch (err) {
      log?.warn({ err, generation: old.id }, 'closing a replaced config generation failed');
    }
  }

  async #build(config: KlaxonConfig, id: number): Promise<Generation> {
    const o = this.#o;
    const { gateway, metricsGateway } = o;
    const directory = new OnCallDirectory(config);
    const registry =
      o.registry ?? ProviderRegistry.fromConfig(config, o.clock, deviceDirectory(o.store.db, o.clock));
    const marked = gateway.mark();
    const metricsMarked = metricsGateway?.mark();
    let built: KlaxonApp | undefined;
    try {
      built = await buildApp({
        config,
        store: o.store,
        clock: o.clock,
        logger: o.logger,
        uiRoot: o.uiRoot,
        snsVerifier: o.snsVerifier,
        directory,
        registry,
        poke: o.poke,
        shared: this.shared,
        server: gateway.server,
        metricsServer: metricsGateway?.server,
        routes: o.routes,
      });
      o.decorate?.(built.app);
      const slot = await gateway.adopt(built.app, marked);
      const metricsSlot =
        built.metricsApp && metricsGateway && metricsMarked
          ? await metricsGateway.adopt(built.metricsApp, metricsMarked)
          : null;
      const modules = standardModules(config, o.store, {
        clock: o.clock,
        directory,
        registry,
        metrics: this.shared.metrics,
        poke: o.poke,
        onFirstPagesError: (err) =>
          this.shared.logger?.warn(
            { err },
            'firing step 0 in the ingest transaction failed: the engine cycle will',
          ),
        onAnnotationError: (ref, error) =>
          this.shared.logger?.warn({ annotation: ref, error }, 'Grafana annotation push failed'),
        logger: this.shared.logger,
      });
      return { id, config, built, modules, slot, metricsSlot };
    } catch (err) {
      gateway.release(marked);
      if (metricsMarked) metricsGateway?.release(metricsMarked);
      await built?.app.close().catch(() => {});
      throw err;
    }
  }
}
