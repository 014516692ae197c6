/** Cloud cost: anomalies, budgets and their forecasts, from Klaxon's cost exporter. */
import type { AlertDefinition } from '../model/alert.ts';
import { gauge, input } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';

export function costAlerts(s: Selectors): AlertDefinition[] {
  const c = selectorLabels(s.cost);
  const base = { group: 'cost', service: 'cost', team: 'finops' };
  const budget = `budget="bedrock-monthly",service="Amazon Bedrock"`;
  return [
    {
      ...base,
      name: 'CloudCostAnomaly',
      summary: 'AWS Cost Anomaly Detection flagged {{ $labels.service }}',
      description: 'Anomaly {{ $labels.anomaly_id }} on {{ $labels.service }} is open.',
      expr: `max by (service, anomaly_id) (aws_cost_anomaly_impact_usd{${s.cost}})`,
      thresholds: [{ tier: 'T3', op: '>', value: 0, for: '0m' }],
      outputLabels: { service: 'Amazon Bedrock', anomaly_id: 'a-123' },
      input: (v) =>
        input(gauge(`aws_cost_anomaly_impact_usd{${c},service="Amazon Bedrock",anomaly_id="a-123"}`, v)),
      metrics: ['aws_cost_anomaly_impact_usd'],
      runbook: {
        meaning: 'Cost Explorer found spend outside the service\u2019s usual pattern.',
        impact: 'Money, not players: reviewed in business hours.',
        diagnosis: ['Open the anomaly in Cost Explorer for its root causes (usage type, account, region).'],
        mitigation: ['Find the workload behind it; cap or roll back.'],
      },
    },
    {
      ...base,
      name: 'BudgetThresholdReached',
      summary: 'Budget {{ $labels.budget }} for {{ $labels.service }} is used up past the threshold',
      description:
        'Actual spend on {{ $labels.budget }} ({{ $labels.service }}) reached 80% (T2) or 100% (T1) of its limit.',
      expr: `max by (budget, service) (aws_budget_utilization_ratio{${s.cost}})`,
      thresholds: [
        { tier: 'T1', op: '>=', value: 1, for: '0m' },
        { tier: 'T2', op: '>=', value: 0.8, for: '0m' },
      ],
      // Crossing a budget is a fact the moment AWS reports it: no for:.
      immediate: true,
      outputLabels: { budget: 'bedrock-monthly', service: 'Amazon Bedrock' },
      input: (v) => input(gauge(`aws_budget_utilization_ratio{${c},${budget}}`, v)),
      metrics: ['aws_budget_utilization_ratio'],
      runbook: {
        meaning: 'AWS Budgets actual spend / limit.',
        impact: 'At 100% the month\u2019s budget is gone; finance sign-off is needed to keep spending.',
        diagnosis: ['Daily spend by service on the Cost and spend dashboard.'],
        mitigation: ['Throttle the biggest consumer (often Bedrock tokens) or get the budget raised.'],
      },
    },
    {
      ...base,
      name: 'BudgetForecastOverrun',
      summary: 'Budget {{ $labels.budget }} is forecast to overrun',
      description: 'AWS forecasts spend on {{ $labels.budget }} above its limit by month end.',
      expr: `max by (budget, service) (aws_budget_forecast_ratio{${s.cost}})`,
      thresholds: [{ tier: 'T3', op: '>', value: 1, for: '1h' }],
      outputLabels: { budget: 'bedrock-monthly', service: 'Amazon Bedrock' },
      input: (v) => input(gauge(`aws_budget_forecast_ratio{${c},${budget}}`, v)),
      metrics: ['aws_budget_forecast_ratio'],
      runbook: {
        meaning: 'Forecast / limit above 1.',
        impact: 'Early warning, days ahead of BudgetThresholdReached.',
        diagnosis: ['Which service drives the forecast?'],
        mitigation: ['Plan the cut or the budget change now.'],
      },
    },
    {
      ...base,
      name: 'DailyCostHigh',
      summary: 'Yesterday\u2019s {{ $labels.service }} spend was above $5,000',
      description:
        'The last complete day of {{ $labels.service }} cost was above the daily review threshold.',
      expr: `max by (service) (aws_cost_daily_usd{${s.cost}})`,
      thresholds: [{ tier: 'T3', op: '>', value: 5000, for: '0m' }],
      outputLabels: { service: 'Amazon Bedrock' },
      input: (v) => input(gauge(`aws_cost_daily_usd{${c},service="Amazon Bedrock"}`, v)),
      metrics: ['aws_cost_daily_usd'],
      runbook: {
        meaning: 'One day\u2019s unblended cost for the service.',
        impact: 'Review in business hours.',
        diagnosis: ['Cost Explorer daily view grouped by usage type.'],
        mitigation: ['Find and fix the driver.'],
      },
    },
  ];
}
