/**
 * The dashboards on-call engineers land on from every page. UIDs are stable: `klaxon-<service>` is the
 * drill-down for each service the catalog alerts on (the deep links and runbooks open it), and the others
 * are the design's core dashboards plus one per persona. Every query reads metrics of the contract.
 * Each dashboard lives in its own file; this is the one list of them, and its order is the order of the
 * generated dashboards.
 */
import type { DashboardSpec } from './build.ts';
import { platformDashboard } from './platform.ts';
import { kafkaDashboard } from './kafka.ts';
import { aiDashboard } from './ai.ts';
import { costDashboard } from './cost.ts';
import { timelineDashboard } from './timeline.ts';
import { redshiftDashboard } from './redshift.ts';
import { kubernetesDashboard } from './kubernetes.ts';
import { gameApiDashboard } from './game-api.ts';
import { narrativeDashboard } from './narrative.ts';
import { monitoringDashboard } from './monitoring.ts';
import { productDashboard } from './product.ts';

export function seedDashboards(): DashboardSpec[] {
  return [
    platformDashboard(),
    kafkaDashboard(),
    aiDashboard(),
    costDashboard(),
    timelineDashboard(),
    redshiftDashboard(),
    kubernetesDashboard(),
    gameApiDashboard(),
    narrativeDashboard(),
    monitoringDashboard(),
    productDashboard(),
  ];
}
