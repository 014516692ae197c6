/** Cost knobs: daily cost per service, budgets, anomalies, and CloudWatch's month-to-date charges. */
import { monthFraction } from '../model/curves.ts';
import { knobKey, type KnobDef } from '../model/knob.ts';
import type { Labels } from '../model/labels.ts';
import { jitter, unit } from '../model/random.ts';
import { BUDGETS, COST_SERVICES } from '../model/topology.ts';
import { DAY_MS } from '../model/wave.ts';

const services = COST_SERVICES.map((s) => ({ service: s.service }));
const dailyOf = (l: Labels) => COST_SERVICES.find((s) => s.service === l.service)!.dailyUsd;
const budgetOf = (l: Labels) => BUDGETS.find((b) => b.budget === l.budget)!;

/** The last complete UTC day's cost: drifts ±8% over 9 days, ±2% day to day. Constant within a day. */
export function dailyCost(seed: number, l: Labels, tMs: number): number {
  const day = Math.floor(tMs / DAY_MS) - 1;
  const key = knobKey('cost.daily_usd', l);
  const drift = 0.08 * Math.sin((2 * Math.PI * day) / 9 + 2 * Math.PI * unit(seed, key));
  return Math.round(dailyOf(l) * (1 + drift + 0.02 * (2 * unit(seed, key, day) - 1)) * 100) / 100;
}

export const costKnobs: KnobDef[] = [
  {
    name: 'cost.daily_usd',
    labels: ['service'],
    unit: 'USD',
    help: 'Yesterday’s unblended cost of the service (aws_cost_daily_usd).',
    baseDoc: 'Bedrock 1200, Redshift 900, MSK 620, EKS 750; ±10% drift, constant within a day',
    instances: services,
    base: (l, t, seed) => dailyCost(seed, l, t),
    alerts: [{ alertname: 'DailyCostHigh', tier: 'T3', op: '>', value: 5000 }],
  },
  {
    name: 'cost.budget_utilization',
    labels: ['budget'],
    unit: 'ratio',
    help: 'Actual spend / budget limit this month (aws_budget_utilization_ratio).',
    baseDoc: 'grows through the month to 0.62 (monthly-total) or 0.66 (bedrock-monthly); ±1%',
    instances: BUDGETS.map((b) => ({ budget: b.budget })),
    base: (l, t, seed) =>
      budgetOf(l).monthEnd *
      monthFraction(t) *
      (1 + jitter(seed, knobKey('cost.budget_utilization', l), t, 0.01)),
    alerts: [
      { alertname: 'BudgetThresholdReached', tier: 'T1', op: '>=', value: 1 },
      { alertname: 'BudgetThresholdReached', tier: 'T2', op: '>=', value: 0.8 },
    ],
  },
  {
    name: 'cost.budget_forecast',
    labels: ['budget'],
    unit: 'ratio',
    help: 'Forecast month-end spend / limit (aws_budget_forecast_ratio).',
    baseDoc: 'the month-end utilization ±5%',
    instances: BUDGETS.map((b) => ({ budget: b.budget })),
    base: (l, t, seed) =>
      budgetOf(l).monthEnd *
      (1 + 0.05 * (2 * unit(seed, knobKey('cost.budget_forecast', l), Math.floor(t / DAY_MS)) - 1)),
    alerts: [{ alertname: 'BudgetForecastOverrun', tier: 'T3', op: '>', value: 1 }],
  },
  {
    name: 'cost.anomaly_usd',
    labels: ['service'],
    unit: 'USD',
    help: 'Impact of an open Cost Anomaly Detection anomaly; the series exists only while > 0.',
    baseDoc: '0 (no open anomaly)',
    instances: services,
    base: () => 0,
    alerts: [{ alertname: 'CloudCostAnomaly', tier: 'T3', op: '>', value: 0 }],
  },
  {
    name: 'billing.estimated_charges_usd',
    labels: ['service'],
    unit: 'USD',
    help: 'CloudWatch AWS/Billing EstimatedCharges: month-to-date charges of the service.',
    baseDoc: 'daily cost × days elapsed this month',
    instances: services,
    base: (l, t) => {
      const d = new Date(t);
      const days = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
      return Math.round(dailyOf(l) * days * monthFraction(t) * 100) / 100;
    },
    alerts: [],
  },
];
