/** The incidents slice of the config file: re-opening (`incidents`) and the links shown on an incident (`links`). */
import { z } from 'zod';
import type { AnnotationsConfig } from '../annotations/config.ts';
import type { ServicesView } from '../auth/config.ts';
import type { DeploymentsView } from '../deployments/config.ts';
import type { TiersConfig } from '../escalation/config.ts';
import type { PlannedMaintenance } from '../maintenance/store.ts';
import type { ChannelTargetsConfig } from '../notifications/config.ts';
import type { ServiceConfig } from '../org/config.ts';

export const incidentsSchema = z
  .strictObject({
    reopenWindowMinutes: z
      .number()
      .int()
      .min(0)
      .default(60)
      .describe(
        'A resolved incident whose alert fires again within this window is re-opened; later, a new incident opens. 0 always opens a new one, as PagerDuty does.',
      ),
  })
  .default({ reopenWindowMinutes: 60 });

export const linksSchema = z
  .strictObject({
    grafanaUrl: z.url().optional().describe('Base URL of Grafana, for dashboard and Explore links.'),
    alertmanagerUrl: z.url().optional().describe('Base URL of Alertmanager, for silence links.'),
    lokiDatasource: z.string().default('loki').describe('UID of the Loki datasource in Grafana.'),
    tempoDatasource: z
      .string()
      .min(1)
      .nullable()
      .default('tempo')
      .describe(
        'UID of the Tempo datasource in Grafana, for the traces link (null: no traces link, for a Grafana without traces).',
      ),
    logLabels: z
      .array(z.string())
      .default(['namespace', 'service', 'app', 'job', 'pod', 'container'])
      .describe('Alert labels that select logs in Loki, in this order, when present on the alert.'),
    windowBeforeMinutes: z.number().min(0).default(30).describe('Links start this long before the incident.'),
    windowAfterMinutes: z.number().min(0).default(15).describe('Links end this long after it resolves.'),
  })
  .default({
    lokiDatasource: 'loki',
    tempoDatasource: 'tempo',
    logLabels: ['namespace', 'service', 'app', 'job', 'pod', 'container'],
    windowBeforeMinutes: 30,
    windowAfterMinutes: 15,
  });

export type IncidentsConfig = z.output<typeof incidentsSchema>;
export type LinksConfig = z.output<typeof linksSchema>;

/** What an incident's links read: `links`, the service's dashboard, runbook and log labels, the public URL. */
export interface IncidentContextConfig {
  links: LinksConfig;
  services: readonly Pick<
    ServiceConfig,
    'id' | 'dashboard' | 'runbookUrl' | 'logSelector' | 'traceService'
  >[];
  server: { publicUrl?: string | undefined };
}

/** What changing an incident reads: ack timeouts (tier policies) and whether annotations are queued. */
export type IncidentChangesConfig = TiersConfig & AnnotationsConfig;

/** What applying alerts reads: re-opening, paging, maintenance now, announcements and annotations. */
export type ApplyConfig = IncidentChangesConfig &
  PlannedMaintenance &
  ChannelTargetsConfig & { incidents: IncidentsConfig };

/** What the incidents API reads: links, changes, team scoping and "what changed?". */
export type IncidentRoutesConfig = IncidentContextConfig &
  IncidentChangesConfig &
  ServicesView &
  DeploymentsView;
