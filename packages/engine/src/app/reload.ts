/**
 * Live config reload (SIGHUP, `POST /-/reload`, a watched file): reads the file again and, when it is
 * valid, swaps in a new config generation (runtime.ts) with no request dropped. An invalid file keeps
 * the running config, logs each problem with its file:line:column at error level and sets
 * `klaxon_config_last_reload_successful` to 0. What the running process cannot change (RESTART_KEYS)
 * keeps its running value, with a warning that it needs a restart, while the rest applies. One reload
 * runs at a time; the others wait their turn.
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import type { Clock } from '../clock/clock.ts';
import { ConfigError, formatProblem, loadConfigFile, type ConfigProblem } from '../config/load.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import { ApiError } from '../errors/errors.ts';
import type { EngineMetrics } from '../metrics/metrics.ts';

/**
 * Config keys a reload cannot change: where the engine listens and the limits of that socket, and the
 * database (given by --db or DATABASE_URL today; listed so a `database` key never changes silently).
 */
export const RESTART_KEYS = [
  'server.host',
  'server.metrics.port',
  'server.metrics.webConfigFile',
  'server.requestTimeoutSeconds',
  'server.headersTimeoutSeconds',
  'server.keepAliveTimeoutSeconds',
  'server.idleTimeoutSeconds',
  'server.maxConnections',
  'database',
] as const;

export type ReloadTrigger = 'signal' | 'api' | 'watch';

export interface ReloadResult {
  status: 'applied' | 'failed';
  /** The generation running afterwards (unchanged when the reload failed). */
  generation: number;
  /** RESTART_KEYS whose value changed: they keep their running value until a restart. */
  restartRequired: string[];
  problems: ConfigProblem[];
}

const valueAt = (o: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      o,
    );

/** `next` with each RESTART_KEY that differs from `running` set back to its running value. */
export function keepRestartKeys(
  next: KlaxonConfig,
  running: KlaxonConfig,
): { config: KlaxonConfig; changed: { key: string; from: unknown; to: unknown }[] } {
  const config = structuredClone(next);
  const changed = [];
  for (const key of RESTART_KEYS) {
    const [from, to] = [valueAt(running, key), valueAt(next, key)];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changed.push({ key, from, to });
    const parts = key.split('.');
    const last = parts.pop()!;
    const parent = parts.length > 0 ? valueAt(config, parts.join('.')) : config;
    if (!parent || typeof parent !== 'object') continue;
    const target = parent as Record<string, unknown>;
    if (from === undefined) delete target[last];
    else target[last] = from;
  }
  return { config, changed };
}

export interface ReloaderOptions {
  file: string;
  env?: NodeJS.ProcessEnv;
  /** The running generation's number and config. */
  running: () => { id: number; config: KlaxonConfig };
  /** Builds and swaps in a generation for `config`; resolves to its number, throws when it cannot. */
  apply: (config: KlaxonConfig) => Promise<number>;
  /** Reasons to refuse a config that is valid on its own (demo secrets beyond loopback). */
  refuse?: (config: KlaxonConfig) => string[];
  metrics: EngineMetrics;
  clock: Clock;
  logger: FastifyBaseLogger | undefined;
}

export class Reloader {
  readonly #o: ReloaderOptions;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(o: ReloaderOptions) {
    this.#o = o;
  }

  get file(): string {
    return this.#o.file;
  }

  /** Reloads the file; waits for a reload in progress first. Never throws: the result says. */
  reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    const run = this.#turn.then(() => this.#reload(trigger));
    this.#turn = run.catch(() => {});
    return run;
  }

  async #reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    const { file, logger: log } = this.#o;
    let next: KlaxonConfig;
    try {
      next = loadConfigFile(file, this.#o.env);
    } catch (err) {
      if (err instanceof ConfigError) return this.#fail(trigger, err.problems);
      return this.#fail(trigger, [{ file, path: '', message: (err as Error).message }]);
    }
    const refusals = this.#o.refuse?.(next) ?? [];
    if (refusals.length > 0)
      return this.#fail(
        trigger,
        refusals.map((message) => ({ file, path: '', message })),
      );
    const { config, changed } = keepRestartKeys(next, this.#o.running().config);
    for (const c of changed)
      log?.warn(
        { key: c.key, running: c.from, file: c.to },
        `config reload: ${c.key} changed (${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}) and needs a restart; it keeps ${JSON.stringify(c.from)} until then, the rest applies`,
      );
    let generation: number;
    try {
      generation = await this.#o.apply(config);
    } catch (err) {
      log?.error({ err }, 'config reload: the new config could not be applied');
      return this.#fail(trigger, [
        { file, path: '', message: `the new config could not be applied: ${(err as Error).message}` },
      ]);
    }
    const m = this.#o.metrics;
    m.configReloadSuccessful.set(1);
    m.configReloadTimestamp.set(this.#o.clock.now().getTime() / 1000);
    m.configReloads.inc({ result: 'success' });
    log?.info({ trigger, generation, file }, `config reloaded from ${file} (generation ${generation})`);
    return { status: 'applied', generation, restartRequired: changed.map((c) => c.key), problems: [] };
  }

  #fail(trigger: ReloadTrigger, problems: ConfigProblem[]): ReloadResult {
    const { metrics: m, logger: log } = this.#o;
    const running = this.#o.running().id;
    m.configReloadSuccessful.set(0);
    m.configReloads.inc({ result: 'failure' });
    for (const p of problems)
      log?.error({ trigger, problem: p }, `config reload refused: ${formatProblem(p)}`);
    log?.error(
      { trigger, generation: running },
      `config reload failed (${problems.length} problem(s) in ${this.#o.file}); still running generation ${running}`,
    );
    return { status: 'failed', generation: running, restartRequired: [], problems };
  }
}

/** `POST /-/reload` (admin): reloads the config file and answers what happened. */
export function reloadRoute(reloader: Pick<Reloader, 'reload'>) {
  return (app: FastifyInstance, credentials: Credentials): void => {
    app.post(
      '/-/reload',
      { schema: { hide: true }, preValidation: requireRole(credentials, 'admin') },
      async () => {
        const r = await reloader.reload('api');
        if (r.status === 'failed')
          throw new ApiError(
            'config_invalid',
            `The config file was not reloaded (${r.problems.length} problem(s)); generation ${r.generation} still runs. ${r.problems.map(formatProblem).join('; ')}`,
            r.problems.map((p) => ({ path: p.path, message: formatProblem(p) })),
          );
        return { status: r.status, generation: r.generation, restartRequired: r.restartRequired };
      },
    );
  };
}

/**
 * Calls `onChange` when the file's content changes. It watches the file's folder, not the file, so an
 * editor's rename-into-place and a Kubernetes ConfigMap update (a `..data` symlink swap) are both seen;
 * events within `debounceMs` fold into one look.
 */
export function watchConfigFile(
  file: string,
  onChange: () => void,
  o: { debounceMs?: number; onError?: (err: unknown) => void } = {},
): { close(): void } {
  const digest = () => {
    try {
      return createHash('sha256').update(readFileSync(file)).digest('hex');
    } catch {
      return null; // Mid-swap or removed: look again at the next event.
    }
  };
  let seen = digest();
  let timer: NodeJS.Timeout | null = null;
  const look = () => {
    timer = null;
    const now = digest();
    if (now === null || now === seen) return;
    seen = now;
    onChange();
  };
  const name = basename(file);
  const watcher: FSWatcher = watch(dirname(file), (_event, changed) => {
    if (changed && changed !== name && !changed.startsWith('..')) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(look, o.debounceMs ?? 250);
  });
  watcher.on('error', (err) => o.onError?.(err));
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
