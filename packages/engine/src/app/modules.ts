/** The engine's standard modules, in the order each cycle runs them. */
import { annotationModule, type AnnotationModule } from '../annotations/module.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { deviceDirectory } from '../devices/store.ts';
import { handoffModule } from '../oncall/handoffs.ts';
import { requestsModule } from '../schedules/requests-module.ts';
import { shiftNotifier } from '../shifts/notifier.ts';
import { heartbeatModule } from '../heartbeat/module.ts';
import { escalationModule } from '../escalation/module.ts';
import type { EngineMetrics } from '../metrics/metrics.ts';
import { deliveryModule, type DeliveryModule } from '../delivery/module.ts';
import { ProviderRegistry } from '../delivery/registry.ts';
import { OnCallDirectory } from '../oncall/directory.ts';
import { retriggerIncidents } from '../incidents/store.ts';
import type { EngineModule } from '../engine/loop.ts';

export interface ModuleOptions {
  clock: Clock;
  directory?: OnCallDirectory;
  registry?: ProviderRegistry;
  metrics?: EngineMetrics;
  /** Asks the loop for another cycle now. */
  poke?: () => void;
  /** Leave out delivery (tests that only look at what is queued). */
  delivery?: boolean;
  /** Random source for the annotations' retry jitter (tests). */
  random?: () => number;
  /** Called when a Grafana annotation push fails. */
  onAnnotationError?: (ref: string, error: string) => void;
}

export interface StandardModules {
  modules: EngineModule[];
  delivery: DeliveryModule | null;
  /** Grafana annotations; null when `grafana` is not configured. */
  annotations: AnnotationModule | null;
}

/** Heartbeat, escalation, delivery, handoffs, shift requests and Grafana annotations, from the config. */
export function standardModules(
  config: KlaxonConfig,
  store: KlaxonDatabase,
  opts: ModuleOptions,
): StandardModules {
  const directory = opts.directory ?? new OnCallDirectory(config);
  const modules: EngineModule[] = [];
  const heartbeat = heartbeatModule(config, store.locker);
  if (heartbeat) modules.push(heartbeat);
  const delivery: DeliveryModule | null =
    opts.delivery === false
      ? null
      : deliveryModule({
          config,
          db: store.db,
          clock: opts.clock,
          registry:
            opts.registry ??
            ProviderRegistry.fromConfig(config, opts.clock, deviceDirectory(store.db, opts.clock)),
          metrics: opts.metrics,
          poke: opts.poke,
        });
  modules.push(
    escalationModule({
      config,
      directory,
      dispatch: delivery ? (rows) => delivery.dispatch(rows) : undefined,
      retrigger: retriggerIncidents,
    }),
  );
  if (delivery) modules.push(delivery);
  const handoffs = handoffModule(directory);
  if (handoffs) modules.push(handoffs);
  const requests = requestsModule(config, shiftNotifier(config));
  if (requests) modules.push(requests);
  // Last, and only over its own rows: a slow Grafana never holds up paging.
  const annotations = config.grafana
    ? annotationModule({
        grafana: config.grafana,
        db: store.db,
        clock: opts.clock,
        random: opts.random,
        onError: opts.onAnnotationError ? (row, e) => opts.onAnnotationError!(row.ref, e) : undefined,
      })
    : null;
  if (annotations) modules.push(annotations);
  return { modules, delivery, annotations };
}
