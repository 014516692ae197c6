/** Klaxon's cost exporter: Cost Explorer daily cost, Budgets utilization and forecast, open anomalies. */
import { unit } from '../model/random.ts';
import { family, series, type BuildContext, type Family } from '../model/series.ts';
import { BUDGETS, COST_SERVICES } from '../model/topology.ts';

export function costExporter(ctx: BuildContext): Family[] {
  const budget = (knob: string) =>
    BUDGETS.map((b) =>
      series({ budget: b.budget, service: b.service }, () =>
        Math.max(0, ctx.knob(knob, { budget: b.budget }).at()),
      ),
    );
  return [
    family(
      'aws_cost_daily_usd',
      'gauge',
      'Unblended cost of the last complete day, USD.',
      COST_SERVICES.map((c) =>
        series({ service: c.service }, () => ctx.knob('cost.daily_usd', { service: c.service }).at()),
      ),
    ),
    family(
      'aws_budget_utilization_ratio',
      'gauge',
      'Actual spend / budget limit.',
      budget('cost.budget_utilization'),
    ),
    family(
      'aws_budget_forecast_ratio',
      'gauge',
      'Forecast spend / budget limit.',
      budget('cost.budget_forecast'),
    ),
    family(
      'aws_cost_anomaly_impact_usd',
      'gauge',
      'Total impact of an open cost anomaly, USD.',
      COST_SERVICES.map((c) => {
        const id = `anomaly-${Math.floor(unit(ctx.seed, `anomaly:${c.service}`) * 0xffffffff)
          .toString(16)
          .padStart(8, '0')}`;
        return series({ service: c.service, anomaly_id: id }, () => {
          const v = ctx.knob('cost.anomaly_usd', { service: c.service }).at();
          return v > 0 ? v : undefined;
        });
      }),
    ),
  ];
}
