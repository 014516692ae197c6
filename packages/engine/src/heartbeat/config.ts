/** The heartbeat slice of the config file: the dead-man's switch on Alertmanager's always-firing alert. */
import { z } from 'zod';
import type { ApplyConfig } from '../incidents/config.ts';
import { id } from '../validation/zod.ts';

export const heartbeatSchema = z.strictObject({
  alertname: z.string().min(1).default('Watchdog').describe("The always-firing alert's name."),
  service: id.describe('Service that owns the "monitoring pipeline is down" incident.'),
  timeoutMinutes: z.number().positive().default(5),
});

export type HeartbeatConfig = z.output<typeof heartbeatSchema>;

/** What applying alerts with heartbeats reads (the heartbeat module, ingest): `heartbeat` and ApplyConfig. */
export interface HeartbeatApplyConfig extends ApplyConfig {
  heartbeat?: HeartbeatConfig | undefined;
}
