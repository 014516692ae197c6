/** The seed catalog: the reference platform's alerts, with overridable selectors. */
import { ENVIRONMENTS } from '../compile/environments.ts';
import { seedDashboards } from '../dashboards/dashboards.ts';
import type { Catalog } from '../model/alert.ts';
import { DEFAULT_SELECTORS, type Selectors } from '../model/selectors.ts';
import { applicationAlerts, type AppOptions } from './application.ts';
import { baselineAlerts, baselineRules } from './baselines.ts';
import { bedrockAlerts } from './bedrock.ts';
import { SEED_CHART_MAPPING, withChartReplacements } from './chart.ts';
import { costAlerts } from './cost.ts';
import { genAiFailureAlerts } from './genai.ts';
import { kafkaAlerts } from './kafka.ts';
import { kubernetesAlerts } from './kubernetes.ts';
import { metaAlerts } from './meta.ts';
import { narrativeQualityAlerts, narrativeQualityRules } from './narrative-quality.ts';
import { redshiftAlerts } from './redshift.ts';
import { SEED_CARDINALITY, SEED_SCALE_OUT } from './scale-out.ts';
import { signalRules } from './signals.ts';

export interface SeedOptions {
  selectors?: Partial<Selectors>;
  runbookBaseUrl?: string;
  sla?: Partial<AppOptions>;
}

export function seedCatalog(opts: SeedOptions = {}): Catalog {
  const s: Selectors = { ...DEFAULT_SELECTORS, ...opts.selectors };
  return {
    alerts: withChartReplacements([
      ...kafkaAlerts(s),
      ...redshiftAlerts(s),
      ...bedrockAlerts(s),
      ...genAiFailureAlerts(s),
      ...costAlerts(s),
      ...kubernetesAlerts(s),
      ...applicationAlerts(s, {
        apiP99SlaSeconds: 0.5,
        narrativeP95SlaSeconds: 5,
        agentP95SlaSeconds: 3,
        ...opts.sla,
      }),
      ...metaAlerts(s),
      ...baselineAlerts(s),
      ...narrativeQualityAlerts(s),
    ]),
    recordingRules: [...baselineRules(s), ...signalRules(s), ...narrativeQualityRules(s)],
    runbookBaseUrl: opts.runbookBaseUrl ?? 'https://runbooks.klaxon.example/alerts',
    dashboards: seedDashboards(),
    environments: Object.values(ENVIRONMENTS),
    scaleOut: SEED_SCALE_OUT,
    cardinality: SEED_CARDINALITY,
    kubePrometheusStack: SEED_CHART_MAPPING,
  };
}
