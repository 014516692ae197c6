/**
 * The one place the config becomes `ApplyOptions`: tier paging, ack timeouts, maintenance now, where a
 * service announces, Grafana annotations. Ingest and the heartbeat both apply alerts with it.
 */
import type { Transaction } from 'kysely';
import { annotationPolicy } from '../annotations/outbox.ts';
import type { Database } from '../db/tables.ts';
import { ackTimeoutFor, pagingFor } from '../escalation/policy.ts';
import { servicesInMaintenance } from '../maintenance/store.ts';
import { channelTargets } from '../notifications/targets.ts';
import type { ApplyConfig } from './config.ts';
import type { ApplyOptions } from './machine.ts';

export async function applyOptions(
  trx: Transaction<Database>,
  config: ApplyConfig,
  now: number,
): Promise<ApplyOptions> {
  return {
    now,
    reopenWindowMs: config.incidents.reopenWindowMinutes * 60_000,
    paging: (tier) => pagingFor(config, tier),
    ackTimeoutMs: (tier) => ackTimeoutFor(config, tier),
    maintenance: await servicesInMaintenance(trx, config, now),
    channels: (serviceId, tier) => channelTargets(config, serviceId, tier),
    annotations: annotationPolicy(config),
  };
}
