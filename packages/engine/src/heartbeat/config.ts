/** The heartbeat slice of the config file: the dead-man's switch on Alertmanager's always-firing alert. */
import { z } from 'zod';
import type { ApplyConfig } from '../incidents/config.ts';
import { id } from '../validation/zod.ts';

export const heartbeatSchema = z.strictObject({
  alertname: z.string().min(1).default('Watchdog').describe("The always-firing alert's name."),
  service: id.describe('Service that owns the "monitoring pipeline is down" incident.'),
  timeoutMinutes: z.number().positive().default(5),
  integrations: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'Names of the integration keys whose always-firing alert is the heartbeat; default: the keys whose service is `service`. The alert from any other key is ignored.',
    ),
});

export type HeartbeatConfig = z.output<typeof heartbeatSchema>;

/** The integration keys, as the heartbeat sees them. */
export interface HeartbeatKeysView {
  integrationKeys: readonly { name: string; service: string }[];
}

/** What applying alerts with heartbeats reads (the heartbeat module, ingest): `heartbeat` and ApplyConfig. */
export interface HeartbeatApplyConfig extends ApplyConfig, HeartbeatKeysView {
  heartbeat?: HeartbeatConfig | undefined;
}

/** The names of the integration keys that feed the heartbeat: `integrations`, else the keys of its service. */
export function heartbeatIntegrations(
  heartbeat: Pick<HeartbeatConfig, 'service' | 'integrations'>,
  config: HeartbeatKeysView,
): Set<string> {
  return new Set(
    heartbeat.integrations ??
      config.integrationKeys.filter((k) => k.service === heartbeat.service).map((k) => k.name),
  );
}
